// Type tests for supports() / requireCapability(), compiled against the built packages.
import { expectTypeOf } from 'expect-type';
import { requireCapability, supports, withCapability, type DriverBase, type OperationContext } from '@virtkit/core';
import { MemoryDriver } from '@virtkit/memory';
import { SampleDriver } from '@virtkit/sample-driver';

declare const loaded: DriverBase;
declare const sample: SampleDriver;
const ctx: OperationContext = {};
const instance = { uuid: '7b1c6f1e-2f3a-4b5c-8d9e-0a1b2c3d4e5f' };
const extend = { instance, connectionInfo: { driverVolumeType: 'file', data: {} }, newSizeBytes: 1024 };

// @ts-expect-error -- a driver typed DriverBase has no extendVolume
void loaded.extendVolume(ctx, extend);
// @ts-expect-error -- nor does the sample driver, whose type lacks volume.extend
void sample.extendVolume(ctx, extend);

if (supports(loaded, 'volume.extend')) {
  // after the guard, the capability's calls are callable with no cast
  void loaded.extendVolume(ctx, extend);
  expectTypeOf(loaded.extendVolume).returns.resolves.toBeVoid();
  // @ts-expect-error -- but only that capability's: pause is still not there
  void loaded.pause(ctx, { instance });
  // @ts-expect-error -- and requests stay typed
  void loaded.extendVolume(ctx, { instance, newSizeBytes: 'big' });
}

if (supports(sample, 'lifecycle.suspend')) {
  void sample.suspend(ctx, { instance });
  void sample.pause(ctx, { instance }); // what the class already had stays
}

export async function asserted(driver: DriverBase): Promise<void> {
  requireCapability(driver, 'console.vnc');
  const vnc = await driver.getVncConsole(ctx, { instance });
  expectTypeOf(vnc.kind).toEqualTypeOf<'vnc'>();
  expectTypeOf(vnc.port).toBeNumber();
  await withCapability(driver, 'lifecycle.pause').unpause(ctx, { instance });
}

// @ts-expect-error -- capability names are checked
void supports(loaded, 'volume.shrink');

// The full reference driver has every capability on its type, no guard needed.
declare const memory: MemoryDriver;
void memory.extendVolume(ctx, extend);
void memory.liveMigrationAbort(ctx, { instance });
