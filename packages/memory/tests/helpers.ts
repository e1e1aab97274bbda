import { randomBytes, randomUUID } from 'node:crypto';
import { isVirtkitError, type Flavor, type ImageMeta, type LifecycleEvent, type Vif } from '@virtkit/core';
import { MemoryDriver, MemoryFabric, type MemoryConfig } from '@virtkit/memory';

export const ctx = {};
export const FLAVOR: Flavor = { name: 'm1.small', vcpus: 2, memoryMb: 2048, rootGb: 20 };
export const IMAGE: ImageMeta = { id: 'cirros', diskFormat: 'qcow2' };
export const GIB = 1024 ** 3;

/** A memory driver with a small default host unless told otherwise. */
export function driver(config: MemoryConfig = {}, hostname = `h-${randomUUID().slice(0, 6)}`): MemoryDriver {
  return new MemoryDriver({ hostname }, config);
}

/** Two hosts on one fabric. */
export function pair(config: MemoryConfig = {}): { fabric: MemoryFabric; a: MemoryDriver; b: MemoryDriver } {
  const fabric = new MemoryFabric();
  const fast = { migration: { steps: 5, stepDelayMs: 5 }, ...config, fabric };
  return {
    fabric,
    a: new MemoryDriver({ hostname: 'host-a' }, fast),
    b: new MemoryDriver({ hostname: 'host-b' }, fast),
  };
}

/** A spawn request with a fresh uuid. */
export function spawnRequest(overrides: Record<string, any> = {}): any {
  const uuid = randomUUID();
  const { instance, ...rest } = overrides;
  return { instance: { uuid, name: `vm-${uuid.slice(0, 8)}`, flavor: FLAVOR, ...instance }, imageMeta: IMAGE, ...rest };
}

/** Spawn and return the uuid. */
export async function spawn(d: any, overrides: Record<string, any> = {}): Promise<string> {
  const req = spawnRequest(overrides);
  await d.spawn(ctx, req);
  return req.instance.uuid;
}

export function ref(uuid: string): { instance: { uuid: string } } {
  return { instance: { uuid } };
}

export async function state(d: any, uuid: string): Promise<number> {
  return (await d.getInfo(ctx, ref(uuid))).state;
}

export function vif(overrides: Partial<Vif> = {}): Vif {
  const mac = `52:54:00:${[...randomBytes(3)].map((b) => b.toString(16).padStart(2, '0')).join(':')}`;
  return { id: randomUUID(), address: mac, type: 'ovs', network: { id: 'net', label: 'net' }, ...overrides };
}

export function volume(
  sizeBytes = GIB,
  volumeId: string = randomUUID(),
): { driverVolumeType: string; data: Record<string, unknown> } {
  return { driverVolumeType: 'memory', data: { volumeId, sizeBytes } };
}

/** Resolve to the error code of a rejected call (fails the test when it resolves). */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isVirtkitError(error)) return error.code;
    throw error;
  }
  throw new Error('expected the call to fail');
}

/** Record lifecycle events. */
export function events(d: any): LifecycleEvent[] {
  const seen: LifecycleEvent[] = [];
  d.on('lifecycle', (e: LifecycleEvent) => seen.push(e));
  return seen;
}
