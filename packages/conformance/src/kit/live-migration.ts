import type { MigrateData, MigrationHostInfo, ProgressReport } from '@virtkit/core';
import { check } from './assertions.js';
import type { KitContext, KitDriver, MigrationPair } from './kit-context.js';

/** A live migration the kit started and has not awaited yet. */
export interface LiveMigrationRun {
  /** Settles as the source's `liveMigration` does. */
  readonly done: Promise<void>;
  readonly reports: ProgressReport[];
  /** How often the SDK ran `postMethod` / `recoverMethod`. */
  readonly callbacks: { post: number; recover: number };
}

/**
 * The orchestrator's steps before a live migration, as the reference orders
 * them: destination check, source check, destination-check cleanup, then
 * pre-migration on the destination. Returns the data the source starts with.
 */
export async function prepareLiveMigration(kit: KitContext, pair: MigrationPair, uuid: string): Promise<MigrateData> {
  const migrateData = await checkedMigrateData(kit, pair, uuid);
  return pair.destination.preLiveMigration(kit.ctx, { instance: kit.instance(uuid), migrateData, networkInfo: [] });
}

/** Start `liveMigration` on the source without waiting for it; progress and callbacks are recorded. */
export function startLiveMigration(
  kit: KitContext,
  pair: MigrationPair,
  uuid: string,
  migrateData: MigrateData,
): LiveMigrationRun {
  const { ctx, reports } = kit.progress();
  const callbacks = { post: 0, recover: 0 };
  const done: Promise<void> = pair.source.liveMigration(ctx, {
    instance: kit.instance(uuid),
    dest: pair.destinationHost,
    migrateData,
    postMethod: async () => void callbacks.post++,
    recoverMethod: async () => void callbacks.recover++,
  });
  done.catch(() => undefined); // observed by the test; never an unhandled rejection
  return { done, reports, callbacks };
}

/** Prepare a live migration of `uuid` (as {@link prepareLiveMigration}) and start it (not awaited). */
export async function beginLiveMigration(
  kit: KitContext,
  pair: MigrationPair,
  uuid: string,
): Promise<LiveMigrationRun> {
  return startLiveMigration(kit, pair, uuid, await prepareLiveMigration(kit, pair, uuid));
}

/** A whole live migration of `uuid` to the pair's destination, the orchestrator's post steps included. */
export async function liveMigrate(kit: KitContext, pair: MigrationPair, uuid: string): Promise<LiveMigrationRun> {
  const run = await beginLiveMigration(kit, pair, uuid);
  await run.done;
  await finishLiveMigration(kit, pair, uuid);
  return run;
}

/**
 * A new migration pair, an instance spawned at its source, the destination's usage before the migration (when the
 * driver reports it), and the instance's live migration in flight (see {@link whenInFlight}).
 */
export async function liveMigrationInFlight(kit: KitContext): Promise<{
  pair: MigrationPair;
  uuid: string;
  used: number[] | undefined;
  run: LiveMigrationRun;
}> {
  const pair = await kit.migrationPair();
  const uuid = await kit.spawn({}, pair.source);
  const used = await resourcesUsed(kit, pair.destination);
  const run = await beginLiveMigration(kit, pair, uuid);
  await whenInFlight(run);
  return { pair, uuid, used, run };
}

/**
 * Wait until the driver is migrating: it reported progress of its own (beyond
 * the SDK's opening 0). Fails when the migration ends first, since the kit
 * then cannot act on a running migration.
 */
export async function whenInFlight(run: LiveMigrationRun, timeoutMs = 10_000): Promise<void> {
  let settled = false;
  void run.done.then(
    () => (settled = true),
    () => (settled = true),
  );
  const until = Date.now() + timeoutMs;
  while (run.reports.length < 2 && !settled && Date.now() < until) await new Promise((r) => setTimeout(r, 1));
  const last = run.reports[run.reports.length - 1];
  check(
    !settled && last !== undefined && last.percent < 100,
    'the live migration ended before the kit could act on it: while migrating, a driver must report progress ' +
      '(ctx.onProgress) and stay abortable',
  );
  check(run.reports.length >= 2, `no progress from the driver within ${timeoutMs} ms of starting the live migration`);
}

/** The orchestrator's steps after a successful live migration. */
export async function finishLiveMigration(kit: KitContext, pair: MigrationPair, uuid: string): Promise<void> {
  const instance = kit.instance(uuid);
  await pair.source.postLiveMigration(kit.ctx, { instance });
  await pair.source.postLiveMigrationAtSource(kit.ctx, { instance, networkInfo: [] });
  await pair.destination.postLiveMigrationAtDestination(kit.ctx, { instance, networkInfo: [] });
}

/** Fail unless progress went 0 first, never down, 100 last. */
export function checkProgress(reports: readonly ProgressReport[], what: string): void {
  const percents = reports.map((r) => r.percent);
  check(percents.length >= 2, `${what}: expected progress reports from 0 to 100, got ${JSON.stringify(percents)}`);
  check(
    percents[0] === 0 && percents[percents.length - 1] === 100,
    `${what}: progress must start at 0 and end at 100, got ${percents.join(',')}`,
  );
  check(
    percents.every((p, i) => p >= 0 && p <= 100 && (i === 0 || p >= percents[i - 1]!)),
    `${what}: progress must never decrease: ${percents.join(',')}`,
  );
}

/** Fail unless the instance exists on exactly one of the hosts; returns which. */
export async function checkOnOneHost(
  kit: KitContext,
  pair: MigrationPair,
  uuid: string,
): Promise<'source' | 'destination'> {
  const onSource = (await pair.source.listInstanceUuids(kit.ctx)).includes(uuid);
  const onDestination = (await pair.destination.listInstanceUuids(kit.ctx)).includes(uuid);
  check(
    onSource !== onDestination,
    `the instance must exist on exactly one host; source lists it: ${onSource}, destination lists it: ${onDestination}`,
  );
  return onSource ? 'source' : 'destination';
}

/**
 * vcpusUsed, memoryMbUsed, localGbUsed of a host's first node, when it advertises `inventory` (an optional read-back).
 */
export async function resourcesUsed(kit: KitContext, driver: KitDriver): Promise<number[] | undefined> {
  if (driver.capabilities.capabilities.inventory !== true) return undefined;
  const [nodename] = await driver.getAvailableNodes(kit.ctx, { refresh: false });
  const r = await driver.getAvailableResource(kit.ctx, { nodename });
  return [r.vcpusUsed, r.memoryMbUsed, r.localGbUsed];
}

/**
 * What an orchestrator knows of a host taking part in a live migration: its name, and its hypervisor type when it
 * reports its resources (the orchestrator reads it from the host's compute node, as the reference's conductor does).
 */
export async function computeInfo(kit: KitContext, driver: KitDriver, host: string): Promise<MigrationHostInfo> {
  if (driver.capabilities.capabilities.inventory !== true) return { host };
  const [nodename] = await driver.getAvailableNodes(kit.ctx, { refresh: false });
  const { hypervisorType } = await driver.getAvailableResource(kit.ctx, { nodename });
  return { host, hypervisorType };
}

/** The data the destination and source checks hand to `liveMigration` (the destination check cleaned up after). */
export async function checkedMigrateData(
  kit: KitContext,
  pair: MigrationPair,
  uuid: string,
  blockMigration?: boolean,
): Promise<MigrateData> {
  const instance = kit.instance(uuid);
  const destCheckData = await pair.destination.checkCanLiveMigrateDestination(kit.ctx, {
    instance,
    srcComputeInfo: await computeInfo(kit, pair.source, pair.sourceHost),
    dstComputeInfo: await computeInfo(kit, pair.destination, pair.destinationHost),
    ...(blockMigration === undefined ? {} : { blockMigration }),
  });
  try {
    return await pair.source.checkCanLiveMigrateSource(kit.ctx, { instance, destCheckData });
  } finally {
    await pair.destination.cleanupLiveMigrationDestinationCheck(kit.ctx, { destCheckData });
  }
}
