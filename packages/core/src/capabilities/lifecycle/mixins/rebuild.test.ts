import 'reflect-metadata';
import type { ImageDiskFormat } from '../../../model/image-meta.js';
import { PowerState } from '../../../model/power-state.js';
import { MapTestDriver } from '../../../testing/map-test-driver.js';
import type { RebuildRequest } from '../requests.js';
import { withRebuild } from './rebuild.js';

const UUID = '7b1c6f1e-2f3a-4b5c-8d9e-0a1b2c3d4e5f';
const ctx = {};
const instance = { uuid: UUID, name: 'a', flavor: { name: 'f', vcpus: 1, memoryMb: 64, rootGb: 1 } };

/** The SDK's default rebuild over a map driver; `_checkRebuild` refuses an image named 'refused'. */
class RebuildDriver extends withRebuild(MapTestDriver) {
  static override driverName = 'rebuild';
  static override imageTypes: readonly ImageDiskFormat[] = ['raw'];
  override states = new Map<string, PowerState>([[UUID, PowerState.SHUTDOWN]]);
  protected override async _checkRebuild(_c: unknown, r: RebuildRequest): Promise<void> {
    this.calls.push('check');
    if (r.imageMeta.name === 'refused') throw new Error('refused by the driver');
  }
}

function rebuild(d: RebuildDriver, imageMeta: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return d.rebuild(ctx, {
    instance,
    imageMeta,
    detachBlockDevices: async () => void d.calls.push('detach'),
    attachBlockDevices: async () => void d.calls.push('attach'),
    ...extra,
  } as RebuildRequest);
}

describe('the default rebuild refuses before anything destructive', () => {
  it('runs _checkRebuild first, then detach, destroy, attach, spawn: RUNNING', async () => {
    const d = new RebuildDriver();
    await rebuild(d, { name: 'ok', diskFormat: 'raw' });
    expect(d.calls).toEqual(['check', 'detach', 'attach']);
    expect(d.states.get(UUID)).toBe(PowerState.RUNNING);
  });

  it('a refusal of _checkRebuild runs no callback and keeps the instance', async () => {
    const d = new RebuildDriver();
    await expect(rebuild(d, { name: 'refused', diskFormat: 'raw' })).rejects.toThrow(/refused by the driver/);
    expect(d.calls).toEqual(['check']);
    expect(d.states.get(UUID)).toBe(PowerState.SHUTDOWN);
  });

  it('an image format outside imageTypes, or accelerators without the feature, is refused before any hook', async () => {
    const d = new RebuildDriver();
    await expect(rebuild(d, { name: 'ok', diskFormat: 'qcow2' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await expect(
      rebuild(d, { name: 'ok', diskFormat: 'raw' }, { accelInfo: [{ deviceProfile: 'gpu' }] }),
    ).rejects.toMatchObject({ code: 'NOT_SUPPORTED' });
    await expect(
      d.spawn(ctx, {
        instance: { ...instance, uuid: '1b1c6f1e-2f3a-4b5c-8d9e-0a1b2c3d4e5f' },
        imageMeta: {},
        accelInfo: [{ deviceProfile: 'gpu' }],
      }),
    ).rejects.toMatchObject({ code: 'NOT_SUPPORTED' });
    expect(d.calls).toEqual([]);
    expect([...d.states.values()]).toEqual([PowerState.SHUTDOWN]);
  });
});
