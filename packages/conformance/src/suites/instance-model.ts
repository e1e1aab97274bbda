import { PowerState, type InstanceInfo } from '@virtkit/core';
import { check, checkEqual, KitAssertionError } from '../kit/assertions.js';
import type { KitContext } from '../kit/kit-context.js';
import { defineSuite, type KitSuite } from '../kit/suite.js';

/**
 * What `getInfo` says about an instance over its life, beyond its state: CPU time (whole nanoseconds of CPU the guest
 * used: none before it ever ran, none added while it is stopped, never less than before while the same VM keeps
 * running), the hypervisor's internal id (an id: two instances never share one), the name of an unnamed instance,
 * and names freed by destroy. Also the console log, which is append-only (a later read starts with an earlier one).
 */
export const instanceModelSuite = defineSuite('core', [
  {
    name: 'internal ids of instances that exist at once differ, and each is a non-empty string when reported',
    async run(kit) {
      const uuids = [await kit.spawn(), await kit.spawn(), await kit.spawn()];
      const seen = new Map<string, string>();
      for (const uuid of uuids) {
        const { internalId } = await kit.driver.getInfo(kit.ctx, kit.ref(uuid));
        if (internalId === undefined) continue; // optional in getInfo
        check(
          typeof internalId === 'string' && internalId.length > 0,
          `getInfo(${uuid}).internalId must be a non-empty string, got ${JSON.stringify(internalId)}`,
        );
        const other = seen.get(internalId);
        check(other === undefined, `instances ${other} and ${uuid} report the same internal id '${internalId}'`);
        seen.set(internalId, uuid);
      }
    },
  },
  {
    name: 'instances spawned without a name are listed, each under a non-empty name of its own',
    async run(kit) {
      const unnamed = [0, 1].map(() => {
        const req = kit.spawnRequest();
        const { name: _name, ...instance } = req.instance;
        return { ...req, instance };
      });
      for (const req of unnamed) {
        kit.track(req.instance.uuid);
        await kit.driver.spawn(kit.ctx, req);
      }
      const names = await kit.driver.listInstances(kit.ctx);
      checkEqual(names.length, unnamed.length, 'listInstances: one name per instance');
      for (const name of names)
        check(typeof name === 'string' && name.length > 0, `an unnamed instance is listed as ${JSON.stringify(name)}`);
      check(names[0] !== names[1], `two unnamed instances are listed under one name '${names[0]}'`);
    },
  },
  {
    name: 'the name of a destroyed instance can be given to a new one',
    async run(kit) {
      const first = kit.spawnRequest();
      kit.track(first.instance.uuid);
      await kit.driver.spawn(kit.ctx, first);
      await kit.driver.destroy(kit.ctx, kit.ref(first.instance.uuid));
      const second = kit.spawnRequest();
      const reuse = { ...second, instance: { ...second.instance, name: first.instance.name } };
      kit.track(reuse.instance.uuid);
      await kit.driver.spawn(kit.ctx, reuse);
      await kit.expectState(reuse.instance.uuid, PowerState.RUNNING, 'spawn under the name of a destroyed instance');
      checkEqual(await kit.driver.listInstances(kit.ctx), [first.instance.name], 'listInstances');
    },
  },
]);

/** `lifecycle`: CPU time over power calls. */
export const instanceCpuTimeSuite = defineSuite('lifecycle', [
  {
    name: 'an instance spawned without power-on has used no CPU time, and a SHUTDOWN instance uses none',
    async run(kit) {
      const uuid = await kit.spawn({ powerOn: false });
      const never = await cpuTime(kit, uuid, 'the instance spawned without power-on');
      check(never === undefined || never === 0, `a guest that never ran reports CPU time ${never} ns, expected 0`);
      await letTimePass(kit);
      await expectCpuTime(kit, uuid, never, 'the instance spawned without power-on, a little later');
      await kit.driver.powerOn(kit.ctx, kit.ref(uuid));
      await kit.driver.powerOff(kit.ctx, kit.ref(uuid));
      const stopped = await cpuTime(kit, uuid, 'the instance after power on and power off');
      await letTimePass(kit);
      await expectCpuTime(kit, uuid, stopped, 'the SHUTDOWN instance, a little later');
    },
  },
  {
    name: 'CPU time of a RUNNING instance grows, and does not go backwards across pause, unpause and a SOFT reboot',
    async run(kit) {
      const uuid = await kit.spawn();
      const first = await cpuTime(kit, uuid, 'the RUNNING instance');
      if (first === undefined) return; // optional in getInfo
      let last = await cpuTimeGrown(kit, uuid, first);
      // [step, whether the guest runs after it (then its CPU time must grow before the next step)]
      const steps: [string, () => Promise<unknown>, boolean][] = [];
      if (kit.supports('lifecycle.pause'))
        steps.push(
          ['pause', () => kit.driver.pause(kit.ctx, kit.ref(uuid)), false],
          ['unpause', () => kit.driver.unpause(kit.ctx, kit.ref(uuid)), true],
        );
      // a soft reboot restarts the guest's OS, not its VM; after a HARD one (a new process on some hypervisors, e.g.
      // libvirt's destroy and start) CPU time may start again, as it may after power off and on: left open
      steps.push(['a SOFT reboot', () => kit.driver.reboot(kit.ctx, { ...kit.ref(uuid), rebootType: 'SOFT' }), true]);
      for (const [step, call, runs] of steps) {
        await call();
        const now = await cpuTime(kit, uuid, `the instance after ${step}`);
        check(now !== undefined && now >= last, `CPU time went backwards across ${step}: ${last} -> ${now} ns`);
        last = runs ? await cpuTimeGrown(kit, uuid, now) : now;
      }
    },
  },
]);

/** `diagnostics`: uptime over power calls. */
export const instanceUptimeSuite = defineSuite('diagnostics', [
  {
    name:
      'diagnostics uptime counts from boot: never longer than the instance has existed, >= 1 s after a second ' +
      'RUNNING, kept across pause and unpause, 0 once SHUTDOWN',
    async run(kit) {
      const start = Date.now();
      const uuid = await kit.spawn();
      await letTimePass(kit);
      const early = await uptime(kit, uuid);
      const bound = Math.ceil((Date.now() - start) / 1000) + 1;
      check(early <= bound, `uptime ${early} s of an instance spawned ${Date.now() - start} ms ago`);
      await letTimePass(kit, 1100); // uptime is in whole seconds
      check((await uptime(kit, uuid)) >= 1, 'uptime of a guest RUNNING for over a second is 0');
      await cpuTime(kit, uuid, 'the RUNNING instance after diagnostics reads');
      if (kit.supports('lifecycle.pause')) {
        await kit.driver.pause(kit.ctx, kit.ref(uuid));
        await kit.driver.unpause(kit.ctx, kit.ref(uuid));
        check((await uptime(kit, uuid)) >= 1, 'uptime started again at pause and unpause (the guest did not boot)');
      }
      await kit.driver.powerOff(kit.ctx, kit.ref(uuid));
      checkEqual(await uptime(kit, uuid), 0, 'uptime of a SHUTDOWN instance');
    },
  },
]);

/** `console.output`: the log over power calls. */
export const instanceConsoleLogSuite = defineSuite('console.output', [
  {
    name: 'console output is append-only: each read starts with what the one before showed (until truncated)',
    async run(kit) {
      const uuid = await kit.spawn();
      const steps: [string, () => Promise<void>][] = [
        ['power off', () => kit.driver.powerOff(kit.ctx, kit.ref(uuid))],
        ['power on', () => kit.driver.powerOn(kit.ctx, kit.ref(uuid))],
        ['a HARD reboot', () => kit.driver.reboot(kit.ctx, { ...kit.ref(uuid), rebootType: 'HARD' })],
        ['power off', () => kit.driver.powerOff(kit.ctx, kit.ref(uuid))],
      ];
      let before = await kit.driver.getConsoleOutput(kit.ctx, kit.ref(uuid));
      for (const [step, call] of steps) {
        await call();
        const after = await kit.driver.getConsoleOutput(kit.ctx, kit.ref(uuid));
        if (after.truncated) return; // the bounded tail may drop the start
        check(
          after.text.startsWith(before.text),
          `console output after ${step} does not start with the output read before it:\n` +
            `before: ${JSON.stringify(before.text)}\nafter: ${JSON.stringify(after.text)}`,
        );
        before = after;
      }
    },
  },
]);

/** Every suite of this file. */
export const INSTANCE_MODEL_SUITES: readonly KitSuite[] = [
  instanceModelSuite,
  instanceCpuTimeSuite,
  instanceUptimeSuite,
  instanceConsoleLogSuite,
];

/** getInfo's CPU time, checked to be whole nanoseconds >= 0 when reported. */
async function cpuTime(kit: KitContext, uuid: string, what: string): Promise<number | undefined> {
  const info: InstanceInfo = await kit.driver.getInfo(kit.ctx, kit.ref(uuid));
  const ns = info.cpuTimeNs;
  check(
    ns === undefined || (Number.isInteger(ns) && ns >= 0),
    `getInfo(${what}).cpuTimeNs must be whole nanoseconds >= 0, got ${JSON.stringify(ns)}`,
  );
  return ns;
}

/** Fail unless CPU time is still `expected`, read after a diagnostics read (which must not make a guest run). */
async function expectCpuTime(kit: KitContext, uuid: string, expected: number | undefined, what: string): Promise<void> {
  if (kit.supports('diagnostics')) await kit.driver.getInstanceDiagnostics(kit.ctx, kit.ref(uuid));
  const ns = await cpuTime(kit, uuid, what);
  check(ns === expected, `CPU time of ${what} moved while no guest ran: ${expected} -> ${ns} ns`);
}

/** Wait (bounded: ~3 s) until the running guest's CPU time passes `from`; its last reading. */
async function cpuTimeGrown(kit: KitContext, uuid: string, from: number): Promise<number> {
  for (let i = 0; i < 300; i++) {
    await letTimePass(kit, 10);
    const ns = await cpuTime(kit, uuid, 'the RUNNING instance');
    check(ns !== undefined && ns >= from, `CPU time of the RUNNING instance went backwards: ${from} -> ${ns} ns`);
    if (ns > from) return ns;
  }
  throw new KitAssertionError(`CPU time of the RUNNING instance stayed at ${from} ns for 3 s`);
}

async function uptime(kit: KitContext, uuid: string): Promise<number> {
  return (await kit.driver.getInstanceDiagnostics(kit.ctx, kit.ref(uuid))).uptimeSec;
}

/** Let the clock move a few milliseconds (past a millisecond-grained clock's tick). */
async function letTimePass(kit: KitContext, ms = 3): Promise<void> {
  await kit.settle(ms);
}
