"""Nova's functional tests with every compute service backed by the adapter and its own served @virtkit/qemu host.

Loaded by ``scripts/nova/run-nova-tests.mjs functional <list> --hosts qemu``, with $VIRTKIT_NOVA_AGENT pointing at
scripts/nova/serve-qemu-hosts.mjs. Everything of ``functional_runner`` applies (a compute service started for host
H gets a fresh served host named H; the hosts are closed when the test ends); the served hosts are QEMU hosts
booting the test guest instead of memory hosts, which is the serving process's business, not this module's.

One addition: Nova's API-sample tests (``nova.tests.functional.api_sample_tests``) copy ``api-paste.ini`` from
``$state_path/etc/nova/`` in a fixture that runs before ``TestCase.setUp`` (``ApiPasteV21Fixture``), so the
``[wsgi] api_paste_config`` flag that ``functional_runner`` sets comes too late for them. Here that fixture reads
Debian nova-common's copy (``functional_runner.API_PASTE``) instead. The tests themselves are Nova's, unmodified.
"""
import os

from nova_virtkit_tests import functional_runner
from nova_virtkit_tests.functional_runner import load_tests  # noqa: F401  (the tests named in $VIRTKIT_NOVA_TESTS)

from nova.tests.fixtures import api_paste as api_paste_fixture  # noqa: E402


class _DebianPaths(object):
    """``nova.conf.paths`` as ApiPasteV21Fixture uses it, with the state path of Debian's api-paste.ini."""

    @staticmethod
    def state_path_def(*args):
        return os.path.join(functional_runner.STATE, *args)


if os.path.exists(functional_runner.API_PASTE):
    api_paste_fixture.paths = _DebianPaths
