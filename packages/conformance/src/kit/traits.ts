import { randomUUID } from 'node:crypto';
import { PowerState, type CapabilityName } from '@virtkit/core';
import type { KitContext, KitDriver } from './kit-context.js';
import type { KitTest } from './suite.js';

/**
 * Lifecycle traits: an instance in a given power state, reached through the
 * public calls only. Suites use them to run one check in several states
 * (abstract-level's `test/traits/`), and the capability each state needs
 * becomes the generated test's `requires`, so a driver is never asked for a
 * state it cannot reach.
 */
export type PowerTrait = 'running' | 'paused' | 'stopped' | 'suspended';

/** What one trait is: the state getInfo reports, its name in test names, and the capabilities that reach it. */
export interface TraitSpec {
  readonly state: PowerState;
  readonly label: string;
  readonly requires: readonly CapabilityName[];
}

/** Every trait. */
export const POWER_TRAITS: Readonly<Record<PowerTrait, TraitSpec>> = Object.freeze({
  running: { state: PowerState.RUNNING, label: 'RUNNING', requires: [] },
  paused: { state: PowerState.PAUSED, label: 'PAUSED', requires: ['lifecycle.pause'] },
  stopped: { state: PowerState.SHUTDOWN, label: 'SHUTDOWN', requires: [] },
  suspended: { state: PowerState.SUSPENDED, label: 'SUSPENDED', requires: ['lifecycle.suspend'] },
});

/** Options of {@link spawnIn}. */
export interface SpawnInOptions {
  /** Extra spawn request fields (networkInfo, imageMeta...). */
  readonly overrides?: Record<string, unknown>;
  /** The driver to spawn on. @defaultValue kit.driver */
  readonly driver?: KitDriver;
}

/**
 * Spawn an instance (tracked for cleanup) and bring it into `trait`'s state;
 * fails unless getInfo then reports that state.
 */
export async function spawnIn(kit: KitContext, trait: PowerTrait, options: SpawnInOptions = {}): Promise<string> {
  const driver = options.driver ?? kit.driver;
  const uuid = await kit.spawn({ ...options.overrides, ...(trait === 'stopped' ? { powerOn: false } : {}) }, driver);
  if (trait === 'paused') await driver.pause(kit.ctx, kit.ref(uuid));
  if (trait === 'suspended') await driver.suspend(kit.ctx, kit.ref(uuid));
  await kit.expectState(
    uuid,
    POWER_TRAITS[trait].state,
    `bringing the instance to ${POWER_TRAITS[trait].label}`,
    driver,
  );
  return uuid;
}

/** The uuid of an instance that existed and was destroyed (gone, as an unknown uuid is). */
export async function destroyedInstance(kit: KitContext): Promise<string> {
  const uuid = await kit.spawn();
  await kit.driver.destroy(kit.ctx, kit.ref(uuid));
  return uuid;
}

/** A uuid no driver knows. */
export function unknownInstance(): string {
  return randomUUID();
}

/** What {@link inStates} builds one test from. */
export type TraitTest = Omit<KitTest, 'run'> & { run(kit: KitContext, uuid: string): Promise<void> };

/**
 * One test per trait: each spawns an instance in that state, then runs the
 * body with it. The trait's capabilities are added to the test's `requires`.
 *
 * ```ts
 * ...inStates(['running', 'paused', 'stopped'], (t) => ({
 *   name: `attach and detach while ${t.label}`,
 *   async run(kit, uuid) { ... },
 * }))
 * ```
 */
export function inStates(
  traits: readonly PowerTrait[],
  make: (spec: TraitSpec & { trait: PowerTrait }) => TraitTest,
): KitTest[] {
  return traits.map((trait) => {
    const spec = { ...POWER_TRAITS[trait], trait };
    const test = make(spec);
    const requires = [...new Set([...(test.requires ?? []), ...spec.requires])];
    return {
      ...test,
      ...(requires.length > 0 ? { requires } : {}),
      run: async (kit: KitContext) => test.run(kit, await spawnIn(kit, trait)),
    };
  });
}
