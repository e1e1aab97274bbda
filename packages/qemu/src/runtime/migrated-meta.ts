import { existsSync } from 'node:fs';
import { DEVICE_NAME_PATTERN, HOST_DEVICE_PATTERN, INSTANCE_NAME_PATTERN } from '@virtkit/core';
import { invalid, kernelCmdline, QEMU_ID_PATTERN, requestPath } from './safe-values.js';
import type { BootSpec, NicSpec, VmMeta, VolumeSpec } from './vm-meta.js';

const MAC = /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/;
const VOLUME_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,254}$/;

/** The device configuration a source sends for a live migration (its metadata without runtime fields). */
export type MigratedMeta = Omit<
  VmMeta,
  'pid' | 'startedAt' | 'power' | 'softDeleted' | 'incomingMigration' | 'resizedFrom'
>;

/** What the source exports: everything the destination needs to start an identical QEMU. */
export function exportMeta(meta: VmMeta): MigratedMeta {
  const { pid: _p, startedAt: _s, power: _w, softDeleted: _d, incomingMigration: _i, resizedFrom: _r, ...rest } = meta;
  return JSON.parse(JSON.stringify(rest)) as MigratedMeta;
}

/**
 * Check, field by field, a device configuration that arrived from another
 * host through the orchestrator: it becomes a QEMU command line here, so
 * nothing is trusted (names, paths, ids, numbers). Files must exist on this
 * host (shared images and volumes).
 * @throws `VALIDATION_FAILED`
 */
export function importMeta(raw: unknown, uuid: string): VmMeta {
  const m = object(raw, 'meta');
  const meta: VmMeta = {
    version: 1,
    uuid,
    name: text(m.name, 'meta.name', INSTANCE_NAME_PATTERN),
    vcpus: int(m.vcpus, 'meta.vcpus', 1, 4096),
    memoryMb: int(m.memoryMb, 'meta.memoryMb', 1, 64 * 1024 * 1024),
    rootGb: int(m.rootGb, 'meta.rootGb', 0, 1024 * 1024),
    boot: boot(m.boot, 'meta.boot'),
    diskBus: choice(m.diskBus, ['virtio', 'scsi'], 'meta.diskBus'),
    nicModel: choice(m.nicModel, ['virtio', 'usb'], 'meta.nicModel'),
    guestAcpi: m.guestAcpi === true,
    ports: int(m.ports, 'meta.ports', 0, 64),
    nics: list(m.nics, 'meta.nics').map((n, i) => nic(n, `meta.nics[${i}]`)),
    volumes: list(m.volumes, 'meta.volumes').map((v, i) => volume(v, `meta.volumes[${i}]`)),
    power: 'shutdown',
    bootable: m.bootable !== false,
    nextNicIndex: int(m.nextNicIndex, 'meta.nextNicIndex', 0, 1_000_000),
  };
  if (m.rescue !== undefined) meta.rescue = boot(m.rescue, 'meta.rescue');
  return meta;
}

function boot(raw: unknown, path: string): BootSpec {
  const b = object(raw, path);
  const kind = choice(b.kind, ['none', 'kernel', 'disk'], `${path}.kind`);
  if (kind === 'none') return { kind };
  if (kind === 'disk')
    return {
      kind,
      image: file(b.image, `${path}.image`),
      format: choice(b.format, ['qcow2', 'raw'], `${path}.format`),
    };
  const spec: BootSpec = { kind, kernel: file(b.kernel, `${path}.kernel`) };
  if (b.initrd !== undefined) spec.initrd = file(b.initrd, `${path}.initrd`);
  if (b.cmdline !== undefined) spec.cmdline = kernelCmdline(b.cmdline, `${path}.cmdline`);
  return spec;
}

function nic(raw: unknown, path: string): NicSpec {
  const n = object(raw, path);
  const spec: NicSpec = {
    vifId: text(n.vifId, `${path}.vifId`, /^[\s\S]{1,255}$/),
    mac: text(n.mac, `${path}.mac`, MAC),
    index: int(n.index, `${path}.index`, 0, 1_000_000),
    model: choice(n.model, ['virtio', 'usb'], `${path}.model`),
  };
  if (n.port !== undefined) spec.port = int(n.port, `${path}.port`, 0, 63);
  if (n.tap !== undefined) spec.tap = text(n.tap, `${path}.tap`, HOST_DEVICE_PATTERN);
  if (n.bridge !== undefined) spec.bridge = text(n.bridge, `${path}.bridge`, HOST_DEVICE_PATTERN);
  return spec;
}

function volume(raw: unknown, path: string): VolumeSpec {
  const v = object(raw, path);
  const spec: VolumeSpec = {
    device: text(v.device, `${path}.device`, DEVICE_NAME_PATTERN),
    path: file(v.path, `${path}.path`),
    format: choice(v.format, ['raw', 'qcow2'], `${path}.format`),
    bus: choice(v.bus, ['virtio', 'scsi'], `${path}.bus`),
    node: text(v.node, `${path}.node`, QEMU_ID_PATTERN),
    layers: list(v.layers, `${path}.layers`).map((l, i) => {
      const layer = object(l, `${path}.layers[${i}]`);
      return {
        snapshotId: text(layer.snapshotId, `${path}.layers[${i}].snapshotId`, VOLUME_ID),
        file: file(layer.file, `${path}.layers[${i}].file`),
        node: text(layer.node, `${path}.layers[${i}].node`, QEMU_ID_PATTERN),
      };
    }),
  };
  if (typeof v.device === 'string' && v.device.startsWith('/'))
    throw invalid(`${path}.device`, 'a bare device name is expected');
  if (v.volumeId !== undefined) spec.volumeId = text(v.volumeId, `${path}.volumeId`, VOLUME_ID);
  if (v.port !== undefined) spec.port = int(v.port, `${path}.port`, 0, 63);
  return spec;
}

function file(raw: unknown, path: string): string {
  const p = requestPath(raw, path);
  if (!existsSync(p)) throw invalid(path, `${p} does not exist on this host (images and volumes must be shared)`);
  return p;
}

function object(raw: unknown, path: string): Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw invalid(path, 'must be an object');
  return raw as Record<string, unknown>;
}

function list(raw: unknown, path: string): unknown[] {
  if (!Array.isArray(raw)) throw invalid(path, 'must be a list');
  return raw;
}

function text(raw: unknown, path: string, pattern: RegExp): string {
  if (typeof raw !== 'string' || !pattern.test(raw)) throw invalid(path, `must match ${pattern}`);
  return raw;
}

function int(raw: unknown, path: string, min: number, max: number): number {
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < min || raw > max)
    throw invalid(path, `must be an integer in ${min}..${max}`);
  return raw;
}

function choice<T extends string>(raw: unknown, allowed: readonly T[], path: string): T {
  if (typeof raw !== 'string' || !(allowed as readonly string[]).includes(raw))
    throw invalid(path, `must be one of ${allowed.join(', ')}`);
  return raw as T;
}
