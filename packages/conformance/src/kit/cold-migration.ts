import { randomUUID } from 'node:crypto';
import {
  PowerState,
  isVirtkitError,
  type FinishMigrationRequest,
  type Flavor,
  type InstanceDiskInfo,
  type Migration,
} from '@virtkit/core';
import { check, KitAssertionError } from './assertions.js';
import type { KitContext, KitDriver, MigrationPair } from './kit-context.js';

// The orchestrator's steps of a cold migration between the hosts of a migration pair, and the usage it moves.

const { RUNNING, SHUTDOWN } = PowerState;

/** A migration record between the pair's hosts, with a fresh id. */
export function newMigration(pair: MigrationPair): Migration {
  return {
    id: `kit-${randomUUID()}`,
    sourceCompute: pair.sourceHost,
    destCompute: pair.destinationHost,
    migrationType: 'migration',
  };
}

/**
 * migrateDiskAndPowerOff on the source (SHUTDOWN after), then finishMigration on the destination; returns the
 * migration.
 */
export async function moveDisks(
  kit: KitContext,
  pair: MigrationPair,
  uuid: string,
  powerOn = true,
): Promise<Migration> {
  const migration = newMigration(pair);
  const diskInfo = await pair.source.migrateDiskAndPowerOff(kit.ctx, {
    ...kit.full(uuid),
    dest: pair.destinationHost,
    flavor: kit.flavor,
  });
  check(Array.isArray(diskInfo), `migrateDiskAndPowerOff must return the disks, got ${JSON.stringify(diskInfo)}`);
  await kit.expectState(uuid, SHUTDOWN, 'migrateDiskAndPowerOff', pair.source);
  await pair.destination.finishMigration(kit.ctx, {
    ...kit.full(uuid),
    migration,
    diskInfo,
    imageMeta: kit.imageMeta,
    resizeInstance: false,
    powerOn,
  });
  await kit.expectState(uuid, powerOn ? RUNNING : SHUTDOWN, 'finishMigration', pair.destination);
  return migration;
}

/** Usage `used` plus one instance of `flavor` (vCPUs, memory, root and ephemeral disk). */
export function plus(used: readonly number[], flavor: Flavor): number[] {
  return [
    used[0]! + flavor.vcpus,
    used[1]! + flavor.memoryMb,
    used[2]! + (flavor.rootGb ?? 0) + (flavor.ephemeralGb ?? 0),
  ];
}

/**
 * Await the retry of a call whose first run already landed: it must succeed or refuse with one of `codes` (a
 * create that finds its own work may answer it as a duplicate); either way the caller then checks that nothing
 * changed. Returns the code, or `'ok'`.
 */
export async function retryOfLanded(
  promise: Promise<unknown>,
  codes: readonly string[],
  what: string,
): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    if (isVirtkitError(error) && codes.includes(error.code)) return error.code;
    const got = isVirtkitError(error) ? error.code : String(error);
    throw new KitAssertionError(`${what}: expected success or ${codes.join(' or ')}, got ${got}`, undefined, {
      expected: `success or ${codes.join(' or ')}`,
      actual: got,
    });
  }
}

/** `migrateDiskAndPowerOff` of `uuid` on `source` toward `dest` at `flavor` (default: the kit's); returns the disks. */
export function disksOff(
  kit: KitContext,
  source: KitDriver,
  uuid: string,
  dest: string,
  flavor: Flavor = kit.flavor,
): Promise<InstanceDiskInfo[]> {
  return source.migrateDiskAndPowerOff(kit.ctx, { ...kit.full(uuid), dest, flavor });
}

/** The `finishMigration` request for `uuid` at `flavor` (the kit's by default: no resize). */
export function finishRequest(
  kit: KitContext,
  uuid: string,
  migration: Migration,
  diskInfo: InstanceDiskInfo[],
  flavor: Flavor = kit.flavor,
): FinishMigrationRequest {
  return {
    instance: { ...kit.instance(uuid), flavor },
    migration,
    diskInfo,
    imageMeta: kit.imageMeta,
    resizeInstance: flavor !== kit.flavor,
  };
}
