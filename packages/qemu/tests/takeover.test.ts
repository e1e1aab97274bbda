import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PowerState, type LifecycleEvent } from '@virtkit/core';
import { NO_OS_IMAGE, QemuDriver } from '../src/index.js';
import { pidAlive, pollUntil, processesMentioning } from '../src/runtime/proc-utils.js';
import { itUnless } from './helpers/it-unless.js';
import { findExecutable } from './helpers/qemu-process.js';

const qemuIt = itUnless(
  findExecutable('qemu-system-x86_64') ? undefined : 'qemu-system-x86_64 is not installed',
  'QEMU takeover tests',
);
const ctx = {};
const flavor = { name: 'tiny', vcpus: 1, memoryMb: 64, rootGb: 1 };

describe('instances outlive their driver and are taken over from the state directory', () => {
  let stateDir: string;
  const drivers: QemuDriver[] = [];
  const driver = (options: Record<string, unknown> = {}): QemuDriver => {
    const d = new QemuDriver({ hostname: 'takeover-host', options: { stateDir, ...options } });
    drivers.push(d);
    return d;
  };
  const spawn = async (d: QemuDriver, powerOn = true): Promise<string> => {
    const uuid = randomUUID();
    await d.spawn(ctx, { instance: { uuid, name: `t-${uuid.slice(0, 8)}`, flavor }, imageMeta: NO_OS_IMAGE, powerOn });
    return uuid;
  };
  const ref = (uuid: string) => ({ instance: { uuid } });

  beforeEach(() => {
    stateDir = mkdtempSync(join(tmpdir(), 'virtkit-qemu-takeover-'));
  });
  afterEach(async () => {
    // whatever a failed test left: stop it through a driver, then kill what still mentions the directory
    for (const d of drivers.splice(0)) await d.close().catch(() => undefined);
    const last = new QemuDriver({ options: { stateDir } });
    await last.initHost(ctx, { host: 'cleanup' }).catch(() => undefined);
    await last.close().catch(() => undefined);
    for (const pid of processesMentioning(stateDir)) process.kill(pid, 'SIGKILL');
    rmSync(stateDir, { recursive: true, force: true });
  });

  qemuIt(
    'a new driver finds running, paused, stopped, suspended and dead instances as they are',
    async () => {
      const first = driver({ keepInstancesOnCleanup: true });
      await first.initHost(ctx, { host: 'takeover-host' });
      const [paused, dead, stopped, suspended] = [
        await spawn(first),
        await spawn(first),
        await spawn(first, false),
        await spawn(first),
      ];
      await first.pause(ctx, ref(paused));
      await first.suspend(ctx, ref(suspended));
      const deadPid = processesMentioning(join(stateDir, dead))[0]!;
      await first.close(); // the driver goes away, its instances stay
      expect(processesMentioning(join(stateDir, paused))).toHaveLength(1);
      process.kill(deadPid, 'SIGKILL');
      expect(await pollUntil(() => !pidAlive(deadPid), 5000)).toBe(true);

      const second = driver();
      await second.initHost(ctx, { host: 'takeover-host' });
      expect((await second.listInstanceUuids(ctx)).sort()).toEqual([paused, dead, stopped, suspended].sort());
      const states = await Promise.all(
        [paused, dead, stopped, suspended].map(async (u) => (await second.getInfo(ctx, ref(u))).state),
      );
      expect(states).toEqual([PowerState.PAUSED, PowerState.CRASHED, PowerState.SHUTDOWN, PowerState.SUSPENDED]);

      const events: LifecycleEvent[] = [];
      second.on('lifecycle', (e) => void events.push(e));
      await second.unpause(ctx, ref(paused));
      await second.resume(ctx, ref(suspended));
      await second.powerOn(ctx, ref(dead));
      expect(events.map((e) => [e.instanceUuid, e.transition])).toEqual([
        [paused, 'RESUMED'],
        [suspended, 'RESUMED'],
        [dead, 'STARTED'],
      ]);
      for (const uuid of [paused, dead, suspended])
        expect((await second.getInfo(ctx, ref(uuid))).state).toBe(PowerState.RUNNING);

      await second.close(); // keepInstancesOnCleanup is off: every process stops
      expect(processesMentioning(stateDir)).toEqual([]);
      const third = driver();
      await third.initHost(ctx, { host: 'takeover-host' });
      expect((await third.getInfo(ctx, ref(paused))).state).toBe(PowerState.SHUTDOWN);
      for (const uuid of [paused, dead, stopped, suspended]) await third.destroy(ctx, ref(uuid));
      expect(await third.listInstanceUuids(ctx)).toEqual([]);
    },
    120_000,
  );

  qemuIt(
    'one driver per state directory: a second one is CONFLICT until the first lets go',
    async () => {
      const first = driver();
      await first.initHost(ctx, { host: 'takeover-host' });
      const second = driver();
      await expect(second.initHost(ctx, { host: 'takeover-host' })).rejects.toMatchObject({ code: 'CONFLICT' });
      await first.close();
      await second.initHost(ctx, { host: 'takeover-host' });
    },
    60_000,
  );

  qemuIt(
    'an exit nobody asked for is reported CRASHED, never a stale RUNNING',
    async () => {
      const d = driver();
      await d.initHost(ctx, { host: 'takeover-host' });
      const uuid = await spawn(d);
      const events: LifecycleEvent[] = [];
      d.on('lifecycle', (e) => void events.push(e));
      for (const pid of processesMentioning(join(stateDir, uuid))) process.kill(pid, 'SIGKILL');
      expect(await pollUntil(() => events.length > 0, 10_000)).toBe(true);
      expect(events.map((e) => [e.transition, e.state])).toEqual([['STOPPED', PowerState.CRASHED]]);
      expect((await d.getInfo(ctx, ref(uuid))).state).toBe(PowerState.CRASHED);
      await d.powerOn(ctx, ref(uuid));
      expect((await d.getInfo(ctx, ref(uuid))).state).toBe(PowerState.RUNNING);
      await d.destroy(ctx, ref(uuid));
    },
    60_000,
  );
});
