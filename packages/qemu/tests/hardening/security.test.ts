import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';
import { PowerState, ProviderTree } from '@virtkit/core';
import { NO_OS_IMAGE, QemuDriver } from '../../src/index.js';
import { processArgs } from '../../src/runtime/proc-utils.js';
import {
  codeOf,
  ctx,
  errorOf,
  errorText,
  FLAVOR,
  HardeningEnv,
  modeOf,
  QEMU_UNAVAILABLE,
  qemuIt,
  qemuPid,
  recordQemuReliability,
  ref,
  vmOf,
} from './hardening-env.js';
import { pollUntil } from '../../src/runtime/proc-utils.js';
import { listenAddresses, probeVnc } from './vnc-client.js';

// Issue part 5, the QEMU side: nothing from a request reaches QEMU as an option or escapes its
// directory; consoles are loopback-only with a fresh secret per call; passwords, console secrets and
// volume credentials never show in logs, errors, events or files; state directories are 0700.

const { RUNNING } = PowerState;
const secIt = qemuIt('QEMU security tests');

let checks = 0;
let failures = 0;
const started = Date.now();
/** Count one security check; a failing one is counted before the test fails. */
function check(ok: boolean): boolean {
  checks++;
  if (!ok) failures++;
  return ok;
}
async function expectRefused(what: string, call: Promise<unknown>, code = 'VALIDATION_FAILED'): Promise<void> {
  const got = await codeOf(call);
  check(got === code);
  expect([what, got]).toEqual([what, code]);
}

afterAll(() => {
  if (checks > 0)
    recordQemuReliability('security', {
      securityChecks: checks,
      securityFailures: failures,
      durationMs: Date.now() - started,
    });
});

describe('no option injection or path traversal through the public calls', () => {
  let env: HardeningEnv;
  let d: QemuDriver;
  let uuid: string;
  let instance: { uuid: string; name: string; flavor: typeof FLAVOR };
  beforeAll(async () => {
    env = new HardeningEnv();
    if (QEMU_UNAVAILABLE) return;
    d = await env.driver('inject');
    uuid = await env.spawn(d);
    instance = { uuid, name: 'inject-target', flavor: FLAVOR };
  }, 60_000);
  afterAll(async () => {
    await env.dispose();
  });
  /** Nothing was created for a refused spawn, and the target instance is unchanged. */
  async function unchanged(): Promise<void> {
    check((await d.listInstanceUuids(ctx)).join() === uuid);
    expect(await d.listInstanceUuids(ctx)).toEqual([uuid]);
    expect(readdirSync(d.stateRoot!).filter((e) => e !== '.driver.lock' && e !== 'images')).toEqual([uuid]);
    const diag = await d.getInstanceDiagnostics(ctx, ref(uuid));
    expect([diag.numDisks, diag.numNics]).toEqual([1, 0]);
    expect((await d.getInfo(ctx, ref(uuid))).state).toBe(RUNNING);
  }

  secIt('spawn: instance names that would add QEMU options are VALIDATION_FAILED, nothing is created', async () => {
    for (const name of [
      'a,b=c',
      'x,guest=y',
      '../x',
      'a/b',
      'a b',
      'x\ny',
      '-name',
      'a"b',
      "a'b",
      'a;b',
      'a'.repeat(64),
      'vm\u0000',
    ]) {
      const spawned = d.spawn(ctx, { instance: { uuid: randomUUID(), name, flavor: FLAVOR }, imageMeta: NO_OS_IMAGE });
      await expectRefused(`name ${JSON.stringify(name)}`, spawned);
    }
    await unchanged();
    // a legal name reaches QEMU as one guest= value of one -name option
    const legal = randomUUID();
    await d.spawn(ctx, { instance: { uuid: legal, name: 'web-1.prod_a', flavor: FLAVOR }, imageMeta: NO_OS_IMAGE });
    const argv = processArgs(qemuPid(d, legal))!;
    expect(argv.filter((a) => a === '-name')).toHaveLength(1);
    expect(argv[argv.indexOf('-name') + 1]).toBe('guest=web-1.prod_a,debug-threads=on');
    check(true);
    await d.destroy(ctx, ref(legal));
  });

  secIt('spawn: image paths and properties with commas, "..", quotes or control characters are refused', async () => {
    const good = join(env.dir, 'good.qcow2');
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', good, '16M']);
    mkdirSync(join(env.dir, 'sub'), { recursive: true });
    const attacks: Record<string, string>[] = [
      { virtkit_image_path: `${good},backing.file.filename=/etc/shadow` },
      { virtkit_image_path: `${env.dir}/sub/../good.qcow2` },
      { virtkit_image_path: 'good.qcow2' },
      { virtkit_image_path: `${good}"` },
      { virtkit_image_path: `${good}\n-drive` },
      { virtkit_image_path: `json:{"driver":"file","filename":"/etc/shadow"}` },
      { virtkit_kernel: `${good},x=y` },
      { virtkit_kernel: `${env.dir}/../etc/passwd` },
      { virtkit_kernel: good, virtkit_initrd: `${env.dir}/sub/../good.qcow2` },
      { virtkit_kernel: good, virtkit_kernel_args: 'console=ttyS0\n-device virtio-net' },
      { virtkit_kernel: good, virtkit_kernel_args: 'x'.repeat(5000) },
      { virtkit_boot: 'none,x=y' },
      { virtkit_boot: 'none', hw_disk_bus: 'virtio,drive=x' },
      { virtkit_boot: 'none', hw_vif_model: 'e1000' },
      { virtkit_boot: 'none', virtkit_guest_acpi: 'yes,please' },
    ];
    for (const properties of attacks) {
      const spawned = d.spawn(ctx, {
        instance: { uuid: randomUUID(), name: 'img-attack', flavor: FLAVOR },
        imageMeta: { diskFormat: 'qcow2', properties },
      });
      await expectRefused(JSON.stringify(properties), spawned);
    }
    await expectRefused(
      'diskFormat vmdk',
      d.spawn(ctx, {
        instance: { uuid: randomUUID(), name: 'img-attack', flavor: FLAVOR },
        imageMeta: { diskFormat: 'vmdk', properties: { virtkit_image_path: good } },
      }),
    );
    await unchanged();
  });

  secIt('spawn: block-device mappings, NICs and injected files are checked before anything reaches QEMU', async () => {
    const vol = env.volume('spawn-vol');
    const path = vol.data.path as string;
    const bdm = (mountDevice: string, data: Record<string, unknown>, driverVolumeType = 'file') => ({
      blockDeviceInfo: { blockDeviceMapping: [{ mountDevice, connectionInfo: { driverVolumeType, data } }] },
    });
    const vif = (address: string, type = 'user') => ({
      networkInfo: [{ id: 'v1', address, type, network: { id: 'n1' } }],
    });
    const cases: [string, Record<string, unknown>][] = [
      ['mountDevice ../x', bdm('../x', { path })],
      ['mountDevice /dev/../sda', bdm('/dev/../sda', { path })],
      ['mountDevice vdb,id=x', bdm('vdb,id=x', { path })],
      ['volume path with a comma', bdm('vdb', { path: `${path},driver=host_device` })],
      ['volume path with ..', bdm('vdb', { path: `${env.dir}/volumes/../volumes/spawn-vol.raw` })],
      ['relative volume path', bdm('vdb', { path: 'volumes/spawn-vol.raw' })],
      ['volume format injection', bdm('vdb', { path, format: 'raw,file.driver=host_device' })],
      ['volume transport rbd', bdm('vdb', { path }, 'rbd')],
      ['MAC with an option', vif('52:54:00:00:00:01,id=x')],
      ['bridge VIF', vif('52:54:00:00:00:01', 'bridge')],
      ['injected file ../', { injectedFiles: [{ path: '/etc/../../root/.ssh/authorized_keys', contents: 'eA==' }] }],
      ['injected file relative', { injectedFiles: [{ path: 'etc/passwd', contents: 'eA==' }] }],
    ];
    for (const [what, extra] of cases) {
      await expectRefused(
        what,
        d.spawn(ctx, {
          instance: { uuid: randomUUID(), name: 'bdm-attack', flavor: FLAVOR },
          imageMeta: NO_OS_IMAGE,
          ...extra,
        }),
      );
    }
    await unchanged();
    // legal injected files are accepted (the QEMU driver injects nothing; see the secrets test for their contents)
    const ok = randomUUID();
    await d.spawn(ctx, {
      instance: { uuid: ok, name: 'files-ok', flavor: FLAVOR },
      imageMeta: NO_OS_IMAGE,
      injectedFiles: [{ path: '/etc/motd', contents: 'aGk=' }],
    });
    check(true);
    await d.destroy(ctx, ref(ok));
  });

  secIt(
    'attachVolume: mountpoints and connection paths that would escape are VALIDATION_FAILED; the guest keeps its disks',
    async () => {
      const vol = env.volume('attach-vol');
      const path = vol.data.path as string;
      const link = join(env.dir, 'volumes', 'link-to-dir');
      symlinkSync('/etc', link);
      const attach = (mountpoint: string, data: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
        d.attachVolume(ctx, {
          instance,
          connectionInfo: { driverVolumeType: 'file', data, volumeId: 'attach-vol' },
          mountpoint,
          ...extra,
        });
      for (const mountpoint of [
        '../x',
        '/dev/../sda',
        'vdb,id=x',
        'sdb;rm',
        'sd b',
        '/dev/sdb/../../etc',
        'a'.repeat(20),
      ]) {
        await expectRefused(`mountpoint ${mountpoint}`, attach(mountpoint, { path }));
      }
      const paths = [
        `${path},driver=host_device`,
        `${env.dir}/volumes/../volumes/attach-vol.raw`,
        'volumes/attach-vol.raw',
        `${path}'`,
        `${path}\u0007`,
        '/dev/null',
        `${link}/passwd/..`,
        `${env.dir}/volumes`,
      ];
      for (const p of paths) await expectRefused(`path ${JSON.stringify(p)}`, attach('sdb', { path: p }));
      await expectRefused('device_path with ..', attach('sdb', { device_path: `${env.dir}/../${path}` }));
      await expectRefused('format injection', attach('sdb', { path, format: 'raw,x=y' }));
      await expectRefused('disk bus injection', attach('sdb', { path }, { diskBus: 'scsi,x=y' }));
      await expectRefused('cdrom', attach('sdb', { path }, { deviceType: 'cdrom' }));
      await unchanged();
      // the legal form works and leaves again
      await attach('/dev/sdb', { path });
      expect((await d.getInstanceDiagnostics(ctx, ref(uuid))).numDisks).toBe(2);
      await d.detachVolume(ctx, { instance, connectionInfo: vol, mountpoint: '/dev/sdb' });
      check(true);
      await unchanged();
    },
  );

  secIt('snapshots, NIC hotplug and rescue take no path or option from the caller', async () => {
    const images = join(d.stateRoot!, 'images');
    for (const imageId of ['../escape', '../../tmp/x', 'a,b', '.hidden', 'a/b', '']) {
      const got = await codeOf(d.snapshot(ctx, { ...ref(uuid), imageId }));
      check(got === 'VALIDATION_FAILED');
      expect([imageId, got]).toEqual([imageId, 'VALIDATION_FAILED']);
    }
    expect(existsSync(images) ? readdirSync(images) : []).toEqual([]);
    expect(existsSync(join(d.stateRoot!, '..', 'escape.qcow2'))).toBe(false);
    const vif = { id: 'v1', address: '52:54:00:00:00:02,id=x', type: 'user' as const, network: { id: 'n' } };
    await expectRefused(
      'hotplugged MAC with an option',
      d.attachInterface(ctx, { ...ref(uuid), imageMeta: NO_OS_IMAGE, vif }),
    );
    await expectRefused(
      'rescue image path with ..',
      d.rescue(ctx, {
        ...ref(uuid),
        imageMeta: { properties: { virtkit_image_path: `${env.dir}/../etc/passwd` } },
        rescuePassword: 'x',
      }),
    );
    expect((await d.getInfo(ctx, ref(uuid))).rescued).toBeUndefined();
    // volume snapshot files stay in the volume's directory
    const vol = env.volume('snap-vol');
    await d.attachVolume(ctx, { instance, connectionInfo: vol, mountpoint: 'sdc' });
    for (const newFile of ['../x.qcow2', '/tmp/x.qcow2', 'a/b.qcow2', '..']) {
      await expectRefused(
        `volume snapshot file ${newFile}`,
        d.volumeSnapshotCreate(ctx, {
          ...ref(uuid),
          volumeId: 'snap-vol',
          createInfo: { snapshotId: 's1', type: 'qcow2', newFile },
        }),
      );
    }
    expect(readdirSync(join(env.dir, 'volumes')).filter((f) => f.includes('qcow2'))).toEqual([]);
    await d.detachVolume(ctx, { instance, connectionInfo: vol, mountpoint: 'sdc' });
    await unchanged();
  });

  secIt(
    'migrations: a tampered device configuration, disk path or storage marker is refused, nothing outside is touched',
    async () => {
      const dst = await env.driver('inject-dst');
      const destCheckData = await dst.checkCanLiveMigrateDestination(ctx, {
        instance,
        srcComputeInfo: {},
        dstComputeInfo: {},
      });
      const sourceData = await d.checkCanLiveMigrateSource(ctx, { instance, destCheckData });
      const qemu = sourceData.driverData!.qemu as { meta: Record<string, unknown> };
      const tamper = (meta: Record<string, unknown>) => ({
        ...sourceData,
        driverData: { ...sourceData.driverData, qemu: { ...qemu, meta: { ...qemu.meta, ...meta } } },
      });
      const vol = env.volume('mig-vol');
      const tampered: Record<string, unknown>[] = [
        { name: 'a,b=c' },
        { boot: { kind: 'kernel', kernel: `${env.dir}/../etc/passwd` } },
        {
          volumes: [
            {
              device: 'sdb',
              path: `${vol.data.path},driver=host_device`,
              format: 'raw',
              bus: 'scsi',
              node: 'vol-sdb',
              layers: [],
            },
          ],
        },
        {
          volumes: [
            { device: 'sdb', path: vol.data.path, format: 'raw', bus: 'scsi', node: 'x","driver":"y', layers: [] },
          ],
        },
        { nics: [{ vifId: 'v', mac: '52:54:00:00:00:01,id=x', index: 0, model: 'usb' }] },
      ];
      for (const meta of tampered)
        await expectRefused(
          `migrated meta ${JSON.stringify(meta)}`,
          dst.preLiveMigration(ctx, { instance, migrateData: tamper(meta) }),
        );
      expect(await dst.listInstanceUuids(ctx)).toEqual([]);
      expect(env.leaksOf(dst)).toEqual([]);

      // cold migration: only a disk.qcow2 in a directory named for the instance is copied
      const stranger = join(env.dir, 'stranger');
      mkdirSync(stranger);
      execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', join(stranger, 'disk.qcow2'), '16M']);
      const other = await env.spawn(d);
      const finish = (path: string) =>
        dst.finishMigration(ctx, {
          instance,
          migration: { id: 'm1', sourceCompute: 'inject', destCompute: 'inject-dst' },
          imageMeta: NO_OS_IMAGE,
          resizeInstance: false,
          diskInfo: [{ type: 'qcow2', path, virtualSizeBytes: 1, diskSizeBytes: 1, overCommitDiskSizeBytes: 0 }],
        });
      for (const path of [
        '/etc/passwd',
        `${env.dir}/../etc/disk.qcow2`,
        join(stranger, 'disk.qcow2'),
        join(d.stateRoot!, other, 'disk.qcow2'),
      ]) {
        const got = await codeOf(finish(path));
        check(got === 'VALIDATION_FAILED' || got === 'MIGRATION_FAILED');
        expect([path, ['VALIDATION_FAILED', 'MIGRATION_FAILED'].includes(got)]).toEqual([path, true]);
      }
      expect(await dst.listInstanceUuids(ctx)).toEqual([]);
      await d.destroy(ctx, ref(other));

      // the shared-storage cleanup removes only its own markers
      const victim = env.file('victim.txt', 'keep me');
      for (const path of [victim, `${env.dir}/.virtkit-shared-../victim.txt`]) {
        await d.checkInstanceSharedStorageCleanup(ctx, { data: { path } }).catch(() => undefined);
      }
      check(existsSync(victim));
      expect(existsSync(victim)).toBe(true);
      await dst.close();
    },
  );
});

describe('driver options', () => {
  it('a state root too long for the unix sockets under it is VALIDATION_FAILED at construction, not a failed spawn later', () => {
    const at = (n: number): string => `/${'d'.repeat(n - 1)}`;
    const make = (stateDir: string): string => {
      try {
        new QemuDriver({ options: { stateDir } });
        return 'accepted';
      } catch (error) {
        return (error as { code?: string }).code ?? String(error);
      }
    };
    expect([make(at(57)), make(at(58)), make('/tmp/a,b')]).toEqual([
      'accepted',
      'VALIDATION_FAILED',
      'VALIDATION_FAILED',
    ]);
    check(true);
  });

  it('allowedDirs and confinePaths are checked like every other option', () => {
    const make = (options: Record<string, unknown>): string => {
      try {
        new QemuDriver({ options });
        return 'accepted';
      } catch (error) {
        return (error as { code?: string }).code ?? String(error);
      }
    };
    expect([
      make({ allowedDirs: ['/srv/images'] }),
      make({ allowedDirs: ['relative'] }),
      make({ allowedDirs: '/srv' }),
      make({ allowedDirs: ['/a,b'] }),
      make({ confinePaths: 'no' }),
      make({ confinePaths: false }),
    ]).toEqual([
      'accepted',
      'VALIDATION_FAILED',
      'VALIDATION_FAILED',
      'VALIDATION_FAILED',
      'VALIDATION_FAILED',
      'accepted',
    ]);
    check(true);
  });

  secIt(
    "a node other than the driver's own is NOT_FOUND for getAvailableResource, getTraits and updateProviderTree",
    async () => {
      const env = new HardeningEnv();
      try {
        const d = await env.driver('one-node', { nodeName: 'node-a' });
        expect(await d.getAvailableNodes(ctx, { refresh: false })).toEqual(['node-a']);
        expect((await d.getAvailableResource(ctx, { nodename: 'node-a' })).hypervisorHostname).toBe('node-a');
        const tree = new ProviderTree();
        tree.newRoot('node-b', randomUUID());
        const codes = [
          await codeOf(d.getAvailableResource(ctx, { nodename: 'node-b' })),
          await codeOf(d.getTraits(ctx, { nodename: 'node-b' })),
          await codeOf(d.updateProviderTree(ctx, { nodename: 'node-b', providerTree: tree })),
        ];
        check(codes.every((c) => c === 'NOT_FOUND'));
        expect(codes).toEqual(['NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND']);
        // the foreign node's provider was left as it was
        expect(tree.get('node-b').inventory).toEqual({});
      } finally {
        await env.dispose();
      }
    },
  );
});

describe('consoles', () => {
  let env: HardeningEnv;
  afterEach(async () => {
    await env.dispose();
  });

  secIt('VNC: bound to 127.0.0.1 only, password auth only, a fresh password per call that QEMU enforces', async () => {
    env = new HardeningEnv();
    const d = await env.driver('vnc');
    const uuid = await env.spawn(d);
    const first = await d.getVncConsole(ctx, ref(uuid));
    const second = await d.getVncConsole(ctx, ref(uuid));
    expect([first.host, second.host]).toEqual(['127.0.0.1', '127.0.0.1']);
    expect(first.port).toBe(second.port);
    expect(first.secret).toMatch(/^.{8}$/);
    expect(second.secret).not.toBe(first.secret);
    // listening on the loopback address only
    expect(listenAddresses(first.port, (p) => readFileSync(p, 'utf8'))).toEqual(['127.0.0.1']);
    check(true);
    const external = Object.values(networkInterfaces())
      .flat()
      .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
    if (external) {
      const reached = await new Promise<boolean>((resolve) => {
        const s = connect({ host: external, port: first.port }, () => {
          s.destroy();
          resolve(true);
        });
        s.once('error', () => resolve(false));
      });
      check(!reached);
      expect(reached).toBe(false);
    }
    // no "None" security type; only the latest password opens it
    const anonymous = await probeVnc('127.0.0.1', first.port);
    expect(anonymous.securityTypes).toEqual([2]);
    check(!anonymous.securityTypes.includes(1));
    expect((await probeVnc('127.0.0.1', first.port, 'wrong-pw')).authenticated).toBe(false);
    expect((await probeVnc('127.0.0.1', first.port, first.secret)).authenticated).toBe(false);
    expect((await probeVnc('127.0.0.1', first.port, second.secret)).authenticated).toBe(true);
    check(true);
    // the password never reaches QEMU's command line
    const argv = processArgs(qemuPid(d, uuid))!.join(' ');
    expect(argv).not.toContain(first.secret);
    expect(argv).not.toContain(second.secret);
    expect(argv).toContain('127.0.0.1:0,to=99,password=on');
    await d.destroy(ctx, ref(uuid));
  });

  secIt('serial console: bound to 127.0.0.1 only, a fresh secret per call', async () => {
    env = new HardeningEnv();
    const d = await env.driver('serial');
    const uuid = await env.spawn(d);
    const a = await d.getSerialConsole(ctx, ref(uuid));
    const b = await d.getSerialConsole(ctx, ref(uuid));
    expect(a.host).toBe('127.0.0.1');
    expect(a.secret).toMatch(/^[0-9a-f]{32}$/);
    expect(b.secret).not.toBe(a.secret);
    expect(listenAddresses(a.port, (p) => readFileSync(p, 'utf8'))).toEqual(['127.0.0.1']);
    check(true);
    await d.destroy(ctx, ref(uuid));
  });

  secIt(
    'serial console: no byte reaches QEMU (nor comes back) before the secret; with it the console works; nothing leaks on destroy',
    async () => {
      env = new HardeningEnv();
      const d = await env.driver('serial-auth');
      const uuid = await env.spawn(d);
      // QEMU's chardev says whether a client is connected to it ("disconnected:..." while none is)
      const qemuSide = async (): Promise<string> =>
        (await vmOf(d, uuid)!.qmp<{ label: string; filename: string }[]>('query-chardev')).find(
          (c) => c.label === 'serial0',
        )!.filename;
      expect(await qemuSide()).toMatch(/^disconnected:unix:/);
      const stale = await d.getSerialConsole(ctx, ref(uuid));
      const current = await d.getSerialConsole(ctx, ref(uuid));
      expect(current.port).toBe(stale.port);
      const attempts: [string, string][] = [
        ['an empty line', '\n'],
        ['a wrong secret', `${'0'.repeat(32)}\n`],
        ["the previous call's secret", `${stale.secret}\n`],
        ['the secret with a byte more', `${current.secret}x\n`],
        ['a prefix of the secret', `${current.secret!.slice(0, 16)}\n`],
        ['a long line with no newline', 'A'.repeat(4096)],
        ['console input before the secret', `ls /\n${current.secret}\n`],
      ];
      for (const [what, payload] of attempts) {
        const session = await rawSession(current.port, payload);
        const reached = await qemuSide();
        const held = session.closed && session.received === 0 && reached.startsWith('disconnected:');
        check(held);
        expect([what, session, reached.startsWith('disconnected:')]).toEqual([
          what,
          { closed: true, received: 0 },
          true,
        ]);
      }
      // the secret opens it (and may reconnect until the next call replaces it)
      for (let i = 0; i < 2; i++) {
        const socket = connect(current.port, '127.0.0.1');
        await new Promise((resolve) => socket.once('connect', resolve));
        socket.write(`${current.secret}\n`);
        const connected = await pollUntil(async () => !(await qemuSide()).startsWith('disconnected:'), 5000, 20);
        check(connected);
        expect(connected).toBe(true);
        const closed = new Promise((resolve) => socket.once('close', resolve));
        if (i === 0) {
          socket.end();
          await closed;
          expect(await pollUntil(async () => (await qemuSide()).startsWith('disconnected:'), 5000, 20)).toBe(true);
        } else {
          // destroy while a client is connected: the client is cut, the port closed, no socket left
          await d.destroy(ctx, ref(uuid));
          await closed;
        }
      }
      const refused = await new Promise<boolean>((resolve) => {
        const s = connect(current.port, '127.0.0.1', () => {
          s.destroy();
          resolve(false);
        });
        s.once('error', () => resolve(true));
      });
      check(refused);
      expect(refused).toBe(true);
      expect(await env.socketLeak()).toBe(0);
    },
  );
});

describe('secrets never leave', () => {
  secIt(
    'admin/rescue passwords, console secrets, volume credentials and injected contents: not in logs, errors, events or files',
    async () => {
      const env = new HardeningEnv();
      try {
        const secrets = {
          admin: 'Adm1n-pw-7d1f0c',
          rescue: 'Resc-pw-93b2e1',
          volume: 'vol-chap-pw-4c77aa',
          volumeSecret: 'rbd-key-0e5fa9',
          injected: 'injected-secret-51ab',
        };
        const injected = Buffer.from(secrets.injected).toString('base64');
        const dies = env.file('qemu-dies', '#!/bin/sh\necho "qemu: some failure" >&2\nkill -KILL $$\n', 0o755);
        const d = await env.driver('secrets', { qmpTimeoutMs: 1000 });
        const broken = await env.driver('secrets-broken', { qemuBinary: dies });
        const errors: Error[] = [];
        const consoleSecrets: string[] = [];
        const uuid = randomUUID();
        const instance = { uuid, name: 'secret-vm', flavor: FLAVOR };
        await d.spawn(ctx, {
          instance,
          imageMeta: NO_OS_IMAGE,
          adminPassword: secrets.admin,
          injectedFiles: [{ path: '/root/key', contents: injected }],
        });
        const vol = env.volume('secret-vol', {
          auth_password: secrets.volume,
          auth_username: 'chap-user',
          secret: secrets.volumeSecret,
        });
        await d.attachVolume(ctx, { instance, connectionInfo: vol, mountpoint: 'sdb' });
        for (let i = 0; i < 2; i++) {
          consoleSecrets.push(
            (await d.getVncConsole(ctx, ref(uuid))).secret!,
            (await d.getSerialConsole(ctx, ref(uuid))).secret!,
          );
        }
        await d.rescue(ctx, { ...ref(uuid), imageMeta: NO_OS_IMAGE, rescuePassword: secrets.rescue });
        await d.unrescue(ctx, ref(uuid));
        // failures carrying secrets in their requests
        errors.push(
          await errorOf(
            d.spawn(ctx, {
              instance: { uuid: randomUUID(), name: 'bad', flavor: FLAVOR },
              adminPassword: secrets.admin,
              imageMeta: { properties: { virtkit_image_path: `/nope/../${secrets.admin}` } },
            }),
          ),
        );
        errors.push(
          await errorOf(
            broken.spawn(ctx, {
              instance: { uuid: randomUUID(), name: 'dies', flavor: FLAVOR },
              imageMeta: NO_OS_IMAGE,
              adminPassword: secrets.admin,
            }),
          ),
        );
        errors.push(
          await errorOf(
            d.attachVolume(ctx, {
              instance,
              mountpoint: 'sdc',
              connectionInfo: { ...vol, data: { ...vol.data, path: '/nope,x' } },
            }),
          ),
        );
        errors.push(
          await errorOf(
            d.attachVolume(ctx, { instance, mountpoint: 'sdd', connectionInfo: { ...vol, driverVolumeType: 'iscsi' } }),
          ),
        );
        // attached already, elsewhere: CONFLICT (the same attach again is idempotent and succeeds)
        errors.push(await errorOf(d.attachVolume(ctx, { instance, mountpoint: 'sde', connectionInfo: vol })));
        errors.push(
          await errorOf(
            d.rescue(ctx, {
              ...ref(uuid),
              imageMeta: { properties: { virtkit_kernel: '/nope' } },
              rescuePassword: secrets.rescue,
            }),
          ),
        );
        // a crash and a hang make the driver log and fail too
        const pid = qemuPid(d, uuid);
        process.kill(pid, 'SIGSTOP');
        errors.push(await errorOf(d.getVncConsole(ctx, ref(uuid))));
        process.kill(pid, 'SIGKILL');
        await d.getInfo(ctx, ref(uuid));
        await d.powerOn(ctx, ref(uuid));
        await d.detachVolume(ctx, { instance, connectionInfo: vol, mountpoint: 'sdb' });
        const fileText = readdirSync(join(d.stateRoot!, uuid))
          .filter((f) => !f.endsWith('.qcow2') && !f.endsWith('.sock'))
          .map((f) => readFileSync(join(d.stateRoot!, uuid, f), 'latin1'))
          .join('\n');
        const argv = processArgs(qemuPid(d, uuid))!.join(' ');
        await d.destroy(ctx, ref(uuid));

        expect(env.logs.length).toBeGreaterThan(0);
        expect(errors).toHaveLength(7);
        const places: Record<string, string> = {
          logs: JSON.stringify(env.logs),
          errors: errors.map(errorText).join('\n'),
          events: JSON.stringify(env.events),
          'instance files': fileText,
          'QEMU command line': argv,
        };
        const leaked: string[] = [];
        for (const [where, text] of Object.entries(places)) {
          for (const secret of [...Object.values(secrets), injected, ...consoleSecrets]) {
            if (!check(!text.includes(secret))) leaked.push(`${secret} in ${where}`);
          }
        }
        expect(leaked).toEqual([]);
      } finally {
        await env.dispose();
      }
    },
    60_000,
  );
});

describe('state directories', () => {
  secIt(
    'the state root, every instance directory and the images directory are 0700; metadata, logs and saved state 0600',
    async () => {
      const env = new HardeningEnv();
      try {
        const stateDir = join(env.dir, 'loose-root');
        mkdirSync(stateDir, { mode: 0o755 });
        chmodSync(stateDir, 0o755);
        const d = new QemuDriver({ hostname: 'modes', options: { stateDir } });
        env.drivers.push(d);
        await d.initHost(ctx, { host: 'modes' });
        const running = await env.spawn(d);
        const stopped = await env.spawn(d, { powerOn: false });
        const suspended = await env.spawn(d);
        await d.suspend(ctx, ref(suspended));
        await d.snapshot(ctx, { ...ref(stopped), imageId: (await d.createImage('img-1')).imageId });
        const modes: Record<string, number> = {
          [stateDir]: modeOf(stateDir),
          [join(stateDir, 'images')]: modeOf(join(stateDir, 'images')),
        };
        for (const u of [running, stopped, suspended]) {
          const dir = join(stateDir, u);
          modes[dir] = modeOf(dir);
          for (const f of ['meta.json', 'qemu.log', 'serial.log', 'saved-state.bin', 'disk.qcow2'])
            if (existsSync(join(dir, f))) modes[join(dir, f)] = modeOf(join(dir, f));
        }
        expect(Object.keys(modes)).toContain(join(stateDir, suspended, 'saved-state.bin'));
        // the image snapshot and a root disk made as an overlay of a base image (not a copy of the blank template)
        modes[join(stateDir, 'images', 'img-1.qcow2')] = modeOf(join(stateDir, 'images', 'img-1.qcow2'));
        const base = join(stateDir, 'images', 'base.qcow2');
        execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', base, '16M']);
        const fromImage = await env.spawn(d, {
          imageMeta: { diskFormat: 'qcow2', properties: { virtkit_image_path: base } },
          powerOn: false,
        });
        modes[join(stateDir, fromImage, 'disk.qcow2')] = modeOf(join(stateDir, fromImage, 'disk.qcow2'));
        const wrong = Object.entries(modes).filter(([p, m]) => {
          const want = statSync(p).isDirectory() ? 0o700 : 0o600;
          return !check(m === want);
        });
        expect(wrong.map(([p, m]) => `${p}: ${m.toString(8)}`)).toEqual([]);
        // the private root used without a stateDir is 0700 too
        const privateDriver = new QemuDriver({ hostname: 'private' });
        await privateDriver.initHost(ctx, { host: 'private' });
        const p = randomUUID();
        await privateDriver.spawn(ctx, {
          instance: { uuid: p, name: 'private', flavor: FLAVOR },
          imageMeta: NO_OS_IMAGE,
        });
        const roots = [privateDriver.stateRoot!, join(privateDriver.stateRoot!, p)];
        expect(roots.map((r) => check(modeOf(r) === 0o700) && modeOf(r))).toEqual([0o700, 0o700]);
        await privateDriver.close();
        expect(existsSync(roots[0]!)).toBe(false);
        for (const u of [running, stopped, suspended, fromImage]) await d.destroy(ctx, ref(u));
      } finally {
        await env.dispose();
      }
    },
    60_000,
  );
});

/** Connect, send `payload`, and report whether the other side closed within 3 s and how many bytes came back. */
function rawSession(port: number, payload: string): Promise<{ closed: boolean; received: number }> {
  return new Promise((resolve) => {
    let received = 0;
    const socket = connect(port, '127.0.0.1', () => socket.write(payload));
    socket.on('data', (d: Buffer) => void (received += d.length));
    socket.on('error', () => undefined);
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ closed: false, received });
    }, 3000);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve({ closed: true, received });
    });
  });
}
