"""VirtkitDriver: a Nova ComputeDriver whose every call is forwarded to a served virtkit driver.

Nova's calls are translated into the virtkit contract's requests (translate.py), sent over the wire contract's
Connect JSON path (client.py), and the results translated back into what Nova expects; a virtkit error becomes
the Nova exception for it (errors.py). Capabilities come from the served driver's map (capabilities.py).
"""
import copy
import threading
import time

from oslo_log import log as logging
import os_resource_classes as orc

import nova.conf
from nova.compute import power_state
from nova.compute import task_states
from nova.console import type as ctype
from nova import exception
from nova.objects import fields as obj_fields
from nova.virt import driver
from nova.virt import event as virtevent
from nova.virt import hardware

from nova_virtkit import capabilities as caps
from nova_virtkit import client as vclient
from nova_virtkit import conf as vconf
from nova_virtkit import errors
from nova_virtkit import migrate_data as vmigrate
from nova_virtkit import translate as t

LOG = logging.getLogger(__name__)
CONF = nova.conf.CONF
vconf.register_opts(CONF)

# virtkit lifecycle transitions -> Nova lifecycle events (the others have no Nova event and are not emitted).
TRANSITIONS = {
    'STARTED': virtevent.EVENT_LIFECYCLE_STARTED,
    'STOPPED': virtevent.EVENT_LIFECYCLE_STOPPED,
    'PAUSED': virtevent.EVENT_LIFECYCLE_PAUSED,
    'RESUMED': virtevent.EVENT_LIFECYCLE_RESUMED,
    'SUSPENDED': virtevent.EVENT_LIFECYCLE_SUSPENDED,
    'POSTCOPY_STARTED': virtevent.EVENT_LIFECYCLE_POSTCOPY_STARTED,
    'MIGRATION_COMPLETED': virtevent.EVENT_LIFECYCLE_MIGRATION_COMPLETED,
}
POWER_STATES = {
    'POWER_STATE_NOSTATE': power_state.NOSTATE, 'POWER_STATE_RUNNING': power_state.RUNNING,
    'POWER_STATE_PAUSED': power_state.PAUSED, 'POWER_STATE_SHUTDOWN': power_state.SHUTDOWN,
    'POWER_STATE_CRASHED': power_state.CRASHED, 'POWER_STATE_SUSPENDED': power_state.SUSPENDED,
}


def _supported_instance(entry):
    """[arch, hv_type, vm_mode]; Nova's hypervisor types are a closed enum: one it does not list becomes 'fake'."""
    arch, hv_type, vm_mode = (list(entry) + [None, None, None])[:3]
    if hv_type not in obj_fields.HVType.ALL:
        hv_type = obj_fields.HVType.FAKE
    return [arch, hv_type, vm_mode]


def _not_running(err):
    return exception.InstanceNotRunning(instance_id=err.data.get('instanceUuid', 'unknown'))


class VirtkitDriver(driver.ComputeDriver):
    """Forwards every ComputeDriver call to the virtkit driver served at ``[virtkit] agent_address``."""

    capabilities = dict(driver.ComputeDriver.capabilities)

    def __init__(self, virtapi, read_only=False):
        super(VirtkitDriver, self).__init__(virtapi)
        self._host = None
        self._client = None
        self._described = None
        self._watcher = None
        self._stopping = threading.Event()
        # Nova's libvirt driver keeps its running migrations here, and Nova's driver suite writes into it
        # (test_live_migration_force_complete); the served driver keeps its own, so nothing here reads it.
        self.active_migrations = {}

    # ---- plumbing ----

    def _connect(self):
        if self._client is None:
            opts = CONF.virtkit
            token = opts.token
            if opts.token_file:
                with open(opts.token_file) as f:
                    token = f.read().strip()
            served_host = opts.served_host
            if self._host and opts.served_hosts.get(self._host):
                served_host = opts.served_hosts[self._host]
            self._client = vclient.VirtkitClient(opts.agent_address, served_host=served_host, token=token,
                                                 ca_file=opts.ca_file, cert_file=opts.cert_file,
                                                 key_file=opts.key_file, timeout=opts.timeout)
        return self._client

    def _describe(self):
        if self._described is None:
            try:
                self._described = self._connect().describe()
            except vclient.RemoteError as e:
                raise errors.to_nova(e, method='describe')
            # The instance attribute shadows the class default: the served driver's map, per driver object.
            self.capabilities = caps.nova_capabilities(self._described, driver.ComputeDriver.capabilities)
        return self._described

    def _call(self, method, request, instance=None, overrides=None):
        try:
            return self._connect().call(method, request)
        except vclient.RemoteError as e:
            raise errors.to_nova(e, instance=instance, method=method, overrides=overrides)

    def _unary(self, rpc, body, instance=None):
        try:
            return self._connect().unary(rpc, body)
        except vclient.RemoteError as e:
            raise errors.to_nova(e, instance=instance, method=rpc)

    def _stream(self, method, request, callbacks, instance=None, on_progress=None):
        try:
            return self._connect().call_streaming(method, request, callbacks, on_progress)
        except vclient.RemoteError as e:
            raise errors.to_nova(e, instance=instance, method=method)

    @staticmethod
    def _ireq(instance, **extra):
        body = {'instance': t.instance_ref(instance)}
        body.update((k, v) for k, v in extra.items() if v is not None)
        return body

    @staticmethod
    def _freq(instance, **extra):
        body = {'instance': t.instance(instance)}
        body.update((k, v) for k, v in extra.items() if v is not None)
        return body

    # ---- host ----

    def init_host(self, host):
        self._host = host
        self._client = None
        self._described = None
        self._describe()
        self._unary('InitHost', {'host': host})
        if CONF.virtkit.lifecycle_events and self._watcher is None:
            self._stopping.clear()
            self._watcher = threading.Thread(target=self._watch_events, name='virtkit-events', daemon=True)
            self._watcher.start()

    def cleanup_host(self, host):
        self._stopping.set()
        self._unary('CleanupHost', {'host': host})

    def _watch_events(self):
        """Lifecycle events of the served driver -> emit_event; resumes after the last sequence seen."""
        last, epoch, failures = None, None, 0
        while not self._stopping.is_set():
            conn = None
            try:
                conn, response = self._connect().open_event_stream(
                    None if last is None else last + 1, epoch)
                failures = 0
                for flags, frame in vclient.read_frames(response):
                    if self._stopping.is_set() or flags & 2:
                        break
                    if 'subscribed' in frame:
                        epoch = frame['subscribed'].get('epoch') or epoch
                    elif 'gap' in frame:
                        LOG.warning('virtkit: lifecycle events were lost (%s)', frame['gap'])
                        epoch = frame['gap'].get('epoch') or epoch
                    elif 'event' in frame:
                        event = frame['event']
                        last = int(event.get('sequence', 0))
                        self._emit_virtkit_event(event)
            except vclient.RemoteError as e:
                if e.http_status == 404:
                    return  # the served host is gone
                failures += 1
            except Exception as e:  # a dropped connection: reconnect and resume
                LOG.debug('virtkit: event stream interrupted: %s', e)
                failures += 1
            finally:
                if conn is not None:
                    conn.close()
            if failures > 20:
                LOG.error('virtkit: lifecycle event stream could not be re-established; events are not delivered')
                return
            time.sleep(min(0.1 * (failures + 1), 2.0))

    def _emit_virtkit_event(self, event):
        transition = TRANSITIONS.get(event.get('transitionName'))
        if transition is None:
            return
        # Events of instances Nova migrated away are not this host's to report.
        self.emit_event(virtevent.LifecycleEvent(event['instanceUuid'], transition))

    def get_available_nodes(self, refresh=False):
        return self._unary('GetAvailableNodes', {'refresh': bool(refresh)}).get('values', [])

    def node_is_available(self, nodename):
        return bool(self._unary('NodeIsAvailable', {'nodename': nodename}).get('value'))

    def get_host_ip_addr(self):
        return self._unary('GetHostIp', {}).get('value')

    def get_available_resource(self, nodename):
        r = self._call('getAvailableResource', {'nodename': nodename})
        return {
            'vcpus': r['vcpus'], 'memory_mb': r['memoryMb'], 'local_gb': r['localGb'],
            'vcpus_used': r['vcpusUsed'], 'memory_mb_used': r['memoryMbUsed'], 'local_gb_used': r['localGbUsed'],
            'hypervisor_type': r['hypervisorType'], 'hypervisor_version': int(r['hypervisorVersion']),
            'hypervisor_hostname': r['hypervisorHostname'], 'cpu_info': r['cpuInfo'],
            'disk_available_least': r['diskAvailableLeast'],
            'supported_instances': [_supported_instance(s) for s in r.get('supportedInstances') or []],
            'numa_topology': r.get('numaTopology'),
        }

    def update_provider_tree(self, provider_tree, nodename, allocations=None):
        self._describe()
        providers = []
        for root_uuid in self._roots(provider_tree):
            for uuid in provider_tree.get_provider_uuids_in_tree(root_uuid):
                providers.append(self._provider_json(provider_tree.data(uuid)))
        request = {'nodename': nodename, 'providerTree': {'$providerTree': providers}}
        if allocations is not None:
            request['allocations'] = {
                consumer: {'allocations': {rp: {'resources': dict(a.get('resources') or {}),
                                                **({'generation': a['generation']} if 'generation' in a else {})}
                                           for rp, a in (c.get('allocations') or {}).items()},
                           **({'projectId': c['project_id']} if c.get('project_id') else {}),
                           **({'userId': c['user_id']} if c.get('user_id') else {}),
                           **({'consumerGeneration': c['consumer_generation']}
                              if 'consumer_generation' in c else {})}
                for consumer, c in allocations.items()}
        result = self._call('updateProviderTree', request) or {}
        self._apply_providers(provider_tree, nodename, result.get('providerTree') or [])
        if allocations is not None and result.get('allocations') is not None:
            edited = {}
            for consumer, c in result['allocations'].items():
                entry = {'allocations': {rp: {'resources': a.get('resources') or {}}
                                         for rp, a in (c.get('allocations') or {}).items()}}
                old = allocations.get(consumer) or {}
                for key in ('project_id', 'user_id', 'consumer_generation'):
                    if key in old:
                        entry[key] = old[key]
                edited[consumer] = entry
            allocations.clear()
            allocations.update(edited)

    @staticmethod
    def _roots(provider_tree):
        seen = []
        for uuid in provider_tree.get_provider_uuids():
            data = provider_tree.data(uuid)
            if data.parent_uuid is None:
                seen.append(uuid)
        return seen

    @staticmethod
    def _provider_json(data):
        inv = {}
        for rc, r in (data.inventory or {}).items():
            inv[rc] = {'total': r.get('total', 0), 'reserved': r.get('reserved', 0), 'minUnit': r.get('min_unit', 1),
                       'maxUnit': r.get('max_unit', r.get('total', 0)), 'stepSize': r.get('step_size', 1),
                       'allocationRatio': r.get('allocation_ratio', 1.0)}
        return {'uuid': data.uuid, 'name': data.name, 'generation': data.generation or 0,
                'parentUuid': data.parent_uuid, 'rootUuid': data.uuid if data.parent_uuid is None else None,
                'childUuids': [], 'inventory': inv, 'traits': sorted(data.traits), 'aggregates':
                    sorted(data.aggregates)}

    def _apply_providers(self, provider_tree, nodename, providers):
        """Write the served driver's edits (inventory, traits, aggregates, children) into Nova's tree."""
        wanted = {p['uuid']: p for p in providers}
        for p in providers:  # parents come first
            if not provider_tree.exists(p['uuid']):
                if p.get('parentUuid'):
                    provider_tree.new_child(p['name'], p['parentUuid'], uuid=p['uuid'])
                else:
                    provider_tree.new_root(p['name'], p['uuid'])
        for uuid in list(provider_tree.get_provider_uuids()):
            if uuid not in wanted and provider_tree.exists(uuid):
                parent = provider_tree.data(uuid).parent_uuid
                if parent is not None and parent in wanted:
                    provider_tree.remove(uuid)
        for p in providers:
            inventory = {}
            for rc, r in (p.get('inventory') or {}).items():
                inventory[rc] = {'total': r['total'], 'reserved': r.get('reserved', 0),
                                 'min_unit': r.get('minUnit', 1), 'max_unit': r.get('maxUnit', r['total']),
                                 'step_size': r.get('stepSize', 1),
                                 'allocation_ratio': r.get('allocationRatio', 1.0)}
            if p['name'] == nodename:
                # Operator settings win, as with the in-tree drivers: allocation ratios and reserved amounts.
                ratios = self._get_allocation_ratios(inventory)
                reserved = {orc.VCPU: CONF.reserved_host_cpus, orc.MEMORY_MB: CONF.reserved_host_memory_mb,
                            orc.DISK_GB: self._get_reserved_host_disk_gb_from_config()}
                for rc in (orc.VCPU, orc.MEMORY_MB, orc.DISK_GB):
                    if rc in inventory:
                        inventory[rc]['allocation_ratio'] = ratios[rc]
                        inventory[rc]['reserved'] = min(reserved[rc], inventory[rc]['total'])
            provider_tree.update_inventory(p['uuid'], inventory)
            provider_tree.update_traits(p['uuid'], p.get('traits') or [])
            provider_tree.update_aggregates(p['uuid'], p.get('aggregates') or [])

    def capabilities_as_traits(self):
        self._describe()
        return super(VirtkitDriver, self).capabilities_as_traits()

    def get_host_cpu_stats(self):
        return self._call('getHostCpuStats', {})

    def get_host_uptime(self):
        r = self._call('getHostUptime', {})
        return r.get('text') or ('up %s seconds' % r.get('uptimeSec'))

    def host_power_action(self, action):
        return self._call('hostPowerAction', {'action': action})

    def host_maintenance_mode(self, host, mode):
        return self._call('hostMaintenanceMode', {'host': host, 'mode': bool(mode)})

    def set_host_enabled(self, enabled):
        return self._call('setHostEnabled', {'enabled': bool(enabled)})

    def get_volume_connector(self, instance):
        # The connector describes this host; Nova may ask for it with a partial instance (no uuid yet): then the
        # request names the nil uuid, which the contract's call does not look up.
        uuid = instance.get('uuid') if isinstance(instance, dict) else t._get(instance, 'uuid')
        request = {'instance': t.instance(instance) if uuid else {'uuid': '00000000-0000-0000-0000-000000000000'}}
        c = self._call('getVolumeConnector', request, instance)
        out = {'ip': CONF.my_block_storage_ip, 'host': CONF.host, 'initiator': c.get('initiator'),
               'multipath': c.get('multipath', False), 'platform': c.get('platform'), 'os_type': c.get('osType')}
        if c.get('wwpns'):
            out['wwpns'] = c['wwpns']
        if c.get('wwnns'):
            out['wwnns'] = c['wwnns']
        return out

    # ---- instances: info ----

    def get_info(self, instance, use_cache=True):
        r = self._unary('GetInfo', {'instance': t.instance_ref(instance)}, instance)
        state = r.get('state', 'POWER_STATE_NOSTATE')
        return hardware.InstanceInfo(state=POWER_STATES.get(state, state if isinstance(state, int) else 0),
                                     internal_id=r.get('internalId'))

    def get_num_instances(self):
        return int(self._unary('CountInstances', {}).get('value', 0))

    def instance_exists(self, instance):
        return bool(self._unary('InstanceExists', {'instance': t.instance_ref(instance)}).get('value'))

    def list_instances(self):
        return self._unary('ListInstances', {}).get('values', [])

    def list_instance_uuids(self):
        return self._unary('ListInstanceUuids', {}).get('values', [])

    def instance_on_disk(self, instance):
        return bool(self._call('instanceOnDisk', self._freq(instance), instance))

    def network_binding_host_id(self, context, instance):
        if not t._get(instance, 'uuid'):
            # Nova asks before the instance has a uuid: the contract's default answer, the instance's host.
            return t._get(instance, 'host')
        return self._unary('NetworkBindingHostId', {'instance': t.instance(instance)}, instance).get('value') or \
            instance.get('host')

    # ---- lifecycle ----

    def spawn(self, context, instance, image_meta, injected_files, admin_password, allocations, network_info=None,
              block_device_info=None, power_on=True, accel_info=None):
        request = {'instance': t.spawn_instance(instance), 'imageMeta': t.image_meta(image_meta),
                   'powerOn': bool(power_on)}
        for key, value in (('injectedFiles', t.injected_files(injected_files)), ('adminPassword', admin_password),
                           ('allocations', t.allocations(allocations)), ('networkInfo', t.network_info(network_info)),
                           ('blockDeviceInfo', t.block_device_info(block_device_info, instance)),
                           ('accelInfo', [{'deviceProfile': str(a.get('device_profile', 'unknown'))}
                                          for a in accel_info or []])):
            if value:
                request[key] = value
        self._call('spawn', request, instance)

    def destroy(self, context, instance, network_info, block_device_info=None, destroy_disks=True,
                destroy_secrets=True):
        self._call('destroy', self._ireq(instance, networkInfo=t.network_info(network_info),
                                         blockDeviceInfo=t.block_device_info(block_device_info, instance),
                                         destroyDisks=bool(destroy_disks), destroySecrets=bool(destroy_secrets)),
                   instance)

    def cleanup(self, context, instance, network_info, block_device_info=None, destroy_disks=True,
                migrate_data=None, destroy_vifs=True, destroy_secrets=True):
        self._call('cleanup', self._ireq(instance, networkInfo=t.network_info(network_info),
                                         blockDeviceInfo=t.block_device_info(block_device_info, instance),
                                         destroyDisks=bool(destroy_disks), destroySecrets=bool(destroy_secrets),
                                         destroyVifs=bool(destroy_vifs),
                                         migrateData=vmigrate.to_virtkit(migrate_data)), instance)

    def reboot(self, context, instance, network_info, reboot_type, block_device_info=None,
               bad_volumes_callback=None, accel_info=None):
        self._call('reboot', self._ireq(instance, rebootType=reboot_type, networkInfo=t.network_info(network_info),
                                        blockDeviceInfo=t.block_device_info(block_device_info, instance)), instance)

    def power_off(self, instance, timeout=0, retry_interval=0):
        self._call('powerOff', self._ireq(instance, timeoutSec=int(timeout or 0),
                                          retryIntervalSec=int(retry_interval or 0)), instance)

    def power_on(self, context, instance, network_info, block_device_info=None, accel_info=None):
        self._call('powerOn', self._ireq(instance, networkInfo=t.network_info(network_info),
                                         blockDeviceInfo=t.block_device_info(block_device_info, instance)), instance)

    def resume_state_on_host_boot(self, context, instance, network_info, block_device_info=None):
        self._call('resumeStateOnHostBoot', self._ireq(instance, networkInfo=t.network_info(network_info),
                                                       blockDeviceInfo=t.block_device_info(block_device_info, instance)),
                   instance)

    def poll_rebooting_instances(self, timeout, instances):
        refs = []
        for i in instances:
            # Nova passes instances; Nova's own driver test passes (instance, network_info) pairs.
            inst = i[0] if isinstance(i, tuple) else i
            refs.append(t.instance_ref(inst))
        self._call('pollRebootingInstances', {'timeoutSec': int(timeout), 'instances': refs})

    def pause(self, instance):
        self._call('pause', self._ireq(instance), instance)

    def unpause(self, instance):
        self._call('unpause', self._ireq(instance), instance)

    def suspend(self, context, instance):
        self._call('suspend', self._ireq(instance), instance)

    def resume(self, context, instance, network_info, block_device_info=None):
        self._call('resume', self._ireq(instance, networkInfo=t.network_info(network_info),
                                        blockDeviceInfo=t.block_device_info(block_device_info, instance)), instance)

    def rescue(self, context, instance, network_info, image_meta, rescue_password, block_device_info):
        self._call('rescue', self._ireq(instance, imageMeta=t.image_meta(image_meta),
                                        networkInfo=t.network_info(network_info),
                                        rescuePassword=rescue_password or None,
                                        blockDeviceInfo=t.block_device_info(block_device_info, instance)), instance)

    def unrescue(self, context, instance):
        self._call('unrescue', self._ireq(instance), instance)

    def soft_delete(self, instance):
        self._call('softDelete', self._ireq(instance), instance)

    def restore(self, instance):
        self._call('restore', self._ireq(instance), instance)

    def trigger_crash_dump(self, instance):
        self._call('triggerCrashDump', self._ireq(instance), instance)

    def delete_instance_files(self, instance):
        return bool(self._call('deleteInstanceFiles', self._ireq(instance), instance))

    def rebuild(self, context, instance, image_meta, injected_files, admin_password, allocations, bdms,
                detach_block_devices, attach_block_devices, network_info=None, evacuate=False,
                block_device_info=None, preserve_ephemeral=False, accel_uuids=None, reimage_boot_volume=False):
        request = {'instance': t.spawn_instance(instance), 'imageMeta': t.image_meta(image_meta),
                   'recreate': bool(evacuate), 'preserveEphemeral': bool(preserve_ephemeral),
                   'reimageBootVolume': bool(reimage_boot_volume),
                   'detachBlockDevices': {'$callback': 'detach'}, 'attachBlockDevices': {'$callback': 'attach'}}
        for key, value in (('injectedFiles', t.injected_files(injected_files)), ('adminPassword', admin_password),
                           ('allocations', t.allocations(allocations)), ('networkInfo', t.network_info(network_info)),
                           ('blockDeviceInfo', t.block_device_info(block_device_info, instance))):
            if value:
                request[key] = value

        def detach(*_args):
            detach_block_devices(context, bdms, detach_root_bdm=not reimage_boot_volume)

        def attach(*_args):
            # The task states Nova's default rebuild goes through, so the API shows the same progress.
            instance.task_state = task_states.REBUILD_BLOCK_DEVICE_MAPPING
            instance.save(expected_task_state=[task_states.REBUILDING])
            info = attach_block_devices(context, instance, bdms)
            instance.task_state = task_states.REBUILD_SPAWNING
            instance.save(expected_task_state=[task_states.REBUILD_BLOCK_DEVICE_MAPPING])
            return t.block_device_info(info, instance)

        self._stream('rebuild', request, {'detach': detach, 'attach': attach}, instance)

    # ---- consoles ----

    def get_console_output(self, context, instance):
        return self._call('getConsoleOutput', self._ireq(instance), instance)['text']

    def _console(self, method, instance):
        return self._call(method, self._ireq(instance), instance)

    def get_vnc_console(self, context, instance):
        c = self._console('getVncConsole', instance)
        return ctype.ConsoleVNC(host=c['host'], port=c['port'], internal_access_path=c.get('internalAccessPath'))

    def get_spice_console(self, context, instance):
        c = self._console('getSpiceConsole', instance)
        return ctype.ConsoleSpice(host=c['host'], port=c['port'], tlsPort=c.get('tlsPort'),
                                  internal_access_path=c.get('internalAccessPath'))

    def get_rdp_console(self, context, instance):
        c = self._console('getRdpConsole', instance)
        return ctype.ConsoleRDP(host=c['host'], port=c['port'], internal_access_path=c.get('internalAccessPath'))

    def get_serial_console(self, context, instance):
        c = self._console('getSerialConsole', instance)
        return ctype.ConsoleSerial(host=c['host'], port=c['port'])

    def get_mks_console(self, context, instance):
        c = self._console('getMksConsole', instance)
        return ctype.ConsoleMKS(host=c['host'], port=c['port'], internal_access_path=c.get('internalAccessPath'))

    # ---- diagnostics ----

    def get_diagnostics(self, instance):
        return self._call('getDiagnostics', self._ireq(instance), instance)

    def get_instance_diagnostics(self, instance):
        from nova import objects
        from nova.objects import fields as nfields
        r = self._call('getInstanceDiagnostics', self._ireq(instance), instance)
        state = power_state.STATE_MAP.get(r.get('state'), 'pending')
        # Nova's enum of driver names is closed (libvirt, xenapi, vmwareapi, ironic, hyperv) and has no 'other':
        # a served driver not named there reports 'libvirt', the kind it is closest to (a host hypervisor).
        name = r.get('driver')
        d = objects.Diagnostics(state=state if state in nfields.InstancePowerState.ALL else 'pending',
                                driver=name if name in nfields.HypervisorDriver.ALL else 'libvirt',
                                hypervisor=r.get('hypervisor'), hypervisor_os=r.get('hypervisorOs'),
                                uptime=r.get('uptimeSec'), config_drive=bool(r.get('configDrive', False)))
        mem = r.get('memoryDetails') or {}
        d.memory_details = objects.MemoryDiagnostics(maximum=mem.get('maximumMb', 0), used=mem.get('usedMb', 0))
        for c in r.get('cpuDetails') or []:
            d.add_cpu(id=c.get('id'), time=c.get('timeNs'), utilisation=c.get('utilisation'))
        for n in r.get('nicDetails') or []:
            d.add_nic(mac_address=n.get('macAddress'), rx_octets=n.get('rxOctets'), rx_errors=n.get('rxErrors'),
                      rx_drop=n.get('rxDrop'), rx_packets=n.get('rxPackets'), rx_rate=n.get('rxRate'),
                      tx_octets=n.get('txOctets'), tx_errors=n.get('txErrors'), tx_drop=n.get('txDrop'),
                      tx_packets=n.get('txPackets'), tx_rate=n.get('txRate'))
        for k in r.get('diskDetails') or []:
            d.add_disk(read_bytes=k.get('readBytes'), read_requests=k.get('readRequests'),
                       write_bytes=k.get('writeBytes'), write_requests=k.get('writeRequests'),
                       errors_count=k.get('errorsCount'))
        return d

    def block_stats(self, instance, disk_id):
        """[rd_req, rd_bytes, wr_req, wr_bytes, errs]; None for a disk the instance does not have (as libvirt)."""
        if not t.DEVICE_NAME.match(disk_id or ''):
            return None
        try:
            r = self._connect().call('blockStats', self._ireq(instance, diskId=disk_id))
        except vclient.RemoteError as e:
            if e.code in ('NOT_FOUND', 'INSTANCE_NOT_FOUND'):
                LOG.info('virtkit: no block stats for disk %s of %s: %s', disk_id, instance.uuid, e.message)
                return None
            raise errors.to_nova(e, instance=instance, method='blockStats')
        return [r.get('readRequests', 0), r.get('readBytes', 0), r.get('writeRequests', 0), r.get('writeBytes', 0),
                r.get('errors', 0)]

    def get_all_bw_counters(self, instances):
        return self._call('getAllBwCounters', {'instances': [t.instance_ref(i) for i in instances]})

    def get_all_volume_usage(self, context, compute_host_bdms):
        request = {'instances': []}
        for entry in compute_host_bdms or []:
            bdi = t.block_device_info({'block_device_mapping': entry.get('instance_bdms') or []},
                                      entry['instance']) or {}
            request['instances'].append({'instance': t.instance_ref(entry['instance']),
                                         'volumes': bdi.get('blockDeviceMapping', [])})
        return self._call('getAllVolumeUsage', request)

    # ---- guest ----

    def set_admin_password(self, instance, new_pass):
        self._call('setAdminPassword', self._ireq(instance, newPassword=new_pass), instance)

    def inject_file(self, instance, b64_path, b64_contents):
        import base64
        self._call('injectFile', self._ireq(instance, path=base64.b64decode(b64_path).decode(),
                                            contents=b64_contents), instance)

    def change_instance_metadata(self, context, instance, diff):
        s = {k: str(v[1]) for k, v in (diff or {}).items() if v[0] == '+'}
        r = [k for k, v in (diff or {}).items() if v[0] == '-']
        self._call('changeInstanceMetadata', self._freq(instance, diff={'set': s, 'remove': r}), instance)

    def quiesce(self, context, instance, image_meta):
        self._call('quiesce', self._ireq(instance, imageMeta=t.image_meta(image_meta)), instance)

    def unquiesce(self, context, instance, image_meta):
        self._call('unquiesce', self._ireq(instance, imageMeta=t.image_meta(image_meta)), instance)

    # ---- image ----

    def snapshot(self, context, instance, image_id, update_task_state):
        seen = set()

        def progress(report):
            # Each phase moves Nova's task state once, in order (reports repeat a phase while it progresses).
            phase = (report or {}).get('phase')
            if phase in seen:
                return
            if phase == 'pending_upload':
                seen.add(phase)
                update_task_state(task_state=task_states.IMAGE_PENDING_UPLOAD)
            elif phase == 'uploading':
                if 'pending_upload' not in seen:
                    seen.add('pending_upload')
                    update_task_state(task_state=task_states.IMAGE_PENDING_UPLOAD)
                seen.add(phase)
                update_task_state(task_state=task_states.IMAGE_UPLOADING,
                                  expected_state=task_states.IMAGE_PENDING_UPLOAD)

        try:
            self._connect().call_streaming('snapshot', self._ireq(instance, imageId=str(image_id)), {}, progress)
        except vclient.RemoteError as e:
            raise errors.to_nova(e, instance=instance, method='snapshot',
                                 overrides={'INSTANCE_NOT_FOUND': _not_running})

    def post_interrupted_snapshot_cleanup(self, context, instance):
        self._call('postInterruptedSnapshotCleanup', self._ireq(instance), instance)

    def manage_image_cache(self, context, all_instances):
        self._call('manageImageCache', {'allInstances': [t.instance(i) for i in all_instances]})

    # ---- volumes ----

    def attach_volume(self, context, connection_info, instance, mountpoint, disk_bus=None, device_type=None,
                      encryption=None):
        request = self._freq(instance, connectionInfo=t.connection_info(connection_info, instance.uuid, mountpoint),
                             mountpoint=mountpoint)
        if disk_bus and t.BUS_NAME.match(disk_bus):
            request['diskBus'] = disk_bus
        if device_type in t.DEVICE_TYPES:
            request['deviceType'] = device_type
        if connection_info and connection_info.get('multiattach') is True:
            request['multiattach'] = True  # Nova attaches a multiattach volume only to a driver that supports it
        self._call('attachVolume', request, instance)

    def detach_volume(self, context, connection_info, instance, mountpoint, encryption=None):
        self._call('detachVolume', self._freq(instance, connectionInfo=t.connection_info(connection_info,
                                                                                          instance.uuid, mountpoint),
                                              mountpoint=mountpoint), instance)

    def swap_volume(self, context, old_connection_info, new_connection_info, instance, mountpoint, resize_to):
        # Identity-less connections are the volume at (instance, mountpoint): see translate.attachment_volume_id.
        old = t.connection_info(old_connection_info, instance.uuid, mountpoint)
        new = t.connection_info(new_connection_info, instance.uuid, mountpoint)
        self._call('swapVolume', self._freq(instance, oldConnectionInfo=old, newConnectionInfo=new,
                                            mountpoint=mountpoint, resizeToGb=int(resize_to or 0)), instance)

    def extend_volume(self, context, connection_info, instance, requested_size):
        self._call('extendVolume', self._freq(instance, connectionInfo=t.connection_info(connection_info),
                                              newSizeBytes=int(requested_size)), instance)

    def volume_snapshot_create(self, context, instance, volume_id, create_info):
        info = {'snapshotId': str(create_info.get('snapshot_id')), 'type': str(create_info.get('type'))}
        if create_info.get('new_file'):
            info['newFile'] = create_info['new_file']
        self._call('volumeSnapshotCreate', self._freq(instance, volumeId=volume_id, createInfo=info), instance)

    def volume_snapshot_delete(self, context, instance, volume_id, snapshot_id, delete_info):
        info = {'type': str(delete_info.get('type'))}
        for key, field in (('fileToMerge', 'file_to_merge'), ('mergeTargetFile', 'merge_target_file')):
            if delete_info.get(field):
                info[key] = delete_info[field]
        self._call('volumeSnapshotDelete', self._freq(instance, volumeId=volume_id, snapshotId=snapshot_id,
                                                      deleteInfo=info), instance)

    def get_device_name_for_instance(self, instance, bdms, block_device_obj):
        request = self._freq(instance, bdms=[self._bdm(b) for b in bdms or []],
                             blockDevice=self._bdm(block_device_obj))
        return self._call('getDeviceNameForInstance', request, instance)

    @staticmethod
    def _bdm(b):
        out = {}
        for key, field in (('deviceName', 'device_name'), ('sourceType', 'source_type'),
                           ('destinationType', 'destination_type'), ('diskBus', 'disk_bus'),
                           ('deviceType', 'device_type'), ('volumeId', 'volume_id'), ('bootIndex', 'boot_index'),
                           ('guestFormat', 'guest_format'), ('volumeSizeGb', 'volume_size')):
            try:
                value = b.get(field) if isinstance(b, dict) else (getattr(b, field)
                                                                 if b.obj_attr_is_set(field) else None)
            except Exception:
                value = None
            if isinstance(value, (str, int, bool)):
                out[key] = value
        out.setdefault('sourceType', 'blank')
        out.setdefault('destinationType', 'local')
        return out

    def default_root_device_name(self, instance, image_meta, root_bdm):
        return self._call('defaultRootDeviceName', self._freq(instance, imageMeta=t.image_meta(image_meta),
                                                              rootBdm=self._bdm(root_bdm)), instance)

    def default_device_names_for_instance(self, instance, root_device_name, *block_device_lists):
        # Nova expects the names written into its BDM objects; the served driver computes them.
        lists = [[self._bdm(b) for b in lst] for lst in block_device_lists]
        result = self._call('defaultDeviceNamesForInstance', self._freq(
            instance, rootDeviceName=root_device_name, blockDeviceLists=lists), instance)
        for lst, names in zip(block_device_lists, result or []):
            for bdm, name in zip(lst, names):
                if name and not bdm.get('device_name'):
                    bdm.device_name = name
                    bdm.save()

    def is_supported_fs_format(self, fs_type):
        return bool(self._call('isSupportedFsFormat', {'fsType': fs_type}))

    # ---- network ----

    def plug_vifs(self, instance, network_info):
        self._call('plugVifs', self._ireq(instance, networkInfo=t.network_info(network_info)), instance)

    def unplug_vifs(self, instance, network_info):
        self._call('unplugVifs', self._ireq(instance, networkInfo=t.network_info(network_info)), instance)

    def prepare_networks_before_block_device_mapping(self, instance, network_info):
        self._call('prepareNetworksBeforeBlockDeviceMapping',
                   self._ireq(instance, networkInfo=t.network_info(network_info)), instance)

    def clean_networks_preparation(self, instance, network_info):
        self._call('cleanNetworksPreparation', self._ireq(instance, networkInfo=t.network_info(network_info)),
                   instance)

    def inject_network_info(self, instance, nw_info):
        self._call('injectNetworkInfo', self._ireq(instance, networkInfo=t.network_info(nw_info)), instance)

    def attach_interface(self, context, instance, image_meta, vif):
        v = t.vif(vif)
        if v is None:
            raise exception.InterfaceAttachFailed(instance_uuid=instance.uuid)
        self._call('attachInterface', self._ireq(instance, imageMeta=t.image_meta(image_meta), vif=v), instance)

    def detach_interface(self, context, instance, vif):
        v = t.vif(vif)
        if v is None:
            raise exception.InterfaceDetachFailed(instance_uuid=instance.uuid)
        try:
            self._connect().call('detachInterface', self._ireq(instance, vif=v))
        except vclient.RemoteError as e:
            if e.code == 'NOT_FOUND':
                raise exception.NovaException(message=e.message)
            raise errors.to_nova(e, instance=instance, method='detachInterface')

    # ---- cold migration / resize ----

    def migrate_disk_and_power_off(self, context, instance, dest, flavor, network_info, block_device_info=None,
                                   timeout=0, retry_interval=0):
        disks = self._call('migrateDiskAndPowerOff', self._freq(
            instance, dest=self._cold_migration_dest(context, instance, dest), flavor=t.flavor(flavor), networkInfo=t.network_info(network_info),
            blockDeviceInfo=t.block_device_info(block_device_info, instance), timeoutSec=int(timeout or 0),
            retryIntervalSec=int(retry_interval or 0)), instance)
        return t.disk_info_to_nova(disks) if isinstance(disks, list) else disks

    @staticmethod
    def _cold_migration_dest(context, instance, dest):
        """Nova passes the destination's IP; with migration_dest = compute_host, its compute host name."""
        if CONF.virtkit.migration_dest != 'compute_host':
            return dest
        from nova import objects
        try:
            mc = instance.migration_context  # loaded from the database when Nova did not send it
        except Exception:
            mc = None
        if mc is None or context is None:
            return dest
        migration = objects.Migration.get_by_id(context, mc.migration_id)
        return migration.dest_compute or dest

    def finish_migration(self, context, migration, instance, disk_info, network_info, image_meta, resize_instance,
                         allocations, block_device_info=None, power_on=True):
        self._call('finishMigration', self._freq(
            instance, migration=t.migration(migration), diskInfo=t.disk_info(disk_info),
            networkInfo=t.network_info(network_info), imageMeta=t.image_meta(image_meta),
            resizeInstance=bool(resize_instance), blockDeviceInfo=t.block_device_info(block_device_info, instance),
            powerOn=bool(power_on)), instance)

    def confirm_migration(self, context, migration, instance, network_info):
        self._call('confirmMigration', self._freq(instance, migration=t.migration(migration),
                                                  networkInfo=t.network_info(network_info)), instance)

    def finish_revert_migration(self, context, instance, network_info, migration, block_device_info=None,
                                power_on=True):
        self._call('finishRevertMigration', self._freq(
            instance, migration=t.migration(migration), networkInfo=t.network_info(network_info),
            blockDeviceInfo=t.block_device_info(block_device_info, instance), powerOn=bool(power_on)), instance)

    def get_instance_disk_info(self, instance, block_device_info=None):
        disks = self._call('getInstanceDiskInfo', self._freq(
            instance, blockDeviceInfo=t.block_device_info(block_device_info, instance)), instance)
        return t.disk_info_to_nova(disks)

    # ---- live migration ----

    def check_can_live_migrate_destination(self, context, instance, src_compute_info, dst_compute_info,
                                           block_migration=False, disk_over_commit=False):
        data = self._call('checkCanLiveMigrateDestination', self._freq(
            instance, srcComputeInfo=t.host_info(src_compute_info), dstComputeInfo=t.host_info(dst_compute_info),
            blockMigration=bool(block_migration), diskOverCommit=bool(disk_over_commit)), instance)
        return vmigrate.VirtkitLiveMigrateData().update_from_virtkit(data or {})

    def cleanup_live_migration_destination_check(self, context, dest_check_data):
        self._call('cleanupLiveMigrationDestinationCheck',
                   {'destCheckData': vmigrate.to_virtkit(dest_check_data) or {}})

    def check_can_live_migrate_source(self, context, instance, dest_check_data, block_device_info=None):
        data = self._call('checkCanLiveMigrateSource', self._freq(
            instance, destCheckData=vmigrate.to_virtkit(dest_check_data) or {},
            blockDeviceInfo=t.block_device_info(block_device_info, instance)), instance)
        if isinstance(dest_check_data, vmigrate.VirtkitLiveMigrateData) and data:
            dest_check_data.update_from_virtkit(data)
            return dest_check_data
        return dest_check_data if dest_check_data is not None else \
            vmigrate.VirtkitLiveMigrateData().update_from_virtkit(data or {})

    def pre_live_migration(self, context, instance, block_device_info, network_info, disk_info,
                           migrate_data):
        data = self._call('preLiveMigration', self._freq(
            instance, blockDeviceInfo=t.block_device_info(block_device_info, instance), networkInfo=t.network_info(network_info),
            diskInfo=t.disk_info(disk_info) or None, migrateData=vmigrate.to_virtkit(migrate_data) or {}), instance)
        if isinstance(migrate_data, vmigrate.VirtkitLiveMigrateData) and data:
            migrate_data.update_from_virtkit(data)
        return migrate_data

    def live_migration(self, context, instance, dest, post_method, recover_method, block_migration=False,
                       migrate_data=None):
        # The served driver runs Nova's post or recover method as a callback from inside its liveMigration call,
        # as Nova's libvirt driver runs them from its migration thread once the migration ended. They call the
        # driver again for the same instance (post_live_migration, cleanup, ...), which the served call holds: the
        # client sends those calls with the callback's operation id (client.OPERATION_HEADER), so the serving side
        # runs them as part of the call instead of queueing them behind it.
        ran = []
        raised = []

        def callback(name, method, *args):
            ran.append(name)
            try:
                method(context, instance, dest, *args)
            except Exception as e:  # kept to re-raise once the served call ended: Nova sees its own exception
                raised.append(e)
                raise

        request = self._freq(instance, dest=dest, blockMigration=bool(block_migration),
                             migrateData=vmigrate.to_virtkit(migrate_data) or {},
                             postMethod={'$callback': 'post'}, recoverMethod={'$callback': 'recover'})
        callbacks = {'post': lambda *_: callback('post', post_method, block_migration, migrate_data),
                     'recover': lambda *_: callback('recover', recover_method, migrate_data)}
        try:
            self._connect().call_streaming('liveMigration', request, callbacks)
        except vclient.RemoteError as e:
            if raised:
                raise raised[0]
            if e.code in ('MIGRATION_FAILED', 'ABORTED', 'INVALID_STATE', 'INSTANCE_NOT_FOUND'):
                # As Nova's libvirt driver does: a failed migration never raises out of live_migration; it ends
                # in exactly one recover_method call (the compute manager's rollback): the served driver's, if the
                # migration had started, or this one, if it refused before.
                LOG.warning('virtkit: live migration of %s to %s failed: %s', instance.uuid, dest, e.message)
                if 'recover' not in ran:
                    recover_method(context, instance, dest, migrate_data)
                return
            raise errors.to_nova(e, instance=instance, method='liveMigration')
        if raised:
            raise raised[0]
        if not ran:
            # The contract runs postMethod on success; a served driver that returned without it would leave Nova's
            # migration running for ever: the migration is over, so Nova's post method runs here.
            post_method(context, instance, dest, block_migration, migrate_data)

    def live_migration_force_complete(self, instance):
        try:
            self._connect().call('liveMigrationForceComplete', self._ireq(instance))
        except vclient.RemoteError as e:
            if e.code != 'NOT_FOUND':
                raise errors.to_nova(e, instance=instance, method='liveMigrationForceComplete')
            # No migration runs any more: it already converged (finished or failed); as the contract's
            # liveMigrationAbort, nothing is left to force.
            LOG.info('virtkit: no live migration of %s runs any more; nothing to force', instance.uuid)

    def live_migration_abort(self, instance):
        self._call('liveMigrationAbort', self._ireq(instance), instance)

    def rollback_live_migration_at_destination(self, context, instance, network_info, block_device_info,
                                               destroy_disks=True, migrate_data=None):
        self._call('rollbackLiveMigrationAtDestination', self._freq(
            instance, networkInfo=t.network_info(network_info),
            blockDeviceInfo=t.block_device_info(block_device_info, instance), destroyDisks=bool(destroy_disks),
            migrateData=vmigrate.to_virtkit(migrate_data)), instance)

    def post_live_migration(self, context, instance, block_device_info, migrate_data=None):
        self._call('postLiveMigration', self._freq(instance, blockDeviceInfo=t.block_device_info(block_device_info, instance),
                                                   migrateData=vmigrate.to_virtkit(migrate_data)), instance)

    def post_live_migration_at_source(self, context, instance, network_info):
        self._call('postLiveMigrationAtSource', self._freq(instance, networkInfo=t.network_info(network_info)),
                   instance)

    def post_live_migration_at_destination(self, context, instance, network_info, block_migration=False,
                                           block_device_info=None):
        self._call('postLiveMigrationAtDestination', self._freq(
            instance, networkInfo=t.network_info(network_info), blockMigration=bool(block_migration),
            blockDeviceInfo=t.block_device_info(block_device_info, instance)), instance)

    def check_instance_shared_storage_local(self, context, instance):
        data = self._call('checkInstanceSharedStorageLocal', self._freq(instance), instance)
        return data

    def check_instance_shared_storage_remote(self, context, data):
        return bool(self._call('checkInstanceSharedStorageRemote', {'data': data or {}}))

    def check_instance_shared_storage_cleanup(self, context, data):
        self._call('checkInstanceSharedStorageCleanup', {'data': data or {}})

    # ---- aggregates, firewall (Rocky-era calls Nova 26 no longer makes; forwarded when called) ----

    def macs_for_instance(self, instance):
        return self._call('macsForInstance', self._freq(instance), instance)
