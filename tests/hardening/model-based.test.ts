import { runModelBased, type ModelBasedReport } from '@virtkit/conformance';
import { randomUUID } from 'node:crypto';
import { isVirtkitError } from '@virtkit/core';
import { MemoryDriver, createMemoryFixtures, type MemoryConfig } from '@virtkit/memory';
import { recordReliability } from './reliability-summary';

// Issue "Hardening" part 1: random sequences of contract calls on the in-memory driver (two hosts of one
// fabric), checked against the conformance kit's contract model; a divergence fails and shrinks.
// VIRTKIT_FC_RUNS raises the number of sequences locally; VIRTKIT_FC_SEED replays another seed.
const RUNS = Number(process.env.VIRTKIT_FC_RUNS ?? 1000);
const SEED = Number(process.env.VIRTKIT_FC_SEED ?? 0x5eed2026);
/** Live migrations and snapshots in one step, without waiting: the model checks outcomes, not timing. */
const FAST: MemoryConfig = { migration: { steps: 1, stepDelayMs: 0 }, snapshot: { steps: 1, stepDelayMs: 0 } };

function explain(report: ModelBasedReport): string {
  return [
    `model-based run diverged (seed ${report.seed}, path ${report.path}); replay with VIRTKIT_FC_SEED=${report.seed}`,
    `counterexample: ${report.counterexample}`,
    report.error,
  ].join('\n');
}

describe('model-based: the memory driver against the contract model', () => {
  it(`${RUNS} random sequences on two hosts (spawn, power, pause, suspend, rescue, soft delete, volumes, NICs, snapshot, live migration, destroy) never diverge`, async () => {
    const report = await runModelBased({
      factory: () => new MemoryDriver({ hostname: 'model-host' }, FAST),
      fixtures: createMemoryFixtures({ config: FAST }),
      numRuns: RUNS,
      seed: SEED,
      maxCommands: 30,
      simulateGuest: (driver: MemoryDriver, uuid, how) => driver.simulateGuest(uuid, how),
      exactUsage: true,
    });
    recordReliability('model-based', {
      driver: 'memory',
      hosts: report.hosts,
      seed: report.seed,
      sequences: report.numRuns,
      sequencesInclShrinking: report.stats.sequences,
      commands: report.stats.commands,
      divergences: report.passed ? 0 : 1,
      leaks: report.stats.leaks.length,
      durationMs: report.durationMs,
      counterexample: report.counterexample ?? null,
      error: report.error ?? null,
      outcomes: report.stats.outcomes,
    });
    if (!report.passed) console.error(explain(report));
    expect(report.passed).toBe(true);
    expect(report.numRuns).toBe(RUNS);
  }, 180_000);

  // The first divergence the model found (shrunk from a 30-command sequence to these four calls).
  it('regression: unrescue of a rescued, soft-deleted instance is INVALID_STATE and leaves it stopped', async () => {
    const driver = new MemoryDriver({ hostname: 'model-regression' });
    const uuid = randomUUID();
    const ref = { instance: { uuid } };
    await driver.spawn(
      {},
      {
        instance: { uuid, flavor: { name: 'f', vcpus: 1, memoryMb: 64, rootGb: 1 } },
        imageMeta: { diskFormat: 'raw' },
        powerOn: false,
      },
    );
    await driver.rescue({}, { ...ref, imageMeta: { diskFormat: 'raw' } });
    await driver.softDelete({}, ref);
    const refused = await driver.unrescue({}, ref).then(
      () => 'ok',
      (e: unknown) => (isVirtkitError(e) ? e.code : String(e)),
    );
    expect(refused).toBe('INVALID_STATE');
    expect(await driver.getInfo({}, ref)).toMatchObject({ state: 4, rescued: true, softDeleted: true });
  });

  it('catches a driver that breaks the contract, and shrinks the sequence', async () => {
    // unpause that reports success but leaves the guest paused
    class StuckPause extends MemoryDriver {
      protected override async _unpause(): Promise<void> {}
    }
    const report = await runModelBased({
      factory: () => new StuckPause({ hostname: 'stuck' }, FAST),
      numRuns: 200,
      seed: 7,
      maxCommands: 30,
    });
    expect(report.passed).toBe(false);
    expect(report.error).toMatch(/unpause/);
    // spawn, pause, unpause: the shortest sequence showing it
    expect(report.counterexample?.split('),').length).toBeLessThanOrEqual(3);
  });
});
