import type { DriverBase } from '@virtkit/core';
import fc from 'fast-check';
import type { ConformanceFixtures } from '../kit/types.js';
import { textOf } from '../kit/text-of.js';
import { emptyModel, type ContractModel } from './contract-model.js';
import { contractCommands } from './contract-commands.js';
import {
  attempt,
  createModelEnv,
  ModelDivergenceError,
  usedResources,
  type ModelEnv,
  type ModelStats,
} from './model-env.js';

/** Options of {@link runModelBased}. */
export interface ModelBasedOptions<D extends DriverBase = DriverBase> {
  /** A fresh driver per sequence (when no migration pair is used). */
  factory: () => D | Promise<D>;
  /** Called after each sequence with the factory's driver. */
  dispose?: (driver: D) => Promise<void> | void;
  /**
   * The kit's fixtures. With `createMigrationPair` (and `migration.live`
   * advertised), every sequence runs on a new pair of hosts and migrates
   * between them; with `createVolume`, volumes are attached and detached.
   */
  fixtures?: ConformanceFixtures;
  /** Sequences to run. @defaultValue 100 */
  numRuns?: number;
  /** fast-check seed; the report gives the one used, so a failure can be replayed. @defaultValue random */
  seed?: number;
  /** fast-check replay path of a failure (with its seed). */
  path?: string;
  /** Longest sequence. @defaultValue 20 */
  maxCommands?: number;
  /** Most instances alive at once. @defaultValue 4 */
  maxInstances?: number;
  /** Volumes in the pool (needs `createVolume`). @defaultValue 3 */
  volumes?: number;
  /** Make a guest crash or shut itself down outside any call (enables those commands). */
  // A method, not a function property: a driver's fixtures may narrow `driver` to their own class (bivariance).
  simulateGuest?(driver: DriverBase, uuid: string, how: 'crash' | 'shutdown'): void | Promise<void>;
  /** Stop generating sequences after this long; the report's `numRuns` says how many ran. @defaultValue none */
  timeLimitMs?: number;
  /**
   * After every step, `getAvailableResource` must count exactly the flavors of the instances on each host.
   * @defaultValue false (checked after each sequence only)
   */
  exactUsage?: boolean;
}

/** What {@link runModelBased} found. */
export interface ModelBasedReport {
  /** False when a sequence diverged from the model. */
  passed: boolean;
  /** Sequences run before the first failure (all of `numRuns` when it passed, fewer when the time limit stopped it). */
  numRuns: number;
  /** True when `timeLimitMs` stopped the run before `numRuns` sequences. */
  interrupted: boolean;
  seed: number;
  /** Replay path of the failure (pass it back with the seed). */
  path?: string;
  /** The shrunk sequence of commands that diverges. */
  counterexample?: string;
  /** The divergence, with the steps of the shrunk sequence (instances named vm1, vm2, ...). */
  error?: string;
  numShrinks: number;
  /** Every sequence run, shrinking runs included, and every command. */
  stats: ModelStats;
  hosts: number;
  durationMs: number;
}

/**
 * Model-based testing of a driver against the contract: fast-check generates
 * random sequences of calls (spawn, power, pause, suspend, rescue, soft
 * delete, volumes, interfaces, snapshots, live migration, destroy, calls on
 * unknown instances...), runs them on the driver and on a model that knows
 * only the contract, and fails on the first divergence, shrunk to a minimal
 * sequence. Every sequence starts on fresh hosts and ends by destroying
 * everything and checking nothing is left (listings, usage, `leakCheck`).
 */
export async function runModelBased<D extends DriverBase>(options: ModelBasedOptions<D>): Promise<ModelBasedReport> {
  const started = Date.now();
  const fixtures = options.fixtures ?? {};
  const probe = await options.factory();
  const caps = probe.capabilities.capabilities;
  await options.dispose?.(probe);
  const paired = fixtures.createMigrationPair !== undefined && caps['migration.live'];
  const volumes = fixtures.createVolume && caps.volume ? (options.volumes ?? 3) : 0;
  const stats: ModelStats = { sequences: 0, commands: 0, outcomes: {}, leaks: [] };
  // Snapshots need images created beforehand in the driver's image service (the createImage fixture).
  const usable = fixtures.createImage ? caps : { ...caps, 'image.snapshot': false };
  const arbs = contractCommands({
    capabilities: usable,
    hosts: paired ? 2 : 1,
    volumes,
    simulateGuest: !!options.simulateGuest,
    maxInstances: options.maxInstances,
  });
  const makeEnv = async (): Promise<ModelEnv> => {
    const common = {
      fixtures,
      volumeCount: volumes,
      stats,
      simulateGuest: options.simulateGuest?.bind(options),
      exactUsage: options.exactUsage === true,
    };
    if (paired) {
      const pair = await fixtures.createMigrationPair!();
      const names = [pair.sourceHost ?? pair.source.hostApi.hostname ?? 'kit-source', pair.destinationHost];
      return createModelEnv({
        ...common,
        hosts: [pair.source, pair.destination],
        hostNames: names,
        release: () => pair.release(),
      });
    }
    const driver = await options.factory();
    return createModelEnv({
      ...common,
      hosts: [driver],
      hostNames: [driver.hostApi.hostname ?? 'kit-host'],
      release: async () => options.dispose?.(driver),
    });
  };
  const property = fc.asyncProperty(
    fc.commands(arbs, { maxCommands: options.maxCommands ?? 20, size: 'max' }),
    async (cmds) => {
      stats.sequences += 1;
      const env = await makeEnv();
      const model = emptyModel(env.hosts.length);
      let failure: unknown;
      try {
        await fc.asyncModelRun(() => ({ model, real: env }), cmds);
      } catch (error) {
        failure = error;
      }
      const leaks = await teardown(env, model, fixtures);
      await env.release();
      if (failure !== undefined) throw failure instanceof Error ? failure : new Error(textOf(failure));
      if (leaks.length > 0) {
        stats.leaks.push(...leaks);
        throw new ModelDivergenceError(
          `left behind after destroying every instance: ${leaks.join('; ')}\n  sequence: ${env.trace.join('; ')}`,
        );
      }
    },
  );
  const seed = options.seed ?? (Date.now() ^ (Math.random() * 0x100000000)) | 0;
  const details = await fc.check(property, {
    numRuns: options.numRuns ?? 100,
    seed,
    ...(options.path ? { path: options.path } : {}),
    ...(options.timeLimitMs ? { interruptAfterTimeLimit: options.timeLimitMs } : {}),
  });
  const report: ModelBasedReport = {
    passed: !details.failed,
    numRuns: details.numRuns,
    interrupted: details.interrupted,
    seed,
    numShrinks: details.numShrinks,
    stats,
    hosts: paired ? 2 : 1,
    durationMs: Date.now() - started,
  };
  if (details.failed) {
    report.path = details.counterexamplePath ?? undefined;
    report.counterexample = details.counterexample
      ? String(
          // fast-check's command sequence prints itself as the calls it ran (its own toString)
          details.counterexample[0] as Iterable<unknown> & { toString(): string },
        )
      : undefined;
    const error = details.errorInstance;
    report.error = error instanceof Error ? error.message : String(error);
  }
  return report;
}

/** Destroy every instance of the model, then report what any host still lists or claims. */
async function teardown(env: ModelEnv, model: ContractModel, fixtures: ConformanceFixtures): Promise<string[]> {
  const leaks: string[] = [];
  for (const i of model.instances) {
    const r = await attempt(() => env.hosts[i.host].destroy(env.ctx, { instance: { uuid: i.uuid } }));
    if (!r.ok) leaks.push(`destroy of vm${i.ordinal} failed: ${r.code}`);
  }
  for (const [h, driver] of env.hosts.entries()) {
    const listed: string[] = await driver.listInstanceUuids(env.ctx);
    if (listed.length > 0) leaks.push(`host${h} still lists ${listed.length} instance(s)`);
    for (const uuid of listed) await attempt(() => driver.destroy(env.ctx, { instance: { uuid } }));
    const used = await usedResources(env.ctx, driver);
    if (used?.join() !== env.usage[h]?.join())
      leaks.push(`host${h} claims [${String(used)}] instead of [${String(env.usage[h])}]`);
    if (fixtures.leakCheck) leaks.push(...(await fixtures.leakCheck(driver)).map((p) => `host${h}: ${p}`));
  }
  return leaks;
}
