import { PowerState, powerStateName } from '@virtkit/core';
import { FLAVOR, codeOf, ctx, driver, events, ref, spawn, spawnRequest, state, volume } from './helpers';

const { RUNNING, PAUSED, SHUTDOWN, SUSPENDED, CRASHED } = PowerState;

/** Bring a fresh instance to `target` through public calls. */
async function instanceIn(d: any, target: number): Promise<string> {
  const uuid = await spawn(d, { powerOn: target !== SHUTDOWN });
  if (target === PAUSED) await d.pause(ctx, ref(uuid));
  if (target === SUSPENDED) await d.suspend(ctx, ref(uuid));
  if (target === CRASHED) d.simulateGuest(uuid, 'crash');
  return uuid;
}

type Call = (d: any, uuid: string) => Promise<unknown>;
const CALLS: Record<string, Call> = {
  powerOn: (d, u) => d.powerOn(ctx, ref(u)),
  powerOff: (d, u) => d.powerOff(ctx, ref(u)),
  softReboot: (d, u) => d.reboot(ctx, { ...ref(u), rebootType: 'SOFT' }),
  hardReboot: (d, u) => d.reboot(ctx, { ...ref(u), rebootType: 'HARD' }),
  pause: (d, u) => d.pause(ctx, ref(u)),
  unpause: (d, u) => d.unpause(ctx, ref(u)),
  suspend: (d, u) => d.suspend(ctx, ref(u)),
  resume: (d, u) => d.resume(ctx, ref(u)),
  crashDump: (d, u) => d.triggerCrashDump(ctx, ref(u)),
};

// [call, from state, resulting state or error code]: the contract's state machine, both ways.
const TABLE: [string, number, number | string][] = [
  ['powerOn', RUNNING, RUNNING],
  ['powerOn', SHUTDOWN, RUNNING],
  ['powerOn', PAUSED, 'INVALID_STATE'],
  ['powerOn', SUSPENDED, 'INVALID_STATE'],
  ['powerOff', RUNNING, SHUTDOWN],
  ['powerOff', SHUTDOWN, SHUTDOWN],
  ['powerOff', PAUSED, SHUTDOWN],
  ['powerOff', SUSPENDED, SHUTDOWN],
  ['softReboot', RUNNING, RUNNING],
  ['softReboot', SHUTDOWN, 'INVALID_STATE'],
  ['softReboot', PAUSED, 'INVALID_STATE'],
  ['hardReboot', SHUTDOWN, RUNNING],
  ['hardReboot', PAUSED, RUNNING],
  ['hardReboot', SUSPENDED, RUNNING],
  ['pause', RUNNING, PAUSED],
  ['pause', PAUSED, PAUSED],
  ['pause', SHUTDOWN, 'INVALID_STATE'],
  ['pause', SUSPENDED, 'INVALID_STATE'],
  ['unpause', PAUSED, RUNNING],
  ['unpause', RUNNING, RUNNING],
  ['unpause', SHUTDOWN, 'INVALID_STATE'],
  ['suspend', RUNNING, SUSPENDED],
  ['suspend', SUSPENDED, SUSPENDED],
  ['suspend', PAUSED, 'INVALID_STATE'],
  ['suspend', SHUTDOWN, 'INVALID_STATE'],
  ['resume', SUSPENDED, RUNNING],
  ['resume', RUNNING, RUNNING],
  ['resume', PAUSED, 'INVALID_STATE'],
  ['crashDump', RUNNING, RUNNING],
  ['crashDump', SHUTDOWN, 'INVALID_STATE'],
  ['crashDump', PAUSED, 'INVALID_STATE'],
  ['powerOn', CRASHED, RUNNING],
  ['powerOff', CRASHED, SHUTDOWN],
  ['hardReboot', CRASHED, RUNNING],
  ['softReboot', CRASHED, 'INVALID_STATE'],
  ['pause', CRASHED, 'INVALID_STATE'],
  ['suspend', CRASHED, 'INVALID_STATE'],
  ['crashDump', CRASHED, 'INVALID_STATE'],
];
const ROWS = TABLE.map(
  ([call, from, outcome]) =>
    [
      call,
      powerStateName(from),
      typeof outcome === 'number' ? powerStateName(outcome) : outcome,
      from,
      outcome,
    ] as const,
);

describe('lifecycle state machine', () => {
  it.each(ROWS)('%s from %s -> %s', async (call, _f, _o, from, outcome) => {
    const d = driver();
    const uuid = await instanceIn(d, from);
    const before = await d.getInfo(ctx, ref(uuid));
    if (typeof outcome === 'string') {
      expect(await codeOf(CALLS[call]!(d, uuid))).toBe(outcome);
      expect(await d.getInfo(ctx, ref(uuid))).toMatchObject({
        state: before.state,
        rescued: false,
        softDeleted: false,
      });
    } else {
      await CALLS[call]!(d, uuid);
      expect(await state(d, uuid)).toBe(outcome);
    }
  });

  it('spawn ends RUNNING, or SHUTDOWN with powerOn false; getInfo tells the whole truth', async () => {
    const d = driver();
    const running = await spawn(d);
    const stopped = await spawn(d, { powerOn: false });
    const info = await d.getInfo(ctx, ref(running));
    expect(info).toEqual({
      state: RUNNING,
      rescued: false,
      softDeleted: false,
      numCpu: 2,
      maxMemKb: 2048 * 1024,
      memKb: 2048 * 1024,
      cpuTimeNs: expect.any(Number),
      internalId: expect.stringMatching(/^instance-[0-9a-f]{8}$/),
    });
    expect(await d.getInfo(ctx, ref(stopped))).toMatchObject({ state: SHUTDOWN, memKb: 0 });
  });

  it('cpu time grows while RUNNING and stands still otherwise', async () => {
    const d = driver();
    const uuid = await spawn(d);
    const t0 = (await d.getInfo(ctx, ref(uuid))).cpuTimeNs!;
    await new Promise((r) => setTimeout(r, 15));
    const t1 = (await d.getInfo(ctx, ref(uuid))).cpuTimeNs;
    expect(t1).toBeGreaterThan(t0);
    await d.pause(ctx, ref(uuid));
    const p0 = (await d.getInfo(ctx, ref(uuid))).cpuTimeNs;
    await new Promise((r) => setTimeout(r, 15));
    expect((await d.getInfo(ctx, ref(uuid))).cpuTimeNs).toBe(p0);
  });

  it('rescue and unrescue, with the hypervisor states they exclude', async () => {
    const d = driver();
    const uuid = await spawn(d, { powerOn: false });
    await d.rescue(ctx, { ...ref(uuid), imageMeta: { name: 'rescue' } });
    expect(await d.getInfo(ctx, ref(uuid))).toMatchObject({ state: RUNNING, rescued: true });
    expect(await codeOf(d.suspend(ctx, ref(uuid)))).toBe('INVALID_STATE');
    expect(await codeOf(d.reboot(ctx, { ...ref(uuid), rebootType: 'HARD' }))).toBe('INVALID_STATE');
    await d.pause(ctx, ref(uuid));
    await d.unrescue(ctx, ref(uuid));
    expect(await d.getInfo(ctx, ref(uuid))).toMatchObject({ state: RUNNING, rescued: false });
    await d.unrescue(ctx, ref(uuid));
    expect(await d.getInfo(ctx, ref(uuid))).toMatchObject({ state: RUNNING, rescued: false });
  });

  it('soft delete stops and marks; only restore brings it back', async () => {
    const d = driver();
    const uuid = await spawn(d);
    await d.softDelete(ctx, ref(uuid));
    expect(await d.getInfo(ctx, ref(uuid))).toMatchObject({ state: SHUTDOWN, softDeleted: true });
    for (const call of [CALLS.powerOn!, CALLS.hardReboot!]) expect(await codeOf(call(d, uuid))).toBe('INVALID_STATE');
    expect(await codeOf(d.rescue(ctx, { ...ref(uuid), imageMeta: {} }))).toBe('INVALID_STATE');
    await d.softDelete(ctx, ref(uuid));
    await d.restore(ctx, ref(uuid));
    expect(await d.getInfo(ctx, ref(uuid))).toMatchObject({ state: RUNNING, softDeleted: false });
    await d.restore(ctx, ref(uuid));
    expect(await state(d, uuid)).toBe(RUNNING);
  });

  it('a non-bootable instance refuses to start until made bootable', async () => {
    const d = driver();
    const uuid = await spawn(d, { powerOn: false });
    await d.setBootable(ctx, { ...ref(uuid), bootable: false });
    expect(await codeOf(d.powerOn(ctx, ref(uuid)))).toBe('INVALID_STATE');
    expect(await state(d, uuid)).toBe(SHUTDOWN);
    await d.setBootable(ctx, { ...ref(uuid), bootable: true });
    await d.powerOn(ctx, ref(uuid));
    expect(await state(d, uuid)).toBe(RUNNING);
  });

  it('events follow state, one per change', async () => {
    const d = driver();
    const seen = events(d);
    const uuid = await spawn(d);
    await d.pause(ctx, ref(uuid));
    await d.pause(ctx, ref(uuid));
    await d.unpause(ctx, ref(uuid));
    await d.suspend(ctx, ref(uuid));
    await d.resume(ctx, ref(uuid));
    await d.powerOff(ctx, ref(uuid));
    await d.resumeStateOnHostBoot(ctx, ref(uuid));
    expect(seen.map((e) => e.transition)).toEqual([
      'STARTED',
      'PAUSED',
      'RESUMED',
      'SUSPENDED',
      'RESUMED',
      'STOPPED',
      'STARTED',
    ]);
    expect(await state(d, uuid)).toBe(RUNNING);
  });

  it('destroy releases everything and is idempotent; cleanup drops what is left', async () => {
    const d = driver();
    const uuid = await spawn(d, {
      blockDeviceInfo: { blockDeviceMapping: [{ mountDevice: 'vdb', connectionInfo: volume() }] },
    });
    expect(d.inspect().used).toEqual({ vcpus: 2, memoryMb: 2048, diskGb: 20 });
    expect(d.fabric.volumes.size).toBe(1);
    expect(await d.deleteInstanceFiles(ctx, ref(uuid))).toBe(false);
    await d.destroy(ctx, ref(uuid));
    await d.destroy(ctx, ref(uuid));
    expect(d.inspect()).toMatchObject({ instances: 0, used: { vcpus: 0, memoryMb: 0, diskGb: 0 } });
    expect(d.fabric.volumes.size).toBe(0);
    expect(await d.deleteInstanceFiles(ctx, ref(uuid))).toBe(true);
    const stopped = await spawn(d, { powerOn: false });
    const running = await spawn(d);
    await d.cleanup(ctx, ref(stopped));
    await d.cleanup(ctx, ref(running));
    expect(await d.listInstanceUuids(ctx)).toEqual([running]);
  });

  it('rebuild keeps identity, swaps image and flavor, re-plugs volumes after the callbacks', async () => {
    const d = driver();
    const req = spawnRequest({
      blockDeviceInfo: { blockDeviceMapping: [{ mountDevice: 'vdb', connectionInfo: volume() }] },
    });
    await d.spawn(ctx, req);
    const { internalId } = await d.getInfo(ctx, ref(req.instance.uuid));
    await d.powerOff(ctx, ref(req.instance.uuid));
    const order: string[] = [];
    const bigger = { ...FLAVOR, name: 'm1.large', vcpus: 4 };
    const replacement = volume();
    await d.rebuild(ctx, {
      instance: { ...req.instance, flavor: bigger },
      imageMeta: { id: 'ubuntu', diskFormat: 'raw' },
      detachBlockDevices: async () => void order.push('detach'),
      attachBlockDevices: async () => {
        order.push('attach');
        return { blockDeviceMapping: [{ mountDevice: 'vdc', connectionInfo: replacement }] };
      },
    });
    expect(order).toEqual(['detach', 'attach']);
    expect(await d.getInfo(ctx, ref(req.instance.uuid))).toMatchObject({ state: RUNNING, numCpu: 4, internalId });
    expect(d.inspect().used.vcpus).toBe(4);
    expect(d.fabric.volumes.holdersOf(replacement.data.volumeId as string)).toEqual([req.instance.uuid]);
    expect(d.fabric.volumes.size).toBe(1);
    expect(d.inspect().cachedImages).toEqual({ cirros: 0, ubuntu: 1 });
  });

  it('crash dump writes to the console and keeps the guest running', async () => {
    const d = driver();
    const uuid = await spawn(d);
    await d.triggerCrashDump(ctx, ref(uuid));
    expect(await state(d, uuid)).toBe(RUNNING);
    expect((await d.getConsoleOutput(ctx, ref(uuid))).text).toMatch(/crash dump/);
  });

  it('calls on one instance are serialised; resumeStateOnHostBoot leaves running and soft-deleted guests alone', async () => {
    const d = driver();
    const uuid = await spawn(d);
    await Promise.all([d.powerOff(ctx, ref(uuid)), d.powerOn(ctx, ref(uuid)), d.pause(ctx, ref(uuid))]);
    expect(await state(d, uuid)).toBe(PAUSED);
    await d.resumeStateOnHostBoot(ctx, ref(uuid));
    expect(await state(d, uuid)).toBe(PAUSED);
    await d.softDelete(ctx, ref(uuid));
    await d.resumeStateOnHostBoot(ctx, ref(uuid));
    expect(await state(d, uuid)).toBe(SHUTDOWN);
  });

  it('a guest that crashes or shuts itself down is reported once, and can be rescued or restarted', async () => {
    const d = driver();
    const seen = events(d);
    const uuid = await spawn(d);
    d.simulateGuest(uuid, 'crash');
    expect(await state(d, uuid)).toBe(CRASHED);
    expect(() => d.simulateGuest(uuid, 'shutdown')).toThrow(expect.objectContaining({ code: 'INVALID_STATE' }));
    await d.rescue(ctx, { ...ref(uuid), imageMeta: {} });
    expect(await d.getInfo(ctx, ref(uuid))).toMatchObject({ state: RUNNING, rescued: true });
    await d.unrescue(ctx, ref(uuid));
    d.simulateGuest(uuid, 'shutdown');
    expect(seen.map((e) => e.transition)).toEqual(['STARTED', 'STOPPED', 'STARTED', 'STOPPED']);
  });

  it('spawn refuses what the memory hypervisor cannot do, changing nothing', async () => {
    const d = driver();
    expect(await codeOf(d.spawn(ctx, spawnRequest({ imageMeta: { diskFormat: 'ami' } })))).toBe('VALIDATION_FAILED');
    expect(await codeOf(d.spawn(ctx, spawnRequest({ accelInfo: [{ deviceProfile: 'gpu' }] })))).toBe('NOT_SUPPORTED');
    const first = spawnRequest();
    await d.spawn(ctx, first);
    expect(await codeOf(d.spawn(ctx, spawnRequest({ instance: { name: first.instance.name } })))).toBe('CONFLICT');
    expect(await d.countInstances(ctx)).toBe(1);
    expect(d.inspect().used.vcpus).toBe(2);
  });
});
