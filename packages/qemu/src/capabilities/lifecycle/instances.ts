import { readFileSync } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import {
  InstanceNotFoundError,
  type CleanupRequest,
  type DestroyRequest,
  type InstanceInfo,
  type SpawnRequest,
} from '@virtkit/core';
import type { QemuHost } from '../../runtime/qemu-host.js';
import type { ImageInfo } from '../../runtime/qemu-img.js';
import { checkBootFiles, checkMetaFiles } from '../../runtime/tenant-files.js';
import { VM_FILES, type BootSpec, type VmMeta } from '../../runtime/vm-meta.js';
import type { Vm } from '../../runtime/vm.js';
import { bootSourceOf, type BootSource } from './boot-source.js';
import { nicsForSpawn } from '../network/vifs.js';
import { volumesForSpawn } from '../volume/volumes.js';

const GIB = 1024 ** 3;

/**
 * `_spawn`: the state directory, metadata, a qcow2 root disk (an overlay on
 * the image, or blank), then the QEMU process unless `powerOn` is false.
 * A failure leaves the directory for the SDK's failed-spawn cleanup (destroy).
 */
export async function spawnInstance(host: QemuHost, req: SpawnRequest): Promise<void> {
  const source = bootSourceOf(req.imageMeta);
  const meta = newVmMeta(req, source);
  // every file the request names is checked before anything is created: a refusal leaves nothing behind
  const base = await checkMetaFiles(host, meta);
  const vm = await host.create(meta);
  await createRootDisk(host, vm, vm.file(VM_FILES.rootDisk), source.boot, { base });
  if (req.powerOn !== false) await vm.busy(() => vm.start());
  else await vm.save();
}

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

/**
 * `_destroy`: stop the process and remove the state directory (with
 * `destroyDisks: false`, the disks stay for `deleteInstanceFiles`).
 * @throws `INSTANCE_NOT_FOUND` for an unknown instance (the SDK then succeeds).
 */
export async function destroyInstance(host: QemuHost, req: DestroyRequest): Promise<void> {
  const vm = host.find(req.instance.uuid);
  if (!vm) {
    if (req.destroyDisks !== false)
      await rm(await host.instanceDir(req.instance.uuid), { recursive: true, force: true });
    throw new InstanceNotFoundError(req.instance.uuid);
  }
  await vm.busy(async () => {
    await vm.stopProcess('quit');
    await host.remove(vm, { keepDisks: req.destroyDisks === false });
  });
}

/** `_cleanup`: remove files a destroy without disks left behind. */
export async function cleanupInstance(host: QemuHost, req: CleanupRequest): Promise<void> {
  if (host.find(req.instance.uuid) || req.destroyDisks === false) return;
  await rm(await host.instanceDir(req.instance.uuid), { recursive: true, force: true });
}

/** `_deleteInstanceFiles`: remove what is left of a destroyed instance; false while it still exists. */
export async function deleteInstanceFiles(host: QemuHost, uuid: string): Promise<boolean> {
  if (host.find(uuid)) return false;
  const dir = await host.instanceDir(uuid);
  await rm(dir, { recursive: true, force: true });
  return !(await stat(dir).then(
    () => true,
    () => false,
  ));
}

/**
 * `_getInfo`: the power state (QEMU's run state or the recorded one), rescue and soft-delete marks, sizes, CPU time.
 */
export async function instanceInfo(host: QemuHost, uuid: string): Promise<InstanceInfo> {
  const vm = host.get(uuid);
  const state = await vm.powerState();
  const info: InstanceInfo = {
    state,
    internalId: vm.meta.pid !== undefined ? `pid:${vm.meta.pid}` : undefined,
    maxMemKb: vm.meta.memoryMb * 1024,
    memKb: vm.running ? vm.meta.memoryMb * 1024 : 0,
    numCpu: vm.meta.vcpus,
    cpuTimeNs: vm.proc ? processCpuTimeNs(vm.proc.pid) : 0,
  };
  if (vm.meta.rescue) info.rescued = true;
  if (vm.meta.softDeleted) info.softDeleted = true;
  return info;
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
function newVmMeta(
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
