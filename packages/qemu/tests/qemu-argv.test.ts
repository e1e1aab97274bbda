import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isVirtkitError } from '@virtkit/core';
import { bootSourceOf } from '../src/capabilities/lifecycle/boot-source.js';
import { volumeSource } from '../src/capabilities/volume/volumes.js';
import { resolveQemuConfig } from '../src/qemu-config.js';
import { importMeta, exportMeta } from '../src/runtime/migrated-meta.js';
import { buildQemuArgv } from '../src/runtime/qemu-argv.js';
import { optionValue, qemuId } from '../src/runtime/safe-values.js';
import type { VmMeta } from '../src/runtime/vm-meta.js';

const UUID = '0b8d6c9e-4a43-4b6f-9f0e-6f4f7d3c2a11';

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isVirtkitError(error) ? error.code : `not a virtkit error: ${String(error)}`;
  }
  return undefined;
}

function meta(overrides: Partial<VmMeta> = {}): VmMeta {
  return {
    version: 1,
    uuid: UUID,
    name: 'vm-1',
    vcpus: 2,
    memoryMb: 256,
    rootGb: 1,
    boot: { kind: 'none' },
    diskBus: 'virtio',
    nicModel: 'virtio',
    guestAcpi: false,
    ports: 3,
    nics: [],
    volumes: [],
    power: 'shutdown',
    bootable: true,
    nextNicIndex: 0,
    ...overrides,
  };
}

/** The values following each occurrence of `flag`. */
function values(args: string[], flag: string): string[] {
  return args.flatMap((a, i) => (a === flag ? [args[i + 1]!] : []));
}

describe('QEMU command line', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'virtkit-qemu-argv-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('builds devices and block nodes as JSON, ports first, in a stable order', () => {
    const m = meta({
      nics: [{ vifId: 'v1', mac: '52:54:00:00:00:01', index: 0, model: 'virtio', port: 1 }],
      volumes: [
        {
          device: 'vdb',
          path: '/srv/vol,format=raw',
          format: 'raw',
          bus: 'virtio',
          port: 2,
          node: 'vol-vdb',
          layers: [],
        },
      ],
    });
    const args = buildQemuArgv({ meta: m, dir, accel: 'tcg' });
    expect(buildQemuArgv({ meta: m, dir, accel: 'tcg' })).toEqual(args);
    const devices = values(args, '-device').map((d) => JSON.parse(d));
    expect(devices.filter((d) => d.driver === 'pcie-root-port').map((d) => d.id)).toEqual(['rp0', 'rp1', 'rp2']);
    expect(devices).toContainEqual({ driver: 'virtio-blk-pci', drive: 'vol-vdb', id: 'disk-vdb', bus: 'rp2' });
    expect(devices).toContainEqual({
      driver: 'virtio-net-pci',
      netdev: 'net0',
      mac: '52:54:00:00:00:01',
      id: 'nic0',
      bus: 'rp1',
      romfile: '',
    });
    // a comma in a file name is just a character inside JSON: it cannot add an option
    const nodes = values(args, '-blockdev').map((b) => JSON.parse(b));
    expect(nodes).toContainEqual({
      driver: 'raw',
      'node-name': 'vol-vdb',
      file: { driver: 'file', filename: '/srv/vol,format=raw' },
    });
    expect(args).toContain('-S');
    expect(args).not.toContain('-incoming');
    expect(values(args, '-accel')).toEqual(['tcg']);
  });

  it('chains volume snapshot layers with explicit backing nodes', () => {
    const volume = {
      device: 'vdb',
      path: '/v/base.raw',
      format: 'raw' as const,
      bus: 'scsi' as const,
      node: 'vol-vdb',
      layers: [
        { snapshotId: 's1', file: '/v/s1.qcow2', node: 's1-vdb' },
        { snapshotId: 's2', file: '/v/s2.qcow2', node: 's2-vdb' },
      ],
    };
    const args = buildQemuArgv({ meta: meta({ volumes: [volume] }), dir, accel: 'tcg' });
    const nodes = values(args, '-blockdev')
      .map((b) => JSON.parse(b))
      .filter((n) => n['node-name'] !== 'root');
    expect(nodes.map((n) => [n['node-name'], n.backing])).toEqual([
      ['vol-vdb', undefined],
      ['s1-vdb', 'vol-vdb'],
      ['s2-vdb', 's1-vdb'],
    ]);
    expect(values(args, '-device').map((d) => JSON.parse(d))).toContainEqual({
      driver: 'scsi-hd',
      drive: 's2-vdb',
      id: 'disk-vdb',
      bus: 'scsi0.0',
    });
  });

  it('escapes option values: commas doubled, control characters refused', () => {
    expect(optionValue('/tmp/a,b', 'x')).toBe('/tmp/a,,b');
    expect(code(() => optionValue('a\nb', 'x'))).toBe('VALIDATION_FAILED');
    const args = buildQemuArgv({ meta: meta(), dir: '/tmp/we,ird', accel: 'tcg' });
    expect(values(args, '-qmp')).toEqual(['unix:/tmp/we,,ird/qmp.sock,server=on,wait=off']);
    expect(values(args, '-chardev')[0]).toContain('logfile=/tmp/we,,ird/serial.log,logappend=on');
    expect(code(() => buildQemuArgv({ meta: meta({ name: 'x\u0000y' }), dir, accel: 'tcg' }))).toBe(
      'VALIDATION_FAILED',
    );
  });

  it('refuses ids that are not QEMU-safe', () => {
    for (const id of ['', '1abc', 'a"b', 'a,b', 'a'.repeat(40), 'node name'])
      expect(code(() => qemuId(id))).toBe('VALIDATION_FAILED');
    expect(qemuId('vol-vdb')).toBe('vol-vdb');
  });

  it('passes the kernel, initrd and command line as separate arguments, and starts incoming migrations as asked', () => {
    const boot = { kind: 'kernel' as const, kernel: '/k/vmlinuz', initrd: '/k/initrd', cmdline: 'console=ttyS0 quiet' };
    const args = buildQemuArgv({ meta: meta({ boot }), dir, accel: 'kvm', incoming: true, autostart: true });
    expect(values(args, '-kernel')).toEqual(['/k/vmlinuz']);
    expect(values(args, '-append')).toEqual(['console=ttyS0 quiet']);
    expect(values(args, '-incoming')).toEqual(['defer']);
    expect(args).not.toContain('-S');
  });
});

describe('values from requests', () => {
  let dir: string;
  let file: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'virtkit-qemu-values-'));
    file = join(dir, 'image.qcow2');
    writeFileSync(file, '');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('image properties: paths must be plain absolute files, kernel arguments printable', () => {
    expect(bootSourceOf({ properties: { virtkit_image_path: file } }).boot).toEqual({
      kind: 'disk',
      image: file,
      format: 'qcow2',
    });
    expect(bootSourceOf({ properties: { virtkit_boot: 'none', hw_disk_bus: 'scsi' } })).toMatchObject({
      boot: { kind: 'none' },
      diskBus: 'scsi',
    });
    for (const bad of [`${file},format=raw`, 'relative.qcow2', `${dir}/../etc/passwd`, `${file}'`, `${dir}/missing`]) {
      expect(code(() => bootSourceOf({ properties: { virtkit_image_path: bad } }))).toBe('VALIDATION_FAILED');
    }
    expect(
      code(() => bootSourceOf({ properties: { virtkit_kernel: file, virtkit_kernel_args: 'quiet\ninit=/bin/sh' } })),
    ).toBe('VALIDATION_FAILED');
    expect(code(() => bootSourceOf({ properties: { virtkit_boot: 'none', hw_disk_bus: 'ide' } }))).toBe(
      'VALIDATION_FAILED',
    );
    expect(code(() => bootSourceOf({ diskFormat: 'vmdk', properties: { virtkit_image_path: file } }))).toBe(
      'VALIDATION_FAILED',
    );
    expect(code(() => bootSourceOf({}))).toBe('VALIDATION_FAILED');
  });

  it('volume connections: only local files, by a safe path', () => {
    expect(volumeSource({ driverVolumeType: 'file', data: { path: file }, volumeId: 'v1' })).toEqual({
      path: file,
      format: 'raw',
      volumeId: 'v1',
    });
    expect(code(() => volumeSource({ driverVolumeType: 'iscsi', data: { path: file } }))).toBe('VALIDATION_FAILED');
    expect(code(() => volumeSource({ driverVolumeType: 'file', data: { path: `${file},driver=host_device` } }))).toBe(
      'VALIDATION_FAILED',
    );
    expect(code(() => volumeSource({ driverVolumeType: 'file', data: { path: file, format: 'vmdk' } }))).toBe(
      'VALIDATION_FAILED',
    );
  });

  it('driver options are checked, unknown ones refused', () => {
    expect(resolveQemuConfig({ options: { accel: 'kvm', hotplugSlots: 2 } })).toMatchObject({
      accel: 'kvm',
      hotplugSlots: 2,
      qemuBinary: 'qemu-system-x86_64',
    });
    for (const options of [
      { accel: 'kvm,foo=bar' },
      { stateDir: '/tmp/a,b' },
      { stateDir: 'relative' },
      { hotplugSlots: -1 },
      { bogus: 1 },
      { hostIp: 'nope' },
    ]) {
      expect(code(() => resolveQemuConfig({ options }))).toBe('VALIDATION_FAILED');
    }
  });

  it('a migrated device configuration is re-checked field by field', () => {
    const good = exportMeta(meta({ boot: { kind: 'disk', image: file, format: 'qcow2' }, pid: 42, startedAt: 1 }));
    expect(good).not.toHaveProperty('pid');
    expect(importMeta(good, UUID)).toMatchObject({ uuid: UUID, power: 'shutdown', boot: { image: file } });
    const attacks: Record<string, unknown>[] = [
      { name: 'a,b=c' },
      { vcpus: '2' },
      { boot: { kind: 'disk', image: '/etc/../etc/shadow', format: 'qcow2' } },
      { boot: { kind: 'kernel', kernel: file, cmdline: 'a\nb' } },
      { nics: [{ vifId: 'x', mac: '52:54:00:00:00:01","driver":"x', index: 0, model: 'virtio' }] },
      { volumes: [{ device: 'vdb', path: file, format: 'raw', bus: 'virtio', node: 'x"y', layers: [] }] },
      { volumes: [{ device: '/dev/vdb', path: file, format: 'raw', bus: 'virtio', node: 'vol-vdb', layers: [] }] },
      { diskBus: 'ide' },
      { ports: 1000 },
    ];
    for (const attack of attacks)
      expect([JSON.stringify(attack), code(() => importMeta({ ...good, ...attack }, UUID))]).toEqual([
        JSON.stringify(attack),
        'VALIDATION_FAILED',
      ]);
  });
});
