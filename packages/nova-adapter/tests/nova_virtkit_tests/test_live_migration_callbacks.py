"""Nova's live-migration callbacks calling the driver again, through the adapter, against a served @virtkit/memory.

Nova hands ``live_migration`` a post method and a recover method; the served driver runs one of them as a callback
from inside its ``liveMigration`` call, which holds the instance on the serving side. Nova's methods call the driver
again for that instance (``post_live_migration_at_source``, ``cleanup``, ``get_info``, ...): the adapter's client
sends those calls with the callback's operation id (``virtkit-operation``), so the server runs them as part of the
call. Without it they queue behind the call that waits for them; the client's timeout here (30 s) turns that
deadlock into a failure. The hosts are the driver suite's (test_driver_suite), on one fabric.
"""
import unittest

import eventlet

from nova.compute import power_state
from nova import context
from nova import objects

from nova_virtkit import client as vclient
from nova_virtkit import driver as vdriver
from nova_virtkit_tests import test_driver_suite


def _has_operation(client):
    return vclient.OPERATION_HEADER in client._headers('application/json')


class LiveMigrationCallbacksTest(test_driver_suite.VirtkitConnectionTestCase):
    """Live migration from 'myhostname' to 'otherhost' with callbacks that call the driver for the instance."""

    def setUp(self):
        super(LiveMigrationCallbacksTest, self).setUp()
        hosts = {name: self._hosts.open(name) for name in ('myhostname', 'otherhost')}
        self.flags(served_hosts=hosts, lifecycle_events=False, timeout=30, group='virtkit')
        self.connection.init_host('myhostname')
        self.instance, self.network_info = self._get_running_instance()
        self.migrate_data = objects.LibvirtLiveMigrateData(
            migration=objects.Migration(context=context.RequestContext('fake', 'fake'), id=1), bdms=[],
            block_migration=False)

    def _prepare_destination(self):
        """Nova's order: the destination check, the source check, then pre_live_migration on the destination."""
        dest = vdriver.VirtkitDriver(self.connection.virtapi)
        dest.init_host('otherhost')
        self.addCleanup(dest.cleanup_host, 'otherhost')
        data = dest.check_can_live_migrate_destination(self.ctxt, self.instance, {'host': 'myhostname'},
                                                       {'host': 'otherhost'})
        data = self.connection.check_can_live_migrate_source(self.ctxt, self.instance, data)
        return dest, dest.pre_live_migration(self.ctxt, self.instance, None, self.network_info, None, data)

    def test_post_method_calls_the_driver_for_the_instance(self):
        dest, data = self._prepare_destination()
        seen = []

        def post_method(ctxt, instance, dest_host, block_migration, migrate_data):
            client = self.connection._connect()
            # What Nova's _post_live_migration does on the source: calls for the instance the served call holds.
            self.connection.post_live_migration_at_source(ctxt, instance, self.network_info)
            seen.append(('post', dest_host, self.connection.instance_exists(instance)))
            # Only this green thread's calls are part of the operation: another one's (Nova's RPC handlers, other
            # requests) are ordinary calls.
            seen.append(('operation id', _has_operation(client), eventlet.spawn(_has_operation, client).wait()))

        def recover_method(*_args):
            seen.append(('recover',))

        self.connection.live_migration(self.ctxt, self.instance, 'otherhost', post_method, recover_method,
                                       migrate_data=data)
        self.assertEqual([('post', 'otherhost', False), ('operation id', True, False)], seen)
        self.assertFalse(_has_operation(self.connection._connect()), 'the operation id outlived the callback')
        dest.post_live_migration_at_destination(self.ctxt, self.instance, self.network_info)
        self.assertEqual(power_state.RUNNING, dest.get_info(self.instance).state)

    def test_recover_method_runs_once_and_calls_the_driver_for_the_instance(self):
        # Not prepared on 'otherhost': the served driver's migration fails there and runs the recover method.
        seen = []

        def recover_method(ctxt, instance, dest_host, migrate_data):
            seen.append(('recover', dest_host, self.connection.get_info(instance).state,
                         _has_operation(self.connection._connect())))

        def post_method(*_args):
            seen.append(('post',))

        self.connection.live_migration(self.ctxt, self.instance, 'otherhost', post_method, recover_method,
                                       migrate_data=self.migrate_data)
        # Exactly one recover call, made by the served driver (inside its call: the operation id was set), with
        # the instance still running on the source.
        self.assertEqual([('recover', 'otherhost', power_state.RUNNING, True)], seen)


def load_tests(loader, tests, pattern):
    # Only this module's tests: the class inherits the driver suite's 65, which test_driver_suite runs.
    names = [n for n in vars(LiveMigrationCallbacksTest) if n.startswith('test_')]
    return unittest.TestSuite(LiveMigrationCallbacksTest(n) for n in sorted(names))
