import type {
  BlockDeviceMapping, DefaultDeviceNamesForInstanceRequest, DefaultDeviceNamesForInstanceResult, DefaultRootDeviceNameRequest,
  GetDeviceNameForInstanceRequest,
} from '@virtkit/core';
import type { MemoryHost } from '../model/memory-host.js';
import { deviceKey } from '../model/volume-identity.js';

/** Device name prefix per disk bus, as guests name them. */
const PREFIX: Readonly<Record<string, string>> = { virtio: 'vd', scsi: 'sd', sata: 'sd', usb: 'sd', ide: 'hd', xen: 'xvd', fdc: 'fd' };

/** `/dev/vda` for a virtio root disk; an ISO boots from a CD-ROM (`/dev/sda` on SATA); a named root row keeps its name. */
export function defaultRootDeviceName(_host: MemoryHost, req: DefaultRootDeviceNameRequest): string {
  if (req.rootBdm?.deviceName) return `/dev/${deviceKey(req.rootBdm.deviceName)}`;
  const props = req.imageMeta.properties ?? {};
  const bus = req.imageMeta.diskFormat === 'iso' ? (props.hw_cdrom_bus ?? 'sata') : (req.rootBdm?.diskBus ?? props.hw_disk_bus ?? 'virtio');
  return `/dev/${prefixOf(bus)}a`;
}

/** Name every unnamed row after the root device and the names already taken; returns new rows, same order. */
export function defaultDeviceNamesForInstance(_host: MemoryHost, req: DefaultDeviceNamesForInstanceRequest): DefaultDeviceNamesForInstanceResult {
  const rootPrefix = prefixFromName(req.rootDeviceName);
  const lists = [req.ephemerals ?? [], req.swap ?? [], req.blockDeviceMapping ?? []];
  const taken = new Set([deviceKey(req.rootDeviceName), ...lists.flat().flatMap((r) => (r.deviceName ? [deviceKey(r.deviceName)] : []))]);
  const [ephemerals, swap, blockDeviceMapping] = lists.map((rows) =>
    rows.map((row): BlockDeviceMapping => {
      if (row.deviceName) return { ...row };
      const name = nextFree(row.diskBus ? prefixOf(row.diskBus) : rootPrefix, taken);
      taken.add(name);
      return { ...row, deviceName: `/dev/${name}` };
    }),
  );
  return { ephemerals: ephemerals!, swap: swap!, blockDeviceMapping: blockDeviceMapping! };
}

/**
 * The wished name when free, else the next free one on the row's bus (or the root's). Never the
 * root disk's own device: the request's root name, else the boot row's, else the default `/dev/vda`
 * of an image-booted instance is taken, and so are the volumes attached here.
 */
export function getDeviceNameForInstance(host: MemoryHost, req: GetDeviceNameForInstanceRequest): string {
  const taken = new Set(req.bdms.flatMap((r) => (r.deviceName ? [deviceKey(r.deviceName)] : [])));
  const bootRow = req.bdms.find((r) => r.bootIndex === 0 && r.deviceName);
  taken.add(deviceKey(req.instance.rootDeviceName ?? bootRow?.deviceName ?? '/dev/vda'));
  for (const device of host.store.get(req.instance.uuid)?.extras?.volumes?.keys() ?? []) taken.add(device);
  const wish = req.blockDevice.deviceName;
  if (wish && !taken.has(deviceKey(wish))) return `/dev/${deviceKey(wish)}`;
  const prefix = req.blockDevice.diskBus
    ? prefixOf(req.blockDevice.diskBus)
    : prefixFromName(req.instance.rootDeviceName ?? wish ?? '/dev/vda');
  return `/dev/${nextFree(prefix, taken)}`;
}

function prefixOf(bus: string): string {
  return PREFIX[bus] ?? 'vd';
}

/** `vd` from `/dev/vda`, `xvd` from `xvdb`. */
function prefixFromName(name: string): string {
  const key = deviceKey(name);
  return key.startsWith('xvd') ? 'xvd' : key.slice(0, 2);
}

/** The first of `<prefix>a` ... `<prefix>z`, `<prefix>aa` ... not in `taken`. */
function nextFree(prefix: string, taken: ReadonlySet<string>): string {
  for (let i = 0; ; i++) {
    const name = prefix + suffix(i);
    if (!taken.has(name)) return name;
  }
}

function suffix(i: number): string {
  return i < 26 ? String.fromCharCode(97 + i) : suffix(Math.floor(i / 26) - 1) + String.fromCharCode(97 + (i % 26));
}
