import { randomUUID } from 'node:crypto';
import { ABANDONED_WORK_GRACE_MS, needsReconciliation, PowerState } from '@virtkit/core';
import { MemoryDriver } from '@virtkit/memory';

// Issue #12 item 8: a deadline frees the instance's queue even when an orchestrator callback never settles
// (the hung work is abandoned, the instance marked as needing reconciliation, later calls proceed), and reads
// that need no lock do not wait behind long operations. Item 7: rebuild with `networkInfo: null` does not fail
// half way.

const FLAVOR = { name: 'm1', vcpus: 1, memoryMb: 128, rootGb: 1 };
const IMG = { diskFormat: 'raw' };
const VIF = { id: 'vif-1', address: '52:54:00:aa:bb:01', type: 'user', network: { id: 'net-1' } };
const VOL = { driverVolumeType: 'memory', data: { volumeId: 'vol-1', sizeBytes: 1024 ** 3 } };
const BDI = { blockDeviceMapping: [{ mountDevice: 'vdb', connectionInfo: VOL }] };
const never = (): Promise<never> => new Promise<never>(() => undefined);
const within = <T>(p: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([
    p,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error(`${what} still pending after ${ms} ms`)), ms).unref(),
    ),
  ]);

async function fixture(): Promise<{ driver: any; uuid: string; events: string[] }> {
  const driver: any = new MemoryDriver({ hostname: 'abandon-host' });
  const uuid = randomUUID();
  const events: string[] = [];
  driver.on('lifecycle', (e: any) => events.push(`${e.transition}`));
  await driver.spawn(
    {},
    {
      instance: { uuid, name: 'vm', flavor: FLAVOR },
      imageMeta: IMG,
      networkInfo: [VIF],
      blockDeviceInfo: BDI,
    },
  );
  events.length = 0;
  return { driver, uuid, events };
}

async function shape(driver: any, uuid: string): Promise<unknown> {
  const info = await driver.getInfo({}, { instance: { uuid } });
  const diag = await driver.getInstanceDiagnostics({}, { instance: { uuid } });
  return {
    state: info.state,
    disks: diag.diskDetails.map((d: any) => d.id),
    nics: diag.nicDetails.map((n: any) => n.macAddress),
  };
}

describe('abandoned work (deadline / abort while a callback never settles)', () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
  beforeAll(() => process.on('unhandledRejection', onUnhandled));
  afterAll(() => process.off('unhandledRejection', onUnhandled));

  it('TIMEOUT frees the queue: later powerOff, diagnostics and destroy return; the instance needs reconciliation until re-read', async () => {
    const { driver, uuid } = await fixture();
    const hung = driver.rebuild(
      { deadline: Date.now() + 150 },
      { instance: { uuid, flavor: FLAVOR }, imageMeta: IMG, detachBlockDevices: never },
    );
    // Reads that need no lock answer while the rebuild hangs.
    await within(driver.getInfo({}, { instance: { uuid } }), 100, 'getInfo during a hung rebuild');
    await within(
      driver.getInstanceDiagnostics({}, { instance: { uuid } }),
      100,
      'getInstanceDiagnostics during a hung rebuild',
    );
    await within(driver.getDiagnostics({}, { instance: { uuid } }), 100, 'getDiagnostics during a hung rebuild');
    await within(driver.blockStats({}, { instance: { uuid }, diskId: 'vda' }), 100, 'blockStats during a hung rebuild');
    await within(driver.listInstanceUuids({}), 100, 'listInstanceUuids during a hung rebuild');
    const error = await hung.catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'TIMEOUT', abandoned: true });
    expect(needsReconciliation(driver, uuid)).toBe(true);
    await within(
      driver.powerOff({}, { instance: { uuid } }),
      ABANDONED_WORK_GRACE_MS + 1000,
      'powerOff after an abandoned rebuild',
    );
    expect(needsReconciliation(driver, uuid)).toBe(false);
    expect((await driver.getInfo({}, { instance: { uuid } })).state).toBe(PowerState.SHUTDOWN);
    await within(
      driver.destroy({}, { instance: { uuid } }),
      ABANDONED_WORK_GRACE_MS + 1000,
      'destroy after an abandoned rebuild',
    );
    expect(await driver.listInstanceUuids({})).toEqual([]);
    expect(unhandled).toEqual([]);
  });

  it('ABORTED frees the queue the same way; a call still waiting for its turn when cancelled never runs', async () => {
    const { driver, uuid } = await fixture();
    const ac = new AbortController();
    const hung = driver.rebuild(
      { signal: ac.signal },
      { instance: { uuid, flavor: FLAVOR }, imageMeta: IMG, attachBlockDevices: never },
    );
    const waiting = driver.powerOff({ deadline: Date.now() + 50 }, { instance: { uuid } });
    await expect(waiting).rejects.toMatchObject({ code: 'TIMEOUT', abandoned: false });
    ac.abort();
    await expect(hung).rejects.toMatchObject({ code: 'ABORTED', abandoned: true });
    // The waiting powerOff never ran: the next call finds the instance as the rebuild left it, and proceeds.
    const info: any = await within(driver.getInfo({}, { instance: { uuid } }), 200, 'getInfo');
    expect(info.state).not.toBe(PowerState.SHUTDOWN);
    await within(
      driver.destroy({}, { instance: { uuid } }),
      ABANDONED_WORK_GRACE_MS + 1000,
      'destroy after an aborted rebuild',
    );
    expect(unhandled).toEqual([]);
  });

  it('abandoned work that is merely slow finishes before the next call runs: a cleanup destroy is not overtaken', async () => {
    const { driver, uuid } = await fixture();
    let release!: () => void;
    const slow = new Promise<void>((r) => (release = r));
    const hung = driver.rebuild(
      { deadline: Date.now() + 50 },
      { instance: { uuid, flavor: FLAVOR }, imageMeta: IMG, detachBlockDevices: () => slow },
    );
    await expect(hung).rejects.toMatchObject({ code: 'TIMEOUT', abandoned: true });
    const destroyed = driver.destroy({}, { instance: { uuid } });
    setTimeout(release, 100); // the abandoned rebuild completes while the destroy waits for it
    await within(destroyed, ABANDONED_WORK_GRACE_MS, 'destroy after slow abandoned work');
    await new Promise((r) => setTimeout(r, 20));
    expect(await driver.listInstanceUuids({})).toEqual([]);
  });

  it('a later failure of the abandoned work is handled (no unhandled rejection)', async () => {
    const { driver, uuid } = await fixture();
    let fail!: (e: Error) => void;
    const late = new Promise<never>((_, reject) => (fail = reject));
    const hung = driver.rebuild(
      { deadline: Date.now() + 50 },
      { instance: { uuid, flavor: FLAVOR }, imageMeta: IMG, detachBlockDevices: () => late },
    );
    await expect(hung).rejects.toMatchObject({ code: 'TIMEOUT' });
    fail(new Error('the orchestrator gave up too'));
    await new Promise((r) => setTimeout(r, 20));
    expect(unhandled).toEqual([]);
    await driver.destroy({}, { instance: { uuid } });
  });
});

describe('rebuild with networkInfo: null (item 7)', () => {
  it('succeeds as "no change": the instance keeps its NIC and volume, one event per change', async () => {
    const { driver, uuid, events } = await fixture();
    const before = await shape(driver, uuid);
    await driver.rebuild(
      {},
      { instance: { uuid, flavor: FLAVOR }, imageMeta: IMG, networkInfo: null, blockDeviceInfo: BDI },
    );
    expect(await shape(driver, uuid)).toEqual(before);
    expect(events.length).toBeLessThanOrEqual(2); // a reboot-like rebuild: STOPPED then STARTED, or nothing
  });

  it('a rebuild whose attach callback fails is all-or-nothing: NIC, volume, state and events as before', async () => {
    const { driver, uuid, events } = await fixture();
    const before = await shape(driver, uuid);
    const failing = async (): Promise<never> => {
      throw new Error('cinder said no');
    };
    const error = await driver
      .rebuild(
        {},
        { instance: { uuid, flavor: FLAVOR }, imageMeta: IMG, networkInfo: null, attachBlockDevices: failing },
      )
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'DRIVER_ERROR' });
    expect(await shape(driver, uuid)).toEqual(before);
    expect(events).toEqual([]);
  });

  it('the memory hook itself treats null as no change (defence in depth below the SDK)', async () => {
    const { driver, uuid } = await fixture();
    const before = await shape(driver, uuid);
    await driver._rebuild(
      {},
      { instance: { uuid, flavor: FLAVOR }, imageMeta: IMG, networkInfo: null, blockDeviceInfo: BDI },
    );
    expect(await shape(driver, uuid)).toEqual(before);
  });
});
