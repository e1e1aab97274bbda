// Type tests for the caller API of issue #18 (views, guards, typed options, events), compiled against dist.
import { expectTypeOf } from 'expect-type';
import {
  createDriver,
  eventsSince,
  listInstanceStates,
  loadDriver,
  nodeResources,
  supportsAll,
  waitForState,
  type DriverBase,
  type DriverDefinition,
  type DriverOptionsOf,
  type DriverWith,
  type LifecycleEvent,
  type OperationContext,
  type PowerState,
} from '@virtkit/core';
import memory, { type MemoryConfig, type MemoryDriverCore } from '@virtkit/memory';

declare const loaded: DriverBase;
const ctx: OperationContext = {};
const instance = { uuid: '7b1c6f1e-2f3a-4b5c-8d9e-0a1b2c3d4e5f' };
const extend = { instance, connectionInfo: { driverVolumeType: 'file', data: {} }, newSizeBytes: 1024 };

// DriverWith<'a' | 'b'>: any driver with all of them
declare const both: DriverWith<'volume' | 'volume.extend'>;
void both.extendVolume(ctx, extend);
void both.attachVolume(ctx, { instance, connectionInfo: extend.connectionInfo, mountpoint: 'vdb' });
// @ts-expect-error -- and nothing else
void both.pause(ctx, { instance });
// the two-argument form still narrows a given driver type
declare const narrowed: DriverWith<MemoryDriverCore, 'lifecycle.pause'>;
void narrowed.pause(ctx, { instance });
expectTypeOf(narrowed.inspect).toBeFunction();

if (supportsAll(loaded, ['volume', 'volume.extend'])) {
  void loaded.extendVolume(ctx, extend);
  // @ts-expect-error -- only what was checked
  void loaded.suspend(ctx, { instance });
}
// @ts-expect-error -- capability names are checked
void supportsAll(loaded, ['volume', 'volume.shrink']);

// views
export async function views(driver: DriverBase, inv: DriverWith<'inventory'>): Promise<void> {
  const listing = await listInstanceStates(driver, ctx);
  expectTypeOf(listing.sequence).toBeNumber();
  expectTypeOf(listing.instances[0]!.state).toEqualTypeOf<PowerState>();
  const [node] = await nodeResources(inv, ctx);
  expectTypeOf(node!.resources.VCPU!.free).toBeNumber();
  // @ts-expect-error -- the resource view needs the inventory capability
  await nodeResources(driver, ctx);
  expectTypeOf(
    await waitForState(driver, instance.uuid, 1 as PowerState, { timeout: 1000 }),
  ).toEqualTypeOf<PowerState>();
  const replay = eventsSince(driver, listing.sequence);
  expectTypeOf(replay.complete).toBeBoolean();
  expectTypeOf(replay.events).toEqualTypeOf<LifecycleEvent[]>();
  expectTypeOf(replay.events[0]!.host).toBeString();
  expectTypeOf(replay.events[0]!.peerHost).toEqualTypeOf<string | undefined>();
}

// typed options: the definition's options type flows to createDriver and loadDriver
export async function options(): Promise<void> {
  const d = await createDriver(memory, {
    hostname: 'h1',
    options: { capabilities: ['lifecycle'], host: { vcpus: 8 } },
  });
  expectTypeOf(d).toEqualTypeOf<MemoryDriverCore>();
  // @ts-expect-error -- a misspelled option is a compile error where the definition is known
  await createDriver(memory, { options: { capabilites: ['lifecycle'] } });
  // @ts-expect-error -- and so is a bad capability name
  await createDriver(memory, { options: { capabilities: ['volume.shrink'] } });
  const { driver } = await loadDriver<typeof memory>('@virtkit/memory', {
    options: { consoleOutputLimit: 4096 } satisfies MemoryConfig,
  });
  expectTypeOf(driver).toEqualTypeOf<MemoryDriverCore>();
  // @ts-expect-error -- loadDriver with the definition's type checks option names too
  await loadDriver<typeof memory>('@virtkit/memory', { options: { consoleOutputLimt: 4096 } });
  // without a definition type, any record goes (checked at run time)
  await loadDriver('@virtkit/memory', { options: { anything: 1 } });
  // every definition is a DriverDefinition whatever its options type (its default reads them as a plain record)
  expectTypeOf(memory).toExtend<DriverDefinition>();
  expectTypeOf<DriverOptionsOf<typeof memory>>().toEqualTypeOf<MemoryConfig>();
  expectTypeOf<DriverOptionsOf<DriverDefinition>>().toEqualTypeOf<Record<string, unknown>>();
  expectTypeOf<DriverOptionsOf<DriverBase>>().toEqualTypeOf<Record<string, unknown>>();
  // @ts-expect-error -- a definition's options type is its own: memory's options are not another driver's
  expectTypeOf(memory).toExtend<DriverDefinition<DriverBase, { socketPath: string }>>();
}
