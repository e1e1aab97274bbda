import type { AttachVolumeRequest, SpawnRequest } from '@virtkit/core';
import type { QemuHost } from '../../runtime/qemu-host.js';
import type { VmMeta } from '../../runtime/vm-meta.js';
import { bootSourceOf } from './boot-source.js';
import { bareDevice, volumeSource } from '../volume/volumes.js';

// "Same request" for creates (issue #18, docs/caller-guide.md "Retries"): what the request says exists, exists as said.

/**
 * The instance is what `req` would have made: same name, vCPUs, memory and
 * root disk, same boot source (image), the same NICs (VIF id and MAC) and the
 * same volumes at the same devices. Power state, passwords and files are not compared.
 */
export function spawnMatches(host: QemuHost, req: SpawnRequest): boolean {
  const meta = host.find(req.instance.uuid)?.meta;
  if (meta === undefined) return false;
  const { instance } = req;
  const name = instance.name ?? `instance-${instance.uuid.slice(0, 8)}`;
  if (
    meta.name !== name ||
    meta.vcpus !== instance.flavor.vcpus ||
    meta.memoryMb !== instance.flavor.memoryMb ||
    meta.rootGb !== instance.flavor.rootGb
  )
    return false;
  if (JSON.stringify(meta.boot) !== JSON.stringify(bootSourceOf(req.imageMeta).boot)) return false;
  const nics = meta.nics.map((n) => `${n.vifId}/${n.mac}`).sort();
  const asked = (req.networkInfo ?? []).map((v) => `${v.id}/${v.address.toLowerCase()}`).sort();
  if (nics.join() !== asked.join()) return false;
  const volumes = meta.volumes.map((v) => `${v.device}=${v.path}`).sort();
  const wanted = (req.blockDeviceInfo?.blockDeviceMapping ?? [])
    .map(
      (b) => `${bareDevice(b.mountDevice)}=${String(b.connectionInfo.data.path ?? b.connectionInfo.data.device_path)}`,
    )
    .sort();
  return volumes.join() === wanted.join();
}

/** The volume's file is already attached at `mountpoint` of this instance. */
export function volumeAttachedAsAsked(meta: VmMeta, req: AttachVolumeRequest): boolean {
  const device = bareDevice(req.mountpoint);
  const existing = meta.volumes.find((v) => v.device === device);
  return existing !== undefined && existing.path === volumeSource(req.connectionInfo).path;
}
