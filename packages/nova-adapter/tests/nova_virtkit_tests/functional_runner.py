"""Nova's functional tests with every compute service backed by the adapter and its own served @virtkit/memory host.

Loaded by ``python3 -m testtools.run --load-list <ids> nova_virtkit_tests.functional_runner`` (see
scripts/nova/run-nova-tests.mjs). Importing it:

- makes ``compute_driver = virtkit.VirtkitDriver`` loadable in this process (nova_virtkit.shim);
- wraps Nova's ``TestCase.start_service``: starting a ``compute`` service for host H opens a fresh served memory
  host named H (all on one fabric, so migrations between computes really move instances), maps H to it in
  ``[virtkit] served_hosts`` and sets ``compute_driver`` to the adapter; the hosts are closed when the test ends;
- mirrors Nova's Glance fixture into the served hosts' image store (snapshots upload into the image Nova created);
- points ``state_path`` / ``[wsgi] api_paste_config`` at Debian nova-common's api-paste.ini ($VIRTKIT_NOVA_STATE).

The tests themselves are Nova's, unmodified.
"""
import os
import time
import unittest

from nova_virtkit import shim

shim.extend_nova_virt()

import nova_virtkit.driver  # noqa: E402,F401  (registers the [virtkit] options)

from nova import test  # noqa: E402
from nova.tests import fixtures as nova_fixtures  # noqa: E402
from nova.tests.fixtures import api_paste  # noqa: E402

from nova_virtkit_tests import fixtures as vfixtures  # noqa: E402

# Debian's nova-common api-paste.ini, extracted by scripts/install-system-deps.sh to <STATE>/etc/nova/ (Nova's
# test fixtures look for it at $state_path/etc/nova/api-paste.ini).
STATE = os.environ.get('VIRTKIT_NOVA_STATE', '/usr/local/share/virtkit-nova')
API_PASTE = os.path.join(STATE, 'etc', 'nova', 'api-paste.ini')
_original_start_service = test.TestCase.start_service


def _hosts(case):
    hosts = case.__dict__.get('_virtkit_hosts')
    if hosts is None:
        hosts = case.useFixture(vfixtures.ServedHosts())
        hosts.mirror_glance(nova_fixtures.GlanceFixture)
        case._virtkit_hosts = hosts
    return hosts


def start_service(self, name, host=None, **kwargs):
    if name == 'compute':
        from nova import conf
        hostname = host or conf.CONF.host
        served = _hosts(self).open(hostname)
        mapping = dict(conf.CONF.virtkit.served_hosts)
        mapping[hostname] = served
        self.flags(compute_driver='virtkit.VirtkitDriver')
        self.flags(agent_address=vfixtures.agent_address(), served_hosts=mapping, migration_dest='compute_host',
                   group='virtkit')
    return _original_start_service(self, name, host=host, **kwargs)


_original_setup = test.TestCase.setUp


def set_up(self):
    # After Nova's ConfFixture (which points api_paste_config into the library's tree), before any subclass
    # starts the API.
    _original_setup(self)
    if os.path.exists(API_PASTE):
        self.flags(api_paste_config=API_PASTE, group='wsgi')


_original_api_paste_setup = api_paste.ApiPasteV21Fixture.setUp


def api_paste_set_up(self):
    # The API-sample tests' no-project-id scenario uses this fixture before Nova's setUp (so before set_up above):
    # it reads $state_path/etc/nova/api-paste.ini, with state_path defaulting to the library's site-packages.
    # Resolve $state_path to the directory holding Debian's copy while it reads; it then points the option at its
    # own edited copy.
    if os.path.exists(API_PASTE):
        from nova import conf
        conf.CONF.set_override('state_path', STATE)
        try:
            _original_api_paste_setup(self)
        finally:
            conf.CONF.clear_override('state_path')
    else:
        _original_api_paste_setup(self)


test.TestCase.start_service = start_service
test.TestCase.setUp = set_up
api_paste.ApiPasteV21Fixture.setUp = api_paste_set_up


def _flatten(suite):
    """Single tests; a test with testscenarios' scenarios becomes one test per scenario, named 'id(scenario)'."""
    import testscenarios
    for item in suite:
        if hasattr(item, '__iter__'):
            yield from _flatten(item)
        elif getattr(item, 'scenarios', None):
            yield from testscenarios.generate_scenarios(item)
        else:
            yield item


def load_tests(loader, standard_tests, pattern):
    """The tests named in $VIRTKIT_NOVA_TESTS (a file of test ids, one a line), in that order.

    Nova's API-sample tests run in scenarios (API v2, v2.1, v2.1 without project id); each scenario is a test of
    its own, named as stestr names it: ``module.Class.test_name(scenario)``.
    """
    with open(os.environ['VIRTKIT_NOVA_TESTS']) as f:
        wanted = [line.strip() for line in f if line.strip()]
    modules = sorted({'.'.join(t.split('(')[0].split('.')[:-2]) for t in wanted})
    found = {test.id(): test for test in _flatten(loader.loadTestsFromNames(modules))}
    missing = [t for t in wanted if t not in found]
    if missing:
        raise LookupError('tests not found: %s' % ', '.join(missing))
    return _RecordingSuite(found[t] for t in wanted)


class _RecordingSuite(unittest.TestSuite):
    """Runs its tests in order; with $VIRTKIT_NOVA_RESULTS set, appends 'id ok|failed seconds' there per test.

    Written as each test ends, so a run stopped part way still tells which tests passed. Class and module
    fixtures (setUpClass, setUpModule) are not run: Nova's functional tests have none.
    """

    def run(self, result, debug=False):
        path = os.environ.get('VIRTKIT_NOVA_RESULTS')
        for test in self:
            if result.shouldStop:
                break
            before = len(result.failures) + len(result.errors) + len(getattr(result, 'unexpectedSuccesses', []))
            skipped = len(result.skipped)
            started = time.monotonic()
            test(result)
            after = len(result.failures) + len(result.errors) + len(getattr(result, 'unexpectedSuccesses', []))
            status = 'failed' if after > before else ('skipped' if len(result.skipped) > skipped else 'ok')
            if path:
                with open(path, 'a') as f:
                    f.write('%s %s %.1f\n' % (test.id(), status, time.monotonic() - started))
        return result
