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
# Eventlet first, as Nova's own nova/tests/functional/__init__.py does: this module is imported before any Nova
# test package, and the imports below (Nova's test base, oslo.db, the adapter) would otherwise bind the unpatched
# threading module. oslo.db's transaction state then lives in a real thread-local that every green thread of the
# test shares, and a green thread's READER transaction leaks into another's WRITER ("Can't upgrade a READER
# transaction to a WRITER mid-transaction", seen creating the scheduler service of the API-sample tests).
import nova.monkey_patch  # noqa: F401,I100  (must stay the first import)

import os  # noqa: E402
import time  # noqa: E402
import unittest  # noqa: E402

from nova_virtkit import shim  # noqa: E402

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


# $VIRTKIT_NOVA_REFERENCE=1: the reference run of the API-sample tests (see _samples below): Nova's own fake
# driver, no served host, no adapter.
REFERENCE = os.environ.get('VIRTKIT_NOVA_REFERENCE') == '1'


def start_service(self, name, host=None, **kwargs):
    if name == 'compute' and not REFERENCE:
        from nova import conf
        # Nova's ServiceFixture names a service started without a host after the service ('compute'), not after
        # CONF.host: the served host must carry that name, or the adapter's init_host finds no mapping for it and
        # falls back to the serving process's default host, which outlives the test.
        hostname = host or name
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


def _samples():
    """Where Nova's API-sample tests read (and, with $GENERATE_SAMPLES, write) their doc samples.

    Nova's ApiSampleTestBase checks each response twice: against its template (``api_samples/**.tpl``, shipped by
    Debian) and the template against the doc sample (``doc/api_samples/**.json``, source tree only, not shipped).
    $VIRTKIT_NOVA_SAMPLES names a directory that stands for ``doc/``: run-nova-tests.mjs fills it in a reference
    run of the same tests with Nova's own fake driver and $GENERATE_SAMPLES (Nova's mode that writes a missing
    sample from the response, still checking the response against the template), then runs them through the
    adapter against those samples. Nova's files are not touched; only the sample-path method of the test base is
    replaced in this process.
    """
    root = os.environ.get('VIRTKIT_NOVA_SAMPLES')
    if not root:
        return
    from nova.tests.functional import api_samples_test_base as base

    def get_sample(cls, name, api_version=None):
        return cls._get_sample_path(name, root, api_version=api_version)

    def write_sample(self, name, data):
        # Two workers of the reference run may write the same sample: write aside, then rename over.
        path = self._get_sample(name, self.microversion)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        aside = '%s.%d.tmp' % (path, os.getpid())
        with open(aside, 'w') as f:
            f.write(data)
        os.replace(aside, path)

    base.ApiSampleTestBase._get_sample = classmethod(get_sample)
    base.ApiSampleTestBase._write_sample = write_sample


_samples()
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
