"""Guest actions through Nova's API on a booted QEMU guest: pause/unpause, soft reboot, stop/start, live migration.

Not Nova's tests: Nova 26 has no functional test of these actions that can run against a served driver (its
pause/unpause and soft-reboot tests are the accelerator classes, which need Cyborg devices; the notification- and
API-sample classes, which compare against ``doc/`` samples Debian does not ship). These are written with Nova's own
functional machinery (``integrated_helpers._IntegratedTestBase``: API -> conductor -> scheduler -> compute in one
process, with Nova's fake Neutron, Glance, Cinder and placement) and run by ``functional_runner_qemu`` like Nova's
tests, each compute on a served @virtkit/qemu host (scripts/nova/serve-qemu-hosts.mjs) booting the test guest.

Each test reads the guest's serial console through Nova's ``os-getConsoleOutput`` action (adapter ->
``getConsoleOutput`` -> the QEMU driver's serial log), so it sees the guest's own boot marker: the actions act on
a running Linux, and a reboot or start is a fresh boot of it.
"""
import time

from nova import context
from nova.tests.functional import integrated_helpers

# Printed by the test guest's init once it is up (packages/qemu/scripts/build-test-guest.mjs).
READY = 'VIRTKIT-GUEST-READY'
# A TCG guest boots in about 10 s of its own time; on a loaded shared machine that is up to a minute.
BOOT_SECONDS = 100


class QemuGuestActionsTest(integrated_helpers._IntegratedTestBase):
    ADMIN_API = True
    microversion = 'latest'

    def _console(self, server):
        return self.api.post_server_action(server['id'], {'os-getConsoleOutput': {}})['output']

    def _wait_for_boots(self, server, count):
        """Waits until the guest has printed its ready marker `count` times (booted `count` times)."""
        deadline = time.time() + BOOT_SECONDS
        output = ''
        while time.time() < deadline:
            output = self._console(server)
            if output.count(READY) >= count:
                return output
            time.sleep(1)
        self.fail('the guest did not print %s %d time(s) within %d s; console:\n%s' % (
            READY, count, BOOT_SECONDS, output[-2000:]))

    def _wait_for(self, server, status, power_state, seconds=60):
        params = {'status': status, 'OS-EXT-STS:power_state': power_state, 'OS-EXT-STS:task_state': None}
        return self._wait_for_server_parameter(server, params, max_retries=seconds * 2)

    def _boot(self):
        server = self._create_server(networks=[{'port': self.neutron.port_1['id']}])
        self._wait_for_boots(server, 1)
        return server

    def test_pause_unpause(self):
        server = self._boot()
        self.api.post_server_action(server['id'], {'pause': {}})
        server = self._wait_for(server, 'PAUSED', 3)  # power_state PAUSED, as the served driver reports it
        self.api.post_server_action(server['id'], {'unpause': {}})
        server = self._wait_for(server, 'ACTIVE', 1)
        self._delete_server(server)

    def test_soft_reboot(self):
        server = self._boot()
        self.api.post_server_action(server['id'], {'reboot': {'type': 'SOFT'}})
        server = self._wait_for(server, 'ACTIVE', 1, seconds=90)
        output = self._wait_for_boots(server, 2)
        # A soft reboot asks the guest first: the ACPI power button, which the guest's init acts on.
        self.assertIn('power button', output)
        self._delete_server(server)

    def test_stop_start(self):
        server = self._boot()
        self.api.post_server_action(server['id'], {'os-stop': {}})
        server = self._wait_for(server, 'SHUTOFF', 4, seconds=90)  # power_state SHUTDOWN
        self.assertIn('power button', self._console(server))
        self.api.post_server_action(server['id'], {'os-start': {}})
        server = self._wait_for(server, 'ACTIVE', 1)
        self._wait_for_boots(server, 2)
        self._delete_server(server)


class QemuLiveMigrationTest(integrated_helpers.ProviderUsageBaseTestCase):
    """A booted guest live-migrates between two computes, each its own served QEMU host, and runs on there.

    Nova's own ServerMovingTests.test_live_migrate does the same with a guest that is still booting and gives the
    migration about 10 s (see functional-excluded-qemu.txt); here the guest is up first (an idle guest converges
    fast) and the migration gets a minute.
    """
    ADMIN_API = True
    microversion = 'latest'
    compute_driver = 'fake.MediumFakeDriver'  # replaced by the adapter (functional_runner), as for Nova's tests

    _console = QemuGuestActionsTest._console
    _wait_for_boots = QemuGuestActionsTest._wait_for_boots

    def setUp(self):
        super(QemuLiveMigrationTest, self).setUp()
        self.compute1 = self._start_compute(host='host1')
        self.compute2 = self._start_compute(host='host2')
        self.flavor = self.api.get_flavors()[0]

    def test_live_migrate_booted_guest(self):
        source_rp = self._get_provider_uuid_by_host('host1')
        dest_rp = self._get_provider_uuid_by_host('host2')
        server = self._boot_and_check_allocations(self.flavor, 'host1',
                                                  networks=[{'port': self.neutron.port_1['id']}])
        self._wait_for_boots(server, 1)
        self.api.post_server_action(server['id'], {'os-migrateLive': {'host': 'host2', 'block_migration': True}})
        server = self._wait_for_server_parameter(
            server, {'OS-EXT-SRV-ATTR:host': 'host2', 'status': 'ACTIVE', 'OS-EXT-STS:task_state': None},
            max_retries=120)
        self._wait_for_migration_status(server, ['completed'])
        ctx = context.get_admin_context()
        for compute in (self.compute1, self.compute2):  # the resource trackers' periodic, as Nova's tests run it
            compute.manager.update_available_resource(ctx)
        self.assertFlavorMatchesAllocation(self.flavor, server['id'], dest_rp)
        self.assertRequestMatchesUsage({'VCPU': 0, 'MEMORY_MB': 0, 'DISK_GB': 0}, source_rp)
        # The instance runs in host2's QEMU now: a hard reboot there boots the guest again, seen on host2's console.
        boots = self._console(server).count(READY)
        self._reboot_server(server, hard=True)
        self._wait_for_boots(server, boots + 1)
        self._delete_and_check_allocations(server)
