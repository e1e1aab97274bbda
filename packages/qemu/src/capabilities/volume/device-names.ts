import type {
  BlockDeviceMapping,
  DefaultDeviceNamesForInstanceRequest,
  DefaultDeviceNamesForInstanceResult,
  DefaultRootDeviceNameRequest,
  GetDeviceNameForInstanceRequest,
} from '@virtkit/core';
import { invalid } from '../../runtime/safe-values.js';
import type { VmMeta } from '../../runtime/vm-meta.js';
import { IMAGE_PROPERTIES } from '../lifecycle/boot-source.js';

// Guest device names follow the bus, as Linux names them: virtio disks vda, vdb, ...; SCSI disks sda, sdb, ...

/** `_defaultRootDeviceName`: `/dev/vda`, or `/dev/sda` for an image on the SCSI bus. */
export function defaultRootDeviceName(req: DefaultRootDeviceNameRequest): string {
  const bus = req.rootBdm?.diskBus ?? req.imageMeta.properties?.[IMAGE_PROPERTIES.diskBus];
  return `/dev/${prefixOf(bus)}a`;
}

/** `_defaultDeviceNamesForInstance`: copies of the rows, each unnamed one given the next free name of its bus. */
export function defaultDeviceNames(req: DefaultDeviceNamesForInstanceRequest): DefaultDeviceNamesForInstanceResult {
  const taken = new Set([bare(req.rootDeviceName)]);
  const all = [...(req.ephemerals ?? []), ...(req.swap ?? []), ...(req.blockDeviceMapping ?? [])];
  for (const row of all) if (row.deviceName) taken.add(bare(row.deviceName));
  const name = (row: BlockDeviceMapping): BlockDeviceMapping => ({
    ...row,
    deviceName: row.deviceName ?? nextFree(taken, prefixOf(row.diskBus)),
  });
  return {
    ephemerals: (req.ephemerals ?? []).map(name),
    swap: (req.swap ?? []).map(name),
    blockDeviceMapping: (req.blockDeviceMapping ?? []).map(name),
  };
}

/**
 * `_getDeviceNameForInstance`: the requested name when free, else the next free one of the row's bus.
 * Never the root disk's own device: the request's root name, the boot row's, the instance's actual
 * root (`meta`, when it is on this host), else the default root of the bus (`vda`) are taken.
 */
export function deviceNameForInstance(
  req: GetDeviceNameForInstanceRequest,
  meta?: Pick<VmMeta, 'diskBus' | 'volumes'>,
): string {
  const taken = new Set(req.bdms.filter((b) => b.deviceName).map((b) => bare(b.deviceName!)));
  const bootRow = req.bdms.find((b) => b.bootIndex === 0 && b.deviceName);
  const root = req.instance.rootDeviceName ?? bootRow?.deviceName;
  taken.add(root !== undefined ? bare(root) : `${prefixOf(meta?.diskBus ?? req.blockDevice.diskBus)}a`);
  if (meta) {
    taken.add(`${prefixOf(meta.diskBus)}a`);
    for (const volume of meta.volumes) taken.add(bare(volume.device));
  }
  const wanted = req.blockDevice.deviceName;
  if (wanted && !taken.has(bare(wanted))) return `/dev/${bare(wanted)}`;
  return nextFree(taken, prefixOf(req.blockDevice.diskBus));
}

function prefixOf(bus: string | undefined): 'vd' | 'sd' {
  if (bus === undefined || bus === 'virtio') return 'vd';
  if (bus === 'scsi' || bus === 'sata' || bus === 'usb') return 'sd';
  throw invalid('diskBus', `unknown disk bus '${bus}'`);
}

/** The next free `<prefix><letters>` (vda..vdz, vdaa..), recorded as taken. */
function nextFree(taken: Set<string>, prefix: string): string {
  for (let i = 0; i < 26 * 27; i++) {
    const suffix = i < 26 ? letter(i) : letter(Math.floor(i / 26) - 1) + letter(i % 26);
    const candidate = `${prefix}${suffix}`;
    if (!taken.has(candidate)) {
      taken.add(candidate);
      return `/dev/${candidate}`;
    }
  }
  throw invalid('blockDeviceMapping', 'no free device name left');
}

function letter(i: number): string {
  return String.fromCharCode(97 + i);
}

function bare(name: string): string {
  return name.replace(/^\/dev\//, '');
}
