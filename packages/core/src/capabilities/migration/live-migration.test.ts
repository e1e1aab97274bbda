import {
  DriverBase,
  DriverDefinitionError,
  InstanceNotFoundError,
  NotFoundError,
  PowerState,
  withLiveMigration,
  type LifecycleEvent,
  type LiveMigrationOutcome,
  type OperationContext,
  type ProgressReport,
} from '../../index.js';
import { runtimeOf } from '../../driver/driver-runtime.js';
import { MapTestDriver } from '../../testing/map-test-driver.js';

const UUID = '7b1c6f1e-2f3a-4b5c-8d9e-0a1b2c3d4e5f';
const ctx = {};
type Req = { instance: { uuid: string } };

class BaseTestDriver extends MapTestDriver {}

class LiveDriver extends withLiveMigration(BaseTestDriver) {
  static override driverName = 'live-test';
  events: LifecycleEvent[] = [];
  /** What the migration itself does; replaced per test. */
  migrate: (ctx: OperationContext, uuid: string) => Promise<void> = async () => {};
  running = new Map<string, () => void>();
  protected async _checkCanLiveMigrateDestination(_c: unknown, r: { blockMigration?: boolean }) {
    return { blockMigration: r.blockMigration ?? false, targetConnectAddr: 'tcp://10.0.0.2:49152' };
  }
  protected async _cleanupLiveMigrationDestinationCheck() {
    this.calls.push('cleanupCheck');
  }
  protected async _checkCanLiveMigrateSource(_c: unknown, r: { destCheckData: object }) {
    return { ...r.destCheckData, isSharedInstancePath: true };
  }
  protected async _preLiveMigration(_c: unknown, r: { migrateData: object }) {
    return r.migrateData;
  }
  protected async _liveMigration(c: OperationContext, r: Req) {
    this.calls.push('migrate');
    await this.migrate(c, r.instance.uuid);
    this.states.delete(r.instance.uuid);
  }
  protected async _liveMigrationForceComplete(_c: unknown, r: Req) {
    if (!this.running.has(r.instance.uuid)) throw new NotFoundError('live migration', r.instance.uuid);
  }
  protected async _liveMigrationAbort(_c: unknown, r: Req) {
    const abort = this.running.get(r.instance.uuid);
    if (!abort) throw new NotFoundError('live migration', r.instance.uuid);
    abort();
  }
  protected async _rollbackLiveMigrationAtDestination(_c: unknown, r: Req) {
    if (!this.states.delete(r.instance.uuid)) throw new InstanceNotFoundError(r.instance.uuid);
  }
  protected async _postLiveMigrationAtSource() {
    this.calls.push('postAtSource');
  }
  protected async _postLiveMigrationAtDestination(_c: unknown, r: Req) {
    this.states.set(r.instance.uuid, PowerState.RUNNING);
  }
}

function driverWith(state?: PowerState): LiveDriver {
  const d = new LiveDriver();
  if (state !== undefined) d.states.set(UUID, state);
  d.on('lifecycle', (e) => d.events.push(e));
  return d;
}

const instance = { uuid: UUID };
const hostInfo = { hypervisorType: 'QEMU', hypervisorVersion: 8002000 };

describe('migration.live', () => {
  it('advertises the capability and refuses it with NOT_SUPPORTED where not applied', async () => {
    expect(new LiveDriver().capabilities.capabilities['migration.live']).toBe(true);
    const bare = new BaseTestDriver() as any;
    await expect(bare.liveMigration(ctx, { instance, dest: 'h2' })).rejects.toMatchObject({
      code: 'NOT_SUPPORTED',
      capability: 'migration.live',
    });
    expect(() => withLiveMigration(DriverBase)).toThrow(DriverDefinitionError);
  });

  it('runs the whole protocol between two hosts', async () => {
    const src = driverWith(PowerState.RUNNING);
    const dst = driverWith();
    const progress: ProgressReport[] = [];
    src.migrate = async (c) => {
      c.onProgress?.({ percent: 40, phase: 'memory' });
      c.onProgress?.({ percent: 20, phase: 'memory' }); // never goes backwards
      c.onProgress?.({ percent: 70, phase: 'memory' });
    };
    const posted: LiveMigrationOutcome[] = [];
    const srcComputeInfo = { ...hostInfo, host: 'h1' };
    const destCheckData = await dst.checkCanLiveMigrateDestination(ctx, {
      instance,
      srcComputeInfo,
      dstComputeInfo: hostInfo,
    });
    await dst.cleanupLiveMigrationDestinationCheck(ctx, { destCheckData });
    const migrateData = await src.checkCanLiveMigrateSource(ctx, { instance, destCheckData });
    await dst.preLiveMigration(ctx, { instance, migrateData });
    await src.liveMigration(
      { onProgress: (p) => progress.push(p) },
      {
        instance,
        dest: '10.0.0.2',
        migrateData,
        postMethod: (o) => {
          posted.push(o);
        },
      },
    );
    expect(progress.map((p) => p.percent)).toEqual([0, 40, 40, 70, 100]);
    expect(posted).toHaveLength(1);
    expect(posted[0]).toMatchObject({ dest: '10.0.0.2', blockMigration: false, instance: { uuid: UUID } });
    expect(src.events.map((e) => [e.transition, e.peerHost])).toEqual([
      ['MIGRATION_COMPLETED', undefined],
      ['MIGRATED_AWAY', '10.0.0.2'],
    ]);
    expect(runtimeOf(src).events.stateOf(UUID)).toBeUndefined();
    await src.postLiveMigration(ctx, { instance }); // default hook: nothing to do
    await src.postLiveMigrationAtSource(ctx, { instance });
    await dst.postLiveMigrationAtDestination(ctx, { instance });
    expect(runtimeOf(dst).events.stateOf(UUID)).toBe(PowerState.RUNNING);
    expect(dst.events.map((e) => [e.transition, e.state, e.peerHost])).toEqual([
      ['MIGRATED_IN', PowerState.RUNNING, 'h1'],
    ]);
    await dst.postLiveMigrationAtDestination(ctx, { instance }); // a retry tells nothing twice
    expect(dst.events).toHaveLength(1);
    expect(src.calls).toEqual(['migrate', 'postAtSource']);
  });

  it('refuses an instance that is not RUNNING or PAUSED with INVALID_STATE', async () => {
    const d = driverWith(PowerState.SHUTDOWN);
    await expect(d.liveMigration(ctx, { instance, dest: 'h2' })).rejects.toMatchObject({ code: 'INVALID_STATE' });
    await expect(d.checkCanLiveMigrateSource(ctx, { instance, destCheckData: {} })).rejects.toMatchObject({
      code: 'INVALID_STATE',
    });
    expect(d.calls).toEqual([]);
    const paused = driverWith(PowerState.PAUSED);
    await paused.liveMigration(ctx, { instance, dest: 'h2' });
    expect(paused.events.map((e) => [e.transition, e.state])).toEqual([
      ['MIGRATION_COMPLETED', PowerState.PAUSED],
      ['MIGRATED_AWAY', PowerState.PAUSED],
    ]);
  });

  it('leaves the instance where it was on failure, runs recover and reports MIGRATION_FAILED', async () => {
    const d = driverWith(PowerState.RUNNING);
    d.migrate = async () => {
      throw new Error('connection reset');
    };
    const recovered: unknown[] = [];
    const post = jest.fn();
    const err = await d
      .liveMigration(ctx, {
        instance,
        dest: 'h2',
        postMethod: post,
        recoverMethod: (o) => {
          recovered.push(o.error);
          throw new Error('recover broke');
        },
      })
      .catch((e) => e);
    expect(err.code).toBe('MIGRATION_FAILED');
    expect(recovered).toHaveLength(1);
    expect(post).not.toHaveBeenCalled();
    expect(d.states.get(UUID)).toBe(PowerState.RUNNING);
    expect(runtimeOf(d).events.stateOf(UUID)).toBe(PowerState.RUNNING);
    expect(d.events).toEqual([]);
  });

  it('aborts a running migration without queueing behind it; abort of none succeeds', async () => {
    const d = driverWith(PowerState.RUNNING);
    let started!: () => void;
    const isRunning = new Promise<void>((resolve) => {
      started = resolve;
    });
    d.migrate = (_c, uuid) =>
      new Promise<void>((_resolve, reject) => {
        d.running.set(uuid, () => reject(new Error('cancelled by abort')));
        started();
      });
    const migration = d.liveMigration(ctx, { instance, dest: 'h2' }).catch((e) => e);
    await isRunning;
    await d.liveMigrationForceComplete(ctx, { instance });
    await d.liveMigrationAbort(ctx, { instance });
    expect((await migration).code).toBe('ABORTED'); // the contract's abort code, whatever the driver threw
    d.running.clear();
    await expect(d.liveMigrationAbort(ctx, { instance })).resolves.toBeUndefined();
    await expect(d.liveMigrationForceComplete(ctx, { instance })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('survives a throwing progress listener', async () => {
    const d = driverWith(PowerState.RUNNING);
    d.migrate = async (c) => c.onProgress?.({ percent: 50 });
    await expect(
      d.liveMigration(
        {
          onProgress: () => {
            throw new Error('bad listener');
          },
        },
        { instance, dest: 'h2' },
      ),
    ).resolves.toBeUndefined();
  });

  it('validates requests with field paths, callbacks included', async () => {
    const d = driverWith(PowerState.RUNNING);
    const bad = await d
      .liveMigration(ctx, { instance, dest: 'h2 --evil', postMethod: 'run-this' as never })
      .catch((e) => e);
    expect(bad.code).toBe('VALIDATION_FAILED');
    expect(bad.paths).toEqual(expect.arrayContaining(['dest', 'postMethod']));
    const noData = await d.preLiveMigration(ctx, { instance } as never).catch((e) => e);
    expect(noData).toMatchObject({ code: 'VALIDATION_FAILED', paths: ['migrateData'] });
    expect(d.calls).toEqual([]);
  });

  it('rolls back at the destination idempotently', async () => {
    const d = driverWith(PowerState.RUNNING);
    await d.rollbackLiveMigrationAtDestination(ctx, { instance });
    await expect(d.rollbackLiveMigrationAtDestination(ctx, { instance })).resolves.toBeUndefined();
    expect(runtimeOf(d).events.stateOf(UUID)).toBeUndefined();
  });
});

describe('migration.live: the abort code (contract decision)', () => {
  it('answers ABORTED when liveMigrationAbort stopped the migration, even if the driver threw a foreign error', async () => {
    const src = driverWith(PowerState.RUNNING);
    let recovered = 0;
    src.migrate = (_c, uuid) =>
      new Promise<void>((_resolve, reject) => {
        src.running.set(uuid, () => reject(new Error('migration cancelled by the hypervisor')));
      });
    const done = src.liveMigration(ctx, {
      instance,
      dest: 'h2',
      migrateData: {},
      recoverMethod: () => {
        recovered++;
      },
    });
    while (!src.running.has(UUID)) await new Promise((r) => setTimeout(r, 1));
    await src.liveMigrationAbort(ctx, { instance });
    await expect(done).rejects.toMatchObject({ code: 'ABORTED' });
    expect(recovered).toBe(1);
    expect((await src.getInfo(ctx, { instance })).state).toBe(PowerState.RUNNING);
  });

  it('keeps MIGRATION_FAILED for a failure nobody asked for, and a later abort-free failure is not ABORTED', async () => {
    const src = driverWith(PowerState.RUNNING);
    src.migrate = async () => {
      throw new Error('link down');
    };
    await expect(src.liveMigration(ctx, { instance, dest: 'h2', migrateData: {} })).rejects.toMatchObject({
      code: 'MIGRATION_FAILED',
    });
    // An abort with nothing running leaves no trace that would turn the next failure into ABORTED.
    await src.liveMigrationAbort(ctx, { instance });
    await expect(src.liveMigration(ctx, { instance, dest: 'h2', migrateData: {} })).rejects.toMatchObject({
      code: 'MIGRATION_FAILED',
    });
  });

  it('answers ABORTED when the caller signal stopped it', async () => {
    const src = driverWith(PowerState.RUNNING);
    const controller = new AbortController();
    src.migrate = (c) =>
      new Promise<void>((_resolve, reject) => {
        c.signal?.addEventListener('abort', () => reject(new Error('stopped')));
      });
    const done = src.liveMigration({ signal: controller.signal }, { instance, dest: 'h2', migrateData: {} });
    await new Promise((r) => setTimeout(r, 5));
    controller.abort();
    await expect(done).rejects.toMatchObject({ code: 'ABORTED' });
  });
});
