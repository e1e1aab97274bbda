"""Nova objects -> virtkit request JSON (the shapes of @virtkit/core's request classes), and results back.

Only fields Nova has set are sent (an unset field of a Nova object is never lazy-loaded from the database here).
Values the contract's validation would refuse although Nova accepts them (a device name outside the contract's
alphabet, a VIF type the contract does not list) are adapted where the contract has a catch-all ('other') and
left out otherwise, so a call never fails on a field the served driver does not need.
"""
import base64
import re

from nova import objects

INSTANCE_NAME = re.compile(r'^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$')
RESOURCE_ID = re.compile(r'^[A-Za-z0-9][A-Za-z0-9._:-]{0,254}$')
NODE_NAME = RESOURCE_ID
HOST_DEVICE = re.compile(r'^[A-Za-z0-9][A-Za-z0-9._-]{0,14}$')
DEVICE_NAME = re.compile(r'^(/dev/)?[a-z]{1,4}[a-z0-9]{0,8}$')
BUS_NAME = re.compile(r'^[a-z][a-z0-9_]{0,15}$')
DEVICE_TAG = re.compile(r'^[^/,\x00-\x1f]{1,255}$')
SINGLE_LINE = re.compile(r'^[^\x00-\x1f\x7f\u2028\u2029]*$')
MIGRATION_DEST = re.compile(r'^[A-Za-z0-9][A-Za-z0-9.:_\[\]-]{0,254}$')
MAC = re.compile(r'^([0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}$')
VIF_TYPES = ('ovs', 'bridge', 'tap', 'vhostuser', 'hw_veb', 'user', 'other')
DISK_FORMATS = ('raw', 'qcow2', 'vmdk', 'vdi', 'vhd', 'vhdx', 'iso', 'ploop', 'aki', 'ari', 'ami')
DEVICE_TYPES = ('disk', 'cdrom', 'floppy', 'lun')


def _get(obj, name):
    """A field of a Nova object (only when set, never lazy-loaded) or of a plain dict."""
    if obj is None:
        return None
    if hasattr(obj, 'obj_attr_is_set'):
        try:
            if not obj.obj_attr_is_set(name):
                return None
        except AttributeError:
            return None
        return getattr(obj, name)
    if isinstance(obj, dict):
        return obj.get(name)
    return getattr(obj, name, None)


def _put(out, key, value, pattern=None, max_len=None):
    if value is None:
        return
    if pattern is not None and not (isinstance(value, str) and pattern.match(value)):
        return
    if max_len is not None and len(value) > max_len:
        return
    out[key] = value


def _str_dict(d):
    if not d:
        return None
    return {str(k): str(v) for k, v in dict(d).items() if v is not None}


def instance_ref(instance):
    return {'uuid': _get(instance, 'uuid')}


def flavor(f):
    if f is None:
        return None
    out = {'name': str(_get(f, 'name') or 'flavor'), 'vcpus': max(1, int(_get(f, 'vcpus') or 1)),
           'memoryMb': max(1, int(_get(f, 'memory_mb') or 1)), 'rootGb': int(_get(f, 'root_gb') or 0)}
    _put(out, 'id', None if _get(f, 'flavorid') is None else str(_get(f, 'flavorid')))
    if _get(f, 'ephemeral_gb') is not None:
        out['ephemeralGb'] = int(_get(f, 'ephemeral_gb'))
    if _get(f, 'swap') is not None:
        out['swapMb'] = int(_get(f, 'swap'))
    _put(out, 'extraSpecs', _str_dict(_get(f, 'extra_specs')))
    return out


def instance(inst, with_flavor=True):
    """The contract's Instance (FullInstanceRequest / SpawnInstance)."""
    out = instance_ref(inst)
    _put(out, 'name', _safe_name(inst), INSTANCE_NAME)
    _put(out, 'hostname', _get(inst, 'hostname'), SINGLE_LINE, 255)
    _put(out, 'imageRef', _get(inst, 'image_ref'), None, 255)
    _put(out, 'projectId', _get(inst, 'project_id'), None, 255)
    _put(out, 'userId', _get(inst, 'user_id'), None, 255)
    _put(out, 'host', _get(inst, 'host'), SINGLE_LINE, 255)
    _put(out, 'node', _get(inst, 'node'), NODE_NAME)
    _put(out, 'metadata', _str_dict(_get(inst, 'metadata')))
    _put(out, 'systemMetadata', _str_dict(_get(inst, 'system_metadata')))
    _put(out, 'keyData', _get(inst, 'key_data'), None, 65535)
    _put(out, 'userData', _get(inst, 'user_data'), None, 65535)
    _put(out, 'vmState', _get(inst, 'vm_state'), None, 64)
    _put(out, 'taskState', _get(inst, 'task_state'), None, 64)
    _put(out, 'rootDeviceName', _get(inst, 'root_device_name'), DEVICE_NAME)
    if with_flavor:
        f = flavor(_get(inst, 'flavor'))
        if f is not None:
            out['flavor'] = f
    return out


def _safe_name(inst):
    try:
        return inst['name'] if isinstance(inst, dict) else inst.name
    except Exception:
        return None


def spawn_instance(inst):
    out = instance(inst)
    if 'flavor' not in out:
        # The contract needs a flavor at spawn; an instance without one is sized from its own fields.
        out['flavor'] = {'name': 'unknown', 'vcpus': max(1, int(_get(inst, 'vcpus') or 1)),
                         'memoryMb': max(1, int(_get(inst, 'memory_mb') or 1)),
                         'rootGb': int(_get(inst, 'root_gb') or 0)}
    return out


def image_meta(meta):
    """objects.ImageMeta (or a dict of it) -> the contract's ImageMeta."""
    if meta is None:
        return {}
    if isinstance(meta, dict):
        meta = objects.ImageMeta.from_dict(meta)
    out = {}
    _put(out, 'id', _get(meta, 'id') and str(_get(meta, 'id')), RESOURCE_ID)
    _put(out, 'name', _get(meta, 'name'), None, 255)
    fmt = _get(meta, 'disk_format')
    if fmt in DISK_FORMATS:
        out['diskFormat'] = fmt
    _put(out, 'containerFormat', _get(meta, 'container_format'), None, 64)
    for key, field in (('minDiskGb', 'min_disk'), ('minRamMb', 'min_ram'), ('sizeBytes', 'size')):
        v = _get(meta, field)
        if v is not None and int(v) >= 0:
            out[key] = int(v)
    props = _get(meta, 'properties')
    if props is not None:
        prim = {}
        for name in props.fields:
            if props.obj_attr_is_set(name) and getattr(props, name) is not None:
                prim[name] = str(getattr(props, name))
        if prim:
            out['properties'] = prim
    return out


def network_info(nw_info):
    """Nova's NetworkInfo (a list of VIF dicts) -> a list of the contract's Vif."""
    if not nw_info:
        return []
    return [v for v in (vif(x) for x in nw_info) if v is not None]


def vif(v):
    if v is None or not v.get('id') or not MAC.match(str(v.get('address') or '')):
        return None
    net = v.get('network') or {}
    network = {'id': str(net.get('id') or 'unknown')}
    _put(network, 'label', net.get('label'), SINGLE_LINE, 255)
    _put(network, 'bridge', net.get('bridge'), HOST_DEVICE)
    mtu = (net.get('meta') or {}).get('mtu') if hasattr(net, 'get') else None
    if isinstance(mtu, int) and 68 <= mtu <= 65535:
        network['mtu'] = mtu
    subnets = []
    for s in net.get('subnets') or []:
        if not s.get('cidr'):
            continue
        subnet = {'cidr': str(s['cidr'])}
        gw = (s.get('gateway') or {}).get('address')
        if gw:
            subnet['gateway'] = gw
        subnet['ips'] = [ip['address'] for ip in s.get('ips') or [] if ip.get('address')]
        subnet['dns'] = [ip['address'] for ip in s.get('dns') or [] if ip.get('address')]
        subnets.append(subnet)
    network['subnets'] = subnets
    out = {'id': str(v['id']), 'address': str(v['address']), 'network': network,
           'type': v.get('type') if v.get('type') in VIF_TYPES else 'other'}
    _put(out, 'devname', v.get('devname'), HOST_DEVICE)
    _put(out, 'vnicType', v.get('vnic_type'), None, 32)
    _put(out, 'tag', v.get('tag'), DEVICE_TAG)
    if v.get('active') is not None:
        out['active'] = bool(v.get('active'))
    details = v.get('details')
    if details:
        out['details'] = _plain(dict(details))
    return out


def attachment_volume_id(instance_uuid, mountpoint):
    """The identity of the volume attached to ``instance_uuid`` at ``mountpoint``, for a connection naming none.

    Nova identifies an attachment by (instance, mountpoint): its block device mapping row is unique on them, and
    its compute manager always adds the volume id as the connection's ``serial`` before calling the driver. A
    connection info without any volume id (Nova's own driver tests attach and swap such ones) is therefore taken
    to mean "the volume at this instance's mountpoint", and gets a stable id derived from the two, so attach,
    detach, swap and the block device info of one attachment all name the same volume. Two identity-less
    connections at one mountpoint are the same volume by this rule (a swap between them keeps the attachment).
    """
    device = str(mountpoint or '')
    if device.startswith('/dev/'):
        device = device[5:]
    if not instance_uuid or not DEVICE_NAME.match(device):
        return None
    return 'nova-attachment:%s:%s' % (instance_uuid, device)


def connection_info(ci, instance_uuid=None, mountpoint=None):
    """Nova's connection_info; with (instance_uuid, mountpoint), one naming no volume gets the attachment's id."""
    if not ci:
        ci = {}
    out = {'driverVolumeType': str(ci.get('driver_volume_type') or 'unknown')[:64],
           'data': _plain(dict(ci.get('data') or {}))}
    data = ci.get('data') or {}
    # Nova's connection_info names its volume as 'serial' (the volume id) when data has no volume_id.
    _put(out, 'volumeId', data.get('volume_id') or ci.get('volume_id') or ci.get('serial'), RESOURCE_ID)
    _put(out, 'serial', ci.get('serial'), RESOURCE_ID)
    if 'volumeId' not in out:
        _put(out, 'volumeId', attachment_volume_id(instance_uuid, mountpoint), RESOURCE_ID)
    if ci.get('multiattach') is True:
        # Nova marks a multiattach volume's connection at its top level (block_device.py: "used by the volume
        # driver to determine the proper disk configuration"); a served driver reads it from the data, as a
        # connector's flag (the memory driver's spawn does).
        out['data']['multiattach'] = True
    return out


def block_device_info(bdi, instance=None):
    """Nova's block_device_info dict (root_device_name, ephemerals, swap, block_device_mapping).

    With the instance, a volume whose connection names no id gets its attachment's id (attachment_volume_id).
    """
    if not bdi:
        return None
    out = {}
    _put(out, 'rootDeviceName', bdi.get('root_device_name'), DEVICE_NAME)
    ephemerals = []
    for e in bdi.get('ephemerals') or []:
        disk = {'sizeGb': int(e.get('size') or 0)}
        _put(disk, 'deviceName', e.get('device_name'), DEVICE_NAME)
        _put(disk, 'guestFormat', e.get('guest_format'), None, 16)
        if e.get('device_type') in DEVICE_TYPES:
            disk['deviceType'] = e.get('device_type')
        _put(disk, 'diskBus', e.get('disk_bus'), BUS_NAME)
        ephemerals.append(disk)
    if ephemerals:
        out['ephemerals'] = ephemerals
    swap = bdi.get('swap')
    if swap and swap.get('swap_size'):
        s = {'swapSizeMb': int(swap['swap_size'])}
        _put(s, 'deviceName', swap.get('device_name'), DEVICE_NAME)
        _put(s, 'diskBus', swap.get('disk_bus'), BUS_NAME)
        out['swap'] = s
    volumes = []
    for b in bdi.get('block_device_mapping') or []:
        if not b.get('connection_info') or not DEVICE_NAME.match(str(b.get('mount_device') or '')):
            continue
        conn = connection_info(b['connection_info'])
        if 'volumeId' not in conn:
            # The mapping row's volume id, else the attachment's own (as attach_volume named it).
            _put(conn, 'volumeId', _bdm_volume_id(b) or attachment_volume_id(_get(instance, 'uuid'),
                                                                             b['mount_device']), RESOURCE_ID)
        vol = {'mountDevice': b['mount_device'], 'connectionInfo': conn}
        if b.get('delete_on_termination') is not None:
            vol['deleteOnTermination'] = bool(b.get('delete_on_termination'))
        if isinstance(b.get('boot_index'), int) and b['boot_index'] >= 0:
            vol['bootIndex'] = b['boot_index']
        _put(vol, 'diskBus', b.get('disk_bus'), BUS_NAME)
        _put(vol, 'deviceType', b.get('device_type'), BUS_NAME)
        _put(vol, 'volumeId', _bdm_volume_id(b) or conn.get('volumeId'), RESOURCE_ID)
        volumes.append(vol)
    if volumes:
        out['blockDeviceMapping'] = volumes
    return out


def _bdm_volume_id(b):
    try:
        return b.get('volume_id') or b['connection_info'].get('serial')
    except Exception:
        return None


def injected_files(files):
    out = []
    for path, contents in files or []:
        if isinstance(contents, str):
            contents = contents.encode()
        out.append({'path': path, 'contents': base64.b64encode(contents).decode()})
    return out


def allocations(allocs):
    """Placement allocations {rp_uuid: {'resources': {...}, 'generation': n}} -> the contract's Allocations."""
    if not allocs:
        return None
    return {str(rp): {'resources': {str(k): int(v) for k, v in ((a or {}).get('resources') or {}).items()}}
            for rp, a in dict(allocs).items()}


def migration(m):
    if m is None:
        return None
    out = {'id': str(_get(m, 'uuid') or _get(m, 'id') or 'migration'),
           'destCompute': str(_get(m, 'dest_compute') or '')}
    _put(out, 'sourceCompute', _get(m, 'source_compute'))
    _put(out, 'sourceNode', _get(m, 'source_node'))
    _put(out, 'destNode', _get(m, 'dest_node'))
    mt = _get(m, 'migration_type')
    if mt in ('migration', 'resize', 'live-migration', 'evacuation'):
        out['migrationType'] = mt
    return out


def disk_info(disk_info_json):
    """Nova passes disk info as the JSON string get_instance_disk_info returned (or a list)."""
    import json
    if not disk_info_json:
        return []
    disks = json.loads(disk_info_json) if isinstance(disk_info_json, str) else disk_info_json
    out = []
    for d in disks or []:
        if 'virtualSizeBytes' in d:
            out.append(d)
            continue
        item = {'type': str(d.get('type', 'raw')), 'path': str(d.get('path', 'disk')),
                'virtualSizeBytes': int(d.get('virt_disk_size') or 0), 'diskSizeBytes': int(d.get('disk_size') or 0),
                'overCommitDiskSizeBytes': int(d.get('over_committed_disk_size') or 0)}
        if d.get('backing_file'):
            item['backingFile'] = d['backing_file']
        out.append(item)
    return out


def disk_info_to_nova(disks):
    """The contract's InstanceDiskInfo list -> the JSON string Nova expects (libvirt's keys)."""
    import json
    return json.dumps([{'type': d.get('type'), 'path': d.get('path'), 'virt_disk_size': d.get('virtualSizeBytes'),
                        'backing_file': d.get('backingFile', ''), 'disk_size': d.get('diskSizeBytes'),
                        'over_committed_disk_size': d.get('overCommitDiskSizeBytes')} for d in disks or []])


def host_info(compute_info):
    """A compute node (objects.ComputeNode or dict) -> the contract's MigrationHostInfo."""
    out = {}
    if compute_info is None:
        return out
    _put(out, 'host', _get(compute_info, 'host'), None, 255)
    _put(out, 'hypervisorHostname', _get(compute_info, 'hypervisor_hostname'), None, 255)
    _put(out, 'hypervisorType', _get(compute_info, 'hypervisor_type'), None, 64)
    v = _get(compute_info, 'hypervisor_version')
    if isinstance(v, int) and v >= 0:
        out['hypervisorVersion'] = v
    _put(out, 'cpuInfo', _get(compute_info, 'cpu_info'), None, 65535)
    d = _get(compute_info, 'disk_available_least')
    if isinstance(d, int):
        out['diskAvailableLeastGb'] = d
    return out


def _plain(value, depth=0):
    """A JSON-safe copy (Nova dicts may hold objects; those travel as their string)."""
    if depth > 8:
        return None
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, dict):
        return {str(k): _plain(v, depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_plain(v, depth + 1) for v in value]
    return str(value)
