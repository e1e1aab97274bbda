import { readFileSync } from 'node:fs';
import type { SpawnRequest } from '@virtkit/core';
import type { QemuHost } from '../../runtime/qemu-host.js';
import type { ImageInfo } from '../../runtime/qemu-img.js';
import { checkBootFiles } from '../../runtime/tenant-files.js';
import type { BootSpec, VmMeta } from '../../runtime/vm-meta.js';
import type { Vm } from '../../runtime/vm.js';
import type { BootSource } from './boot-source.js';
import { nicsForSpawn } from '../network/vifs.js';
import { volumesForSpawn } from '../volume/volumes.js';

// What the lifecycle and migration families share about an instance: its new metadata, its root disk, its CPU time.

const GIB = 1024 ** 3;

/**
 * A root disk: a copy-on-write overlay of the image, at least the flavor's
 * size; blank for the other boots. `exactBytes` fixes the size (a copy of another host's disk).
 * The base image is checked first (confined, no backing or data file of its own) unless the caller
 * has just done so (`base`): the overlay's only backing is then the one the driver names in it.
 * @throws `VALIDATION_FAILED` for a refused base image
 */
export async function createRootDisk(
  host: QemuHost,
  vm: Vm,
  file: string,
  boot: BootSpec,
  options: { exactBytes?: number; base?: ImageInfo } = {},
): Promise<void> {
  const { exactBytes } = options;
  const flavorBytes = Math.max(vm.meta.rootGb, 1) * GIB;
  if (boot.kind !== 'disk') return host.img.createBlank(file, exactBytes ?? flavorBytes);
  const base = options.base ?? (await checkBootFiles(host, boot, 'imageMeta.properties'))!;
  const sizeBytes = exactBytes ?? (vm.meta.rootGb > 0 ? Math.max(base.virtualSize, vm.meta.rootGb * GIB) : undefined);
  await host.img.create(file, { sizeBytes, backing: { file: boot.image, format: boot.format } });
}

/** User + system CPU time of a process from /proc (clock ticks of 10 ms). */
export function processCpuTimeNs(pid: number, tid?: number): number {
  // The kernel counts in 10 ms ticks: a read less than a tick after the last one cannot differ, so skip it.
  const key = tid ? `${pid}/${tid}` : `${pid}`;
  const now = performance.now();
  const cached = CPU_TIME_CACHE.get(key);
  if (cached !== undefined && now - cached.at < TICK_MS) return cached.ns;
  let ns = 0;
  try {
    const stat = readFileSync(tid ? `/proc/${pid}/task/${tid}/stat` : `/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ns = (Number(fields[11]) + Number(fields[12])) * 10_000_000;
  } catch {
    ns = 0;
  }
  if (CPU_TIME_CACHE.size > 4096) CPU_TIME_CACHE.clear(); // bounded: pids come and go
  CPU_TIME_CACHE.set(key, { at: now, ns });
  return ns;
}

const TICK_MS = 10;
const CPU_TIME_CACHE = new Map<string, { at: number; ns: number }>();

/**
 * The metadata of a new instance (stopped, bootable), with the NICs and volumes the request names: what spawn
 * and a cold migration's destination (`finishMigration`) build before checking the files it names.
 */
export function newVmMeta(
  req: Pick<SpawnRequest, 'instance' | 'networkInfo' | 'blockDeviceInfo'>,
  source: BootSource,
): VmMeta {
  const { instance } = req;
  const meta: VmMeta = {
    version: 1,
    uuid: instance.uuid,
    name: instance.name ?? `instance-${instance.uuid.slice(0, 8)}`,
    vcpus: instance.flavor.vcpus,
    memoryMb: instance.flavor.memoryMb,
    rootGb: instance.flavor.rootGb,
    boot: source.boot,
    diskBus: source.diskBus,
    nicModel: source.nicModel,
    guestAcpi: source.guestAcpi,
    ports: 0,
    nics: [],
    volumes: [],
    power: 'shutdown',
    bootable: true,
    nextNicIndex: 0,
  };
  meta.nics = nicsForSpawn(meta, req.networkInfo ?? []);
  meta.volumes = volumesForSpawn(meta, req.blockDeviceInfo);
  return meta;
}
