import 'reflect-metadata';
import type { OperationContext } from '../../context/operation-context.js';
import type { ProgressReport } from '../../model/migration.js';
import { PowerState } from '../../model/power-state.js';
import { SnapshotPhase, withImageCache, withImageSnapshot } from './index.js';
import type { ManageImageCacheRequest } from './index.js';
import { MapTestDriver } from '../../testing/map-test-driver.js';

const UUID = '7b1c6f1e-2f3a-4b5c-8d9e-0a1b2c3d4e5f';
const instance = { uuid: UUID };

class TinyBase extends MapTestDriver {
  override states = new Map<string, PowerState>([[UUID, PowerState.RUNNING]]);
}

/** Reports a scripted (badly behaved) progress sequence, then succeeds or fails. */
class SnapDriver extends withImageSnapshot(TinyBase) {
  script: ProgressReport[] = [];
  fail = false;
  protected async _snapshot(ctx: OperationContext, r: { imageId: string }) {
    for (const p of this.script) ctx.onProgress!(p);
    if (this.fail) throw new Error('upload failed');
    this.calls.push(`snapshot:${r.imageId}`);
  }
}

class CleaningDriver extends SnapDriver {
  protected override async _postInterruptedSnapshotCleanup() {
    this.calls.push('cleanup');
  }
}

class CacheDriver extends withImageCache(TinyBase) {
  seen = 0;
  protected async _manageImageCache(_c: unknown, r: ManageImageCacheRequest) {
    this.seen = r.allInstances.length;
  }
}

function collect(): { ctx: OperationContext; seen: ProgressReport[] } {
  const seen: ProgressReport[] = [];
  return { ctx: { onProgress: (p) => seen.push(p) }, seen };
}

describe('image family', () => {
  it('advertises each applied capability and refuses the other', async () => {
    expect(new SnapDriver().capabilities.capabilities['image.snapshot']).toBe(true);
    expect(new SnapDriver().capabilities.capabilities['image.cache']).toBe(false);
    const d = new SnapDriver() as any;
    await expect(d.manageImageCache({}, { allInstances: [] })).rejects.toMatchObject({
      code: 'NOT_SUPPORTED',
      capability: 'image.cache',
    });
    expect(new CacheDriver().capabilities.capabilities['image.cache']).toBe(true);
  });

  it('makes progress monotonic, below 100 until the end, and ends at exactly one 100', async () => {
    const d = new SnapDriver();
    d.script = [
      { percent: 10, phase: SnapshotPhase.PENDING_UPLOAD },
      { percent: 5, phase: SnapshotPhase.PENDING_UPLOAD },
      { percent: Number.NaN },
      { percent: 100, phase: SnapshotPhase.UPLOADING },
      { percent: 150, phase: SnapshotPhase.UPLOADING },
    ];
    const { ctx, seen } = collect();
    await d.snapshot(ctx, { instance, imageId: 'img-1' });
    expect(seen.map((p) => p.percent)).toEqual([10, 10, 10, 99, 99, 100]);
    expect(seen.filter((p) => p.percent === 100)).toEqual([{ percent: 100, phase: 'complete' }]);
    expect(d.calls).toEqual(['snapshot:img-1']);
  });

  it('reports 100 even when the driver reports nothing, and survives a throwing listener', async () => {
    const d = new SnapDriver();
    const { ctx, seen } = collect();
    await d.snapshot(ctx, { instance, imageId: 'img-1' });
    expect(seen).toEqual([{ percent: 100, phase: 'complete' }]);
    d.script = [{ percent: 50 }];
    await expect(
      d.snapshot(
        {
          onProgress: () => {
            throw new Error('bad listener');
          },
        },
        { instance, imageId: 'img-2' },
      ),
    ).resolves.toBeUndefined();
    await expect(d.snapshot({}, { instance, imageId: 'img-3' })).resolves.toBeUndefined();
  });

  it('snapshots from RUNNING, PAUSED, SUSPENDED and SHUTDOWN, not from CRASHED or NOSTATE', async () => {
    const d = new SnapDriver();
    for (const state of [PowerState.RUNNING, PowerState.PAUSED, PowerState.SUSPENDED, PowerState.SHUTDOWN]) {
      d.states.set(UUID, state);
      await d.snapshot({}, { instance, imageId: `img-${state}` });
    }
    expect(d.calls).toHaveLength(4);
    for (const state of [PowerState.CRASHED, PowerState.NOSTATE]) {
      d.states.set(UUID, state);
      const { ctx, seen } = collect();
      await expect(d.snapshot(ctx, { instance, imageId: 'img-x' })).rejects.toMatchObject({ code: 'INVALID_STATE' });
      expect(seen).toEqual([]);
    }
    expect(d.calls).toHaveLength(4);
  });

  it('runs the interrupted-snapshot cleanup on failure and never reports 100', async () => {
    const d = new CleaningDriver();
    d.script = [{ percent: 40, phase: SnapshotPhase.UPLOADING }];
    d.fail = true;
    const { ctx, seen } = collect();
    await expect(d.snapshot(ctx, { instance, imageId: 'img-1' })).rejects.toMatchObject({ code: 'DRIVER_ERROR' });
    expect(seen.map((p) => p.percent)).toEqual([40]);
    expect(d.calls).toEqual(['cleanup']);
  });

  it('gives a no-op default cleanup that tolerates an unknown instance', async () => {
    const d = new SnapDriver();
    await expect(d.postInterruptedSnapshotCleanup({}, { instance })).resolves.toBeUndefined();
    d.states.clear();
    await expect(d.postInterruptedSnapshotCleanup({}, { instance })).resolves.toBeUndefined();
  });

  it('validates snapshot and cache requests with field paths', async () => {
    const d = new SnapDriver() as any;
    const snap = await d.snapshot({}, { instance: { uuid: 'x' } }).catch((e: any) => e);
    expect(snap.code).toBe('VALIDATION_FAILED');
    expect(snap.paths).toEqual(expect.arrayContaining(['instance.uuid', 'imageId']));
    const c = new CacheDriver() as any;
    const cache = await c
      .manageImageCache({}, { allInstances: [{ uuid: UUID }, { uuid: 'bad' }] })
      .catch((e: any) => e);
    expect(cache.paths).toEqual(['allInstances.1.uuid']);
    await c.manageImageCache({}, { allInstances: [{ uuid: UUID, imageRef: 'img-1' }] });
    expect(c.seen).toBe(1);
  });
});
