import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isVirtkitError, loadDriver, type DriverLogger } from '@virtkit/core';
import { MemoryDriver } from '@virtkit/memory';
import { recordReliability } from './reliability-summary';

// Temp dirs made by these tests are removed afterwards: tests leave no files behind.
const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

// Issue "Hardening" part 5 (non-QEMU): no traversal or injection through names, ids, paths and mountpoints;
// consoles on loopback with a per-console secret; secrets never in logs, errors or events; loadDriver refuses
// modules that are not drivers.

const ctx = {};
const FLAVOR = { name: 'm1.sec', vcpus: 1, memoryMb: 64, rootGb: 1 };
const IMG = { diskFormat: 'raw' as const };
const VOL = (volumeId = randomUUID()): any => ({
  driverVolumeType: 'memory',
  data: { volumeId, sizeBytes: 1024 ** 3 },
});
const VIF = (): any => ({
  id: randomUUID(),
  address: '52:54:00:12:34:56',
  type: 'ovs',
  network: { id: 'net-1', label: 'n' },
});
/** What names and ids must never carry: traversal, absolute paths, NUL, newline, option injection. */
const HOSTILE = ['../x', '../../etc/passwd', '/etc/passwd', 'a\0b', 'a\nb', 'a,b=c', 'a\r\nb'];
/** The same for guest paths, which are absolute by design. */
const HOSTILE_PATHS = [
  '../etc/shadow',
  '/../etc/shadow',
  '/etc/../../shadow',
  'relative/file',
  '/etc/x\0y',
  '/etc/x\n/../y',
  '/etc/x\r',
];

async function codeOf(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
    return 'ok';
  } catch (error) {
    return isVirtkitError(error) ? error.code : `foreign ${String(error)}`;
  }
}

type Case = [field: string, values: readonly string[], call: (d: any, uuid: string, value: string) => Promise<unknown>];

const spawnWith = (d: any, patch: (req: any) => void): Promise<unknown> => {
  const uuid = randomUUID();
  const req: any = {
    instance: { uuid, name: `sec-${uuid.slice(0, 8)}`, flavor: FLAVOR },
    imageMeta: { ...IMG },
    networkInfo: [VIF()],
  };
  patch(req);
  return d.spawn(ctx, req);
};

const CASES: Case[] = [
  ['spawn instance.name', HOSTILE, (d, _u, v) => spawnWith(d, (r) => (r.instance.name = v))],
  ['spawn instance.uuid', HOSTILE, (d, _u, v) => spawnWith(d, (r) => (r.instance.uuid = v))],
  ['spawn imageMeta.id', HOSTILE, (d, _u, v) => spawnWith(d, (r) => (r.imageMeta.id = v))],
  ['spawn networkInfo[0].id', HOSTILE, (d, _u, v) => spawnWith(d, (r) => (r.networkInfo[0].id = v))],
  ['spawn networkInfo[0].network.id', HOSTILE, (d, _u, v) => spawnWith(d, (r) => (r.networkInfo[0].network.id = v))],
  ['spawn networkInfo[0].devname', HOSTILE, (d, _u, v) => spawnWith(d, (r) => (r.networkInfo[0].devname = v))],
  [
    'spawn networkInfo[0].network.bridge',
    HOSTILE,
    (d, _u, v) => spawnWith(d, (r) => (r.networkInfo[0].network.bridge = v)),
  ],
  ['spawn networkInfo[0].tag', HOSTILE, (d, _u, v) => spawnWith(d, (r) => (r.networkInfo[0].tag = v))],
  [
    'spawn injectedFiles[0].path',
    HOSTILE_PATHS,
    (d, _u, v) => spawnWith(d, (r) => (r.injectedFiles = [{ path: v, contents: 'aGk=' }])),
  ],
  [
    'spawn blockDeviceMapping[0].mountDevice',
    HOSTILE,
    (d, _u, v) =>
      spawnWith(d, (r) => (r.blockDeviceInfo = { blockDeviceMapping: [{ mountDevice: v, connectionInfo: VOL() }] })),
  ],
  [
    'spawn blockDeviceMapping[0].volumeId',
    HOSTILE,
    (d, _u, v) =>
      spawnWith(
        d,
        (r) =>
          (r.blockDeviceInfo = { blockDeviceMapping: [{ mountDevice: 'vdb', connectionInfo: VOL(), volumeId: v }] }),
      ),
  ],
  [
    'spawn blockDeviceMapping[0].connectionInfo.volumeId',
    HOSTILE,
    (d, _u, v) =>
      spawnWith(
        d,
        (r) =>
          (r.blockDeviceInfo = {
            blockDeviceMapping: [{ mountDevice: 'vdb', connectionInfo: { ...VOL(), volumeId: v } }],
          }),
      ),
  ],
  [
    'injectFile path',
    HOSTILE_PATHS,
    (d, u, v) => d.injectFile(ctx, { instance: { uuid: u }, path: v, contents: 'aGk=' }),
  ],
  [
    'attachVolume mountpoint',
    HOSTILE,
    (d, u, v) => d.attachVolume(ctx, { instance: { uuid: u }, connectionInfo: VOL(), mountpoint: v }),
  ],
  [
    'attachVolume connectionInfo.volumeId',
    HOSTILE,
    (d, u, v) =>
      d.attachVolume(ctx, { instance: { uuid: u }, connectionInfo: { ...VOL(), volumeId: v }, mountpoint: 'vdc' }),
  ],
  [
    'attachVolume connectionInfo.serial',
    HOSTILE,
    (d, u, v) =>
      d.attachVolume(ctx, { instance: { uuid: u }, connectionInfo: { ...VOL(), serial: v }, mountpoint: 'vdc' }),
  ],
  [
    'attachVolume diskBus',
    HOSTILE,
    (d, u, v) => d.attachVolume(ctx, { instance: { uuid: u }, connectionInfo: VOL(), mountpoint: 'vdc', diskBus: v }),
  ],
  [
    'attachVolume tag',
    HOSTILE,
    (d, u, v) => d.attachVolume(ctx, { instance: { uuid: u }, connectionInfo: VOL(), mountpoint: 'vdc', tag: v }),
  ],
  [
    'attachInterface vif.id',
    HOSTILE,
    (d, u, v) =>
      d.attachInterface(ctx, {
        instance: { uuid: u },
        imageMeta: IMG,
        vif: { ...VIF(), address: '52:54:00:00:00:99', id: v },
      }),
  ],
  ['snapshot imageId', HOSTILE, (d, u, v) => d.snapshot(ctx, { instance: { uuid: u }, imageId: v })],
  [
    'volumeSnapshotCreate volumeId',
    HOSTILE,
    (d, u, v) =>
      d.volumeSnapshotCreate(ctx, {
        instance: { uuid: u },
        volumeId: v,
        createInfo: { snapshotId: 's1', type: 'qcow2' },
      }),
  ],
  [
    'volumeSnapshotCreate createInfo.newFile',
    HOSTILE,
    (d, u, v) =>
      d.volumeSnapshotCreate(ctx, {
        instance: { uuid: u },
        volumeId: 'v1',
        createInfo: { snapshotId: 's1', type: 'qcow2', newFile: v },
      }),
  ],
  ['liveMigration dest', HOSTILE, (d, u, v) => d.liveMigration(ctx, { instance: { uuid: u }, dest: v })],
  [
    'finishMigration diskInfo[0].path',
    HOSTILE_PATHS.filter((p) => p !== 'relative/file'),
    (d, u, v) =>
      d.finishMigration(ctx, {
        instance: { uuid: u, name: 'x', flavor: FLAVOR },
        migration: { id: 'm', destCompute: 'h' },
        imageMeta: IMG,
        resizeInstance: false,
        diskInfo: [{ type: 'qcow2', path: v, virtualSizeBytes: 1, diskSizeBytes: 1, overCommitDiskSizeBytes: 0 }],
      }),
  ],
  [
    'checkInstanceSharedStorageRemote data.path',
    HOSTILE_PATHS.filter((p) => p !== 'relative/file'),
    (d, _u, v) => d.checkInstanceSharedStorageRemote(ctx, { data: { path: v } }),
  ],
  ['getConsolePoolInfo consoleType', HOSTILE, (d, _u, v) => d.getConsolePoolInfo(ctx, { consoleType: v })],
  ['isSupportedFsFormat fsType', HOSTILE, (d, _u, v) => d.isSupportedFsFormat(ctx, { fsType: v })],
  ['blockStats diskId', HOSTILE, (d, u, v) => d.blockStats(ctx, { instance: { uuid: u }, diskId: v })],
];

describe('security: names, ids, paths and mountpoints', () => {
  const tried: Record<string, number> = {};
  afterAll(() =>
    recordReliability('security-injection', {
      driver: 'memory',
      fields: Object.keys(tried).length,
      inputs: Object.values(tried).reduce((a, b) => a + b, 0),
      perField: tried,
    }),
  );

  it.each(CASES)(
    '%s: traversal, absolute paths, NUL, newline and comma injection are VALIDATION_FAILED, nothing created',
    async (field, values, call) => {
      const d = new MemoryDriver({ hostname: 'sec-host' });
      const uuid = randomUUID();
      await d.spawn(ctx, { instance: { uuid, name: 'sec-vm', flavor: FLAVOR }, imageMeta: IMG });
      const before = JSON.stringify([await d.listInstanceUuids(ctx), d.inspect(), d.fabric.images.size]);
      const accepted: string[] = [];
      for (const value of values) {
        const code = await codeOf(() => call(d, uuid, value));
        if (code !== 'VALIDATION_FAILED') accepted.push(`${JSON.stringify(value)} -> ${code}`);
      }
      tried[field] = values.length;
      expect(accepted).toEqual([]);
      expect(JSON.stringify([await d.listInstanceUuids(ctx), d.inspect(), d.fabric.images.size])).toBe(before);
    },
  );
});

describe('security: consoles', () => {
  it.each(['getVncConsole', 'getSpiceConsole', 'getRdpConsole', 'getSerialConsole', 'getMksConsole'])(
    '%s binds to 127.0.0.1 and carries a fresh per-console secret',
    async (method) => {
      const d: any = new MemoryDriver({ hostname: 'console-host' });
      const [a, b] = [randomUUID(), randomUUID()];
      for (const uuid of [a, b]) await d.spawn(ctx, { instance: { uuid, flavor: FLAVOR }, imageMeta: IMG });
      const first = await d[method](ctx, { instance: { uuid: a } });
      const again = await d[method](ctx, { instance: { uuid: a } });
      const other = await d[method](ctx, { instance: { uuid: b } });
      expect(first.host).toBe('127.0.0.1');
      expect(typeof first.secret).toBe('string');
      expect(first.secret.length).toBeGreaterThanOrEqual(16);
      expect(new Set([first.secret, again.secret, other.secret]).size).toBe(3);
    },
  );
});

/** A logger that keeps every line and field, as JSON. */
function recordingLogger(): { logger: DriverLogger; text: () => string } {
  const lines: string[] = [];
  const log =
    (level: string) =>
    (message: string, fields?: Record<string, unknown>): void =>
      void lines.push(JSON.stringify({ level, message, fields }));
  return {
    logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    text: () => lines.join('\n'),
  };
}

/** Everything an error shows: message, stack, own fields and causes. */
function errorText(error: unknown, depth = 0): string {
  if (depth > 5 || error === null || error === undefined) return '';
  if (!(error instanceof Error)) return String(error);
  const own = JSON.stringify(Object.fromEntries(Object.entries(error)), (_k, v) =>
    typeof v === 'bigint' ? String(v) : v,
  );
  return [error.message, error.stack, own, errorText((error as { cause?: unknown }).cause, depth + 1)].join('\n');
}

describe('security: secrets never in logs, error messages or events', () => {
  it('admin, rescue and volume passwords and console secrets do not leak, through successes and failures', async () => {
    const secret = `S3cr3t-${randomUUID()}`;
    const { logger, text } = recordingLogger();
    const d: any = new MemoryDriver({ hostname: 'secret-host', logger });
    const events: unknown[] = [];
    d.on('lifecycle', (e: unknown) => events.push(e));
    const errors: unknown[] = [];
    const attemptCall = async (call: () => Promise<unknown>): Promise<unknown> =>
      call().catch((e) => void errors.push(e));
    const uuid = randomUUID();
    const ref = { instance: { uuid } };
    const secretVolume = {
      driverVolumeType: 'iscsi',
      data: { volumeId: 'vol-secret', auth_password: secret, secret, auth_username: 'u' },
    };
    await attemptCall(() =>
      d.spawn(ctx, { instance: { uuid, flavor: FLAVOR }, imageMeta: IMG, adminPassword: secret }),
    );
    await attemptCall(() => d.setAdminPassword(ctx, { ...ref, newPassword: secret }));
    await attemptCall(() => d.rescue(ctx, { ...ref, imageMeta: IMG, rescuePassword: secret }));
    await attemptCall(() => d.unrescue(ctx, ref));
    await attemptCall(() => d.attachVolume(ctx, { ...ref, connectionInfo: secretVolume, mountpoint: 'vdb' }));
    await attemptCall(() => d.attachVolume(ctx, { ...ref, connectionInfo: secretVolume, mountpoint: 'vdb' })); // CONFLICT
    // shrink refused
    await attemptCall(() => d.extendVolume(ctx, { ...ref, connectionInfo: secretVolume, newSizeBytes: 1 }));
    await attemptCall(() => d.detachVolume(ctx, { ...ref, connectionInfo: secretVolume, mountpoint: 'vdb' }));
    // failures with the secret in the request: validation, state, unknown instance, injected driver failure
    await attemptCall(() => d.setAdminPassword(ctx, { ...ref, newPassword: `${secret}${'x'.repeat(300)}` }));
    await attemptCall(() => d.setAdminPassword(ctx, { instance: { uuid: randomUUID() }, newPassword: secret }));
    await attemptCall(() =>
      d.rescue(ctx, { ...ref, imageMeta: { diskFormat: 'exe' as never }, rescuePassword: secret }),
    );
    await attemptCall(() =>
      d.attachVolume(ctx, {
        ...ref,
        connectionInfo: { ...secretVolume, data: { auth_password: secret } },
        mountpoint: 'vdc',
      }),
    );
    d.failures.failNext('setAdminPassword', new Error(`backend said: ${secret}`));
    await attemptCall(() => d.setAdminPassword(ctx, { ...ref, newPassword: secret }));
    await d.powerOff(ctx, ref);
    await attemptCall(() => d.setAdminPassword(ctx, { ...ref, newPassword: secret })); // INVALID_STATE while stopped
    await d.powerOn(ctx, ref);
    const consoles = await Promise.all(
      ['getVncConsole', 'getSpiceConsole', 'getSerialConsole'].map((m) => d[m](ctx, ref)),
    );
    const consoleSecrets: string[] = consoles.map((c: { secret: string }) => c.secret);
    expect(errors.length).toBeGreaterThanOrEqual(6);
    const captured = [text(), JSON.stringify(events), ...errors.map((e) => errorText(e))].join('\n');
    for (const s of [secret, ...consoleSecrets]) expect(captured.includes(s)).toBe(false);
  });
});

describe('security: loadDriver', () => {
  const dir = tempDir('virtkit-load-');
  const modules: Record<string, string> = {
    'empty.cjs': 'module.exports = {};',
    'plain-object.cjs': 'module.exports = { default: { name: "x", create() { return {}; } } };',
    'function.cjs': 'module.exports = function create() { return {}; };',
    'fake-brand.cjs':
      'module.exports = { default: { create() { return { spawn() {} }; }, name: "fake", contractVersion: "1.0.0" } };',
    'throws.cjs': 'throw new Error("boom at import");',
    'null.cjs': 'module.exports = null;',
  };
  for (const [file, body] of Object.entries(modules)) writeFileSync(join(dir, file), body);
  const tried: string[] = [];
  afterAll(() => recordReliability('security-load-driver', { refused: tried.length, modules: tried }));

  it.each([
    ...Object.keys(modules).map((f) => join(dir, f)),
    join(dir, 'missing.cjs'),
    '',
    'a\0b',
    '@virtkit/no-such-driver',
  ])('refuses %j with DRIVER_LOAD_FAILED', async (specifier) => {
    tried.push(specifier.replace(dir, '<tmp>'));
    expect(await codeOf(() => loadDriver(specifier, {}, { from: dir }))).toBe('DRIVER_LOAD_FAILED');
  });
});
