"""Nova's own driver test suite (_VirtDriverTestCase, 65 tests) against the adapter and a served @virtkit/memory.

Every test gets fresh served hosts: its own ('myhostname', the node Nova's tests name) and 'otherhost' (the
destination Nova's live-migration test names), both on one fabric so the migration really happens. A test fails
when Nova's suite logged that the driver 'does not implement' a call: no test passes by a swallowed
NotImplementedError.
"""
import logging

from nova import test
from nova.tests import fixtures as nova_fixtures
from nova.tests.unit.virt import test_virt_drivers

from nova_virtkit_tests import fixtures as vfixtures


class VirtkitConnectionTestCase(test_virt_drivers._VirtDriverTestCase, test.TestCase):

    def setUp(self):
        self.driver_module = 'nova_virtkit.driver.VirtkitDriver'
        hosts = vfixtures.ServedHosts()
        self._hosts = hosts
        super(VirtkitConnectionTestCase, self).setUp()
        self.useFixture(hosts)
        hosts.mirror_glance(nova_fixtures.GlanceFixture)
        self.flags(agent_address=vfixtures.agent_address(), served_host=hosts.open('myhostname'),
                   group='virtkit')
        hosts.open('otherhost')
        hosts.open('dest_host')  # the cold-migration destination Nova's test names
        guard = vfixtures.NotImplementedGuard()
        logger = logging.getLogger(test_virt_drivers.__name__)
        logger.addHandler(guard)
        self.addCleanup(logger.removeHandler, guard)
        self.addCleanup(lambda: self.assertEqual([], guard.lines, 'a NotImplementedError was swallowed'))
