import { randomUUID } from 'node:crypto';
import { AbortedError, isVirtkitError, type OperationContext } from '@virtkit/core';
import { MemoryDriver, MemoryFabric } from '@virtkit/memory';
import { recordReliability } from './reliability-summary';

// Issue "Hardening" part 4: one call at a time per instance in arrival order, parallel across instances,
// no lost update under many concurrent spawns and destroys, and aborts that release everything.

const ctx = {};
const FLAVOR = { name: 'm1.conc', vcpus: 1, memoryMb: 64, rootGb: 1 };
const IMG = { diskFormat: 'raw' as const };
const tick = (ms = 0): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface HookRecord {
  uuid: string;
  hook: string;
  seq: number;
  phase: 'enter' | 'exit';
}

/** A memory driver whose hooks record entry and exit and yield in between, so overlaps would show. */
class RecordingDriver extends MemoryDriver {
  readonly log: HookRecord[] = [];
  active = 0;
  maxActive = 0;
  async #around<T>(hook: string, req: any, work: () => Promise<T>, c?: OperationContext): Promise<T> {
    const uuid = req?.instance?.uuid ?? '-';
    // the arrival number travels in the context (hooks get a validated copy of the request, without extra fields)
    const seq = c?.requestId?.startsWith('seq-') ? Number(c.requestId.slice(4)) : -1;
    this.log.push({ uuid, hook, seq, phase: 'enter' });
    this.maxActive = Math.max(this.maxActive, ++this.active);
    try {
      await tick(1);
      return await work();
    } finally {
      this.active--;
      this.log.push({ uuid, hook, seq, phase: 'exit' });
    }
  }
  protected override _spawn(c: OperationContext, r: any): Promise<void> {
    return this.#around('spawn', r, () => super._spawn(c, r), c);
  }
  protected override _destroy(c: OperationContext, r: any): Promise<void> {
    return this.#around('destroy', r, () => super._destroy(c, r), c);
  }
  protected override _pause(c: OperationContext, r: any): Promise<void> {
    return this.#around('pause', r, () => super._pause(c, r), c);
  }
  protected override _unpause(c: OperationContext, r: any): Promise<void> {
    return this.#around('unpause', r, () => super._unpause(c, r), c);
  }
  protected override _powerOff(c: OperationContext, r: any): Promise<void> {
    return this.#around('powerOff', r, async () => super._powerOff(c, r), c);
  }
  protected override _powerOn(c: OperationContext, r: any): Promise<void> {
    return this.#around('powerOn', r, async () => super._powerOn(c, r), c);
  }
  protected override _setBootable(c: OperationContext, r: any): Promise<void> {
    return this.#around('setBootable', r, () => super._setBootable(c, r), c);
  }
}

const spawnReq = (uuid: string): any => ({
  instance: { uuid, name: `c-${uuid.slice(0, 8)}`, flavor: FLAVOR },
  imageMeta: IMG,
});
const used = async (d: any): Promise<number[]> => {
  const r = await d.getAvailableResource(ctx, { nodename: d.hostname });
  return [r.vcpusUsed, r.memoryMbUsed, r.localGbUsed];
};
const codeOf = (p: Promise<unknown>): Promise<string> =>
  p.then(
    () => 'ok',
    (e) => (isVirtkitError(e) ? e.code : String(e)),
  );

describe('concurrency', () => {
  const figures: Record<string, unknown> = {};
  afterAll(() => recordReliability('concurrency', figures));

  it('100 concurrent calls on one instance run one at a time, in arrival order', async () => {
    const d = new RecordingDriver({ hostname: 'conc-one' });
    const uuid = randomUUID();
    await d.spawn(ctx, spawnReq(uuid));
    d.log.length = 0;
    // setBootable always reaches its hook (no state rule): 100 of them, tagged with their arrival number
    const calls = Array.from({ length: 100 }, (_, seq) =>
      d.setBootable({ requestId: `seq-${seq}` }, { instance: { uuid }, bootable: seq % 2 === 0 }),
    );
    await Promise.all(calls);
    expect(d.maxActive).toBe(1);
    const entered = d.log.filter((r) => r.phase === 'enter').map((r) => r.seq);
    expect(entered).toEqual(Array.from({ length: 100 }, (_, i) => i));
    for (let i = 0; i < d.log.length; i += 2)
      expect([d.log[i]!.phase, d.log[i + 1]!.phase, d.log[i]!.seq]).toEqual(['enter', 'exit', d.log[i + 1]!.seq]);
    figures.serialisedCallsOnOneInstance = calls.length;
  });

  it('mixed power calls on one instance never overlap and end in the state the arrival order gives', async () => {
    const d = new RecordingDriver({ hostname: 'conc-mixed' });
    const uuid = randomUUID();
    await d.spawn(ctx, spawnReq(uuid));
    const ops = [
      'pause',
      'unpause',
      'powerOff',
      'powerOn',
      'pause',
      'powerOff',
      'powerOn',
      'pause',
      'unpause',
      'pause',
    ];
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => codeOf((d as any)[ops[i % ops.length]!](ctx, { instance: { uuid } }))),
    );
    expect(d.maxActive).toBe(1);
    expect(results.every((c) => c === 'ok')).toBe(true);
    // PAUSED: the last call, in arrival order, is a pause
    expect((await d.getInfo(ctx, { instance: { uuid } })).state).toBe(3);
  });

  it('calls on different instances run in parallel', async () => {
    const d = new RecordingDriver({ hostname: 'conc-many' });
    const uuids = Array.from({ length: 20 }, () => randomUUID());
    await Promise.all(uuids.map((u) => d.spawn(ctx, spawnReq(u))));
    const spawnOverlap = d.maxActive;
    d.maxActive = 0;
    await Promise.all(uuids.map((u) => d.pause(ctx, { instance: { uuid: u } })));
    expect(spawnOverlap).toBeGreaterThan(1);
    expect(d.maxActive).toBeGreaterThan(1);
    figures.parallelHooksObserved = Math.max(spawnOverlap, d.maxActive);
  });

  it('220 concurrent spawns (20 of a uuid already being spawned) and 100 concurrent destroys leave exactly the instances and claims arrival order gives', async () => {
    const d = new RecordingDriver({ hostname: 'conc-registry' });
    const base = await used(d);
    const uuids = Array.from({ length: 200 }, () => randomUUID());
    const spawns = uuids.map((u) => d.spawn(ctx, spawnReq(u)));
    const destroys = uuids.filter((_, i) => i % 2 === 0).map((u) => d.destroy(ctx, { instance: { uuid: u } }));
    const dupes = uuids.slice(0, 20).map((u) => codeOf(d.spawn(ctx, spawnReq(u))));
    await Promise.all([...spawns, ...destroys]);
    const dupeCodes = await Promise.all(dupes);
    // the second spawns of the first 20 uuids queue behind their first spawn (and, for even ones, their destroy)
    const expected = uuids.filter((_, i) => i % 2 === 1 || i < 20);
    expect(await d.countInstances(ctx)).toBe(110);
    expect(new Set(await d.listInstanceUuids(ctx))).toEqual(new Set(expected));
    expect(await used(d)).toEqual([
      base[0]! + 110 * FLAVOR.vcpus,
      base[1]! + 110 * FLAVOR.memoryMb,
      base[2]! + 110 * FLAVOR.rootGb,
    ]);
    // the same request again: re-created after its destroy (even), or a retry that changes nothing (odd, #18)
    expect(dupeCodes.every((c) => c === 'ok')).toBe(true);
    await Promise.all((await d.listInstanceUuids(ctx)).map((u) => d.destroy(ctx, { instance: { uuid: u } })));
    expect(await used(d)).toEqual(base);
    expect(d.inspect().instances).toBe(0);
    figures.concurrentSpawns = 220;
    figures.concurrentDestroys = 100;
    figures.lostUpdates = 0;
  });

  describe('abort through AbortSignal releases everything', () => {
    it('an already-aborted spawn creates nothing and claims nothing', async () => {
      const d = new MemoryDriver({ hostname: 'abort-pre' });
      const base = await used(d);
      const uuid = randomUUID();
      expect(await codeOf(d.spawn({ signal: AbortSignal.abort() }, spawnReq(uuid)))).toBe('ABORTED');
      expect(await d.instanceExists(ctx, { instance: { uuid } })).toBe(false);
      expect(await used(d)).toEqual(base);
    });

    it('a spawn aborted while its hook runs is cleaned up: no instance, no claim; the uuid can be spawned again', async () => {
      class SlowBoot extends MemoryDriver {
        protected override async _spawn(c: OperationContext, r: any): Promise<void> {
          await super._spawn(c, r); // resources claimed, guest created
          await new Promise<void>((resolve, reject) => {
            if (c.signal?.aborted) return reject(new AbortedError('spawn'));
            c.signal?.addEventListener('abort', () => reject(new AbortedError('spawn')), { once: true });
            setTimeout(resolve, 5_000).unref();
          });
        }
      }
      const d = new SlowBoot({ hostname: 'abort-mid' });
      const base = await used(d);
      const uuid = randomUUID();
      const controller = new AbortController();
      const pending = codeOf(d.spawn({ signal: controller.signal }, spawnReq(uuid)));
      await tick(5);
      controller.abort();
      expect(await pending).toBe('ABORTED');
      await tick(5); // the driver's own cleanup finishes after the caller was answered
      expect(await d.instanceExists(ctx, { instance: { uuid } })).toBe(false);
      expect(await used(d)).toEqual(base);
      await new MemoryDriver({ hostname: 'abort-mid-2' }).spawn(ctx, spawnReq(uuid));
    });

    it('a call aborted while queued behind another never runs, and later calls on the instance proceed', async () => {
      const d = new RecordingDriver({ hostname: 'abort-queued' });
      const uuid = randomUUID();
      await d.spawn(ctx, spawnReq(uuid));
      d.log.length = 0;
      const controller = new AbortController();
      const first = d.pause(ctx, { instance: { uuid } });
      const aborted = codeOf(d.powerOff({ signal: controller.signal }, { instance: { uuid } }));
      controller.abort();
      expect(await aborted).toBe('ABORTED');
      await first;
      await d.unpause(ctx, { instance: { uuid } });
      expect(d.log.filter((r) => r.phase === 'enter').map((r) => r.hook)).toEqual(['pause', 'unpause']);
      expect((await d.getInfo(ctx, { instance: { uuid } })).state).toBe(1);
      const deadline = await codeOf(d.powerOff({ deadline: Date.now() - 1 }, { instance: { uuid } }));
      expect(deadline).toBe('TIMEOUT');
      expect((await d.getInfo(ctx, { instance: { uuid } })).state).toBe(1);
    });

    it('a live migration aborted through its signal stays on the source; rollback frees the destination claim', async () => {
      const fabric = new MemoryFabric();
      const config = { fabric, migration: { steps: 200, stepDelayMs: 5 } };
      const [a, b] = [
        new MemoryDriver({ hostname: 'abort-src' }, config),
        new MemoryDriver({ hostname: 'abort-dst' }, config),
      ];
      const [baseA, baseB] = [await used(a), await used(b)];
      const uuid = randomUUID();
      await a.spawn(ctx, spawnReq(uuid));
      const instance = { uuid, flavor: FLAVOR };
      const destCheckData = await b.checkCanLiveMigrateDestination(ctx, {
        instance,
        srcComputeInfo: {},
        dstComputeInfo: {},
      });
      const source = await a.checkCanLiveMigrateSource(ctx, { instance, destCheckData });
      const migrateData = await b.preLiveMigration(ctx, { instance, migrateData: source });
      expect(await used(b)).not.toEqual(baseB);
      const controller = new AbortController();
      const migration = codeOf(
        a.liveMigration({ signal: controller.signal }, { instance, dest: 'abort-dst', migrateData }),
      );
      await tick(20);
      controller.abort();
      expect(await migration).toBe('ABORTED');
      await b.rollbackLiveMigrationAtDestination(ctx, { instance });
      await tick(20);
      expect(await a.instanceExists(ctx, { instance: { uuid } })).toBe(true);
      expect(await b.instanceExists(ctx, { instance: { uuid } })).toBe(false);
      expect(await used(b)).toEqual(baseB);
      expect(a.inspect().liveMigrations).toBe(0);
      await a.pause(ctx, { instance: { uuid } }); // the instance's queue is free again
      await a.destroy(ctx, { instance: { uuid } });
      expect(await used(a)).toEqual(baseA);
    });

    it('a snapshot aborted midway leaves no partial image', async () => {
      const d = new MemoryDriver({ hostname: 'abort-snap' }, { snapshot: { steps: 100, stepDelayMs: 5 } });
      const uuid = randomUUID();
      await d.spawn(ctx, spawnReq(uuid));
      const controller = new AbortController();
      d.fabric.createImage('img-aborted');
      const snap = codeOf(d.snapshot({ signal: controller.signal }, { instance: { uuid }, imageId: 'img-aborted' }));
      await tick(15);
      controller.abort();
      expect(await snap).toBe('ABORTED');
      await tick(30);
      expect(d.fabric.images.get('img-aborted')).toEqual({ id: 'img-aborted', status: 'queued' }); // as the caller created it
      await d.powerOff(ctx, { instance: { uuid } });
    });
  });
});
