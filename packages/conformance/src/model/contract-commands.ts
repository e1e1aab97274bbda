import { randomUUID } from 'node:crypto';
import { PowerState, type CapabilityName } from '@virtkit/core';
import { callByName } from '../kit/kit-context.js';
import fc from 'fast-check';
import { spawnedInstance, type ContractModel, type ModelInstance, type Outcome } from './contract-model.js';
import { CONTRACT_RULES, describeOutcomes, matchOutcome } from './contract-rules.js';
import { INSTANCE_OPS, instanceName, type InstanceOp } from './instance-ops.js';
import { liveMigrate } from './live-migrate.js';
import { checkStep } from './model-checks.js';
import { attempt, countOutcome, diverge, type CallResult, type ModelEnv } from './model-env.js';

/** A command of the model-based run: checked against the model, run against the driver. */
export type ContractCommand = fc.AsyncCommand<ContractModel, ModelEnv>;

/** What the commands may use: the driver's advertised capabilities and the fixtures at hand. */
export interface ContractCommandOptions {
  /** `driver.capabilities.capabilities`: commands only use what is advertised. */
  readonly capabilities: Readonly<Record<CapabilityName, boolean>>;
  /** 1, or 2 when a migration pair is used (live migration and spawning on either host). @defaultValue 1 */
  readonly hosts?: number;
  /** Volumes in the pool (0 without a `createVolume` fixture). @defaultValue 0 */
  readonly volumes?: number;
  /**
   * The driver can make a guest crash or shut itself down (`simulateGuest` of {@link runModelBased}). @defaultValue
   * false
   */
  readonly simulateGuest?: boolean;
  /** Most instances alive at once. @defaultValue 4 */
  readonly maxInstances?: number;
}

const PICK = fc.nat({ max: 7 });
const NOSTATE = PowerState.NOSTATE;

/** The instance a command's `pick` names among the live ones. */
function picked(model: Readonly<ContractModel>, pick: number): ModelInstance {
  return model.instances[pick % model.instances.length]!;
}

/** Compare a result with the rule's outcomes; apply the one that happened to the model. */
function settle(env: ModelEnv, step: string, name: string, outcomes: Outcome[], result: CallResult): Outcome {
  countOutcome(env.stats, name, result);
  const match = matchOutcome(outcomes, result);
  if (match === undefined) {
    const got = result.ok
      ? 'success'
      : `${result.code} (${result.error instanceof Error ? result.error.message : String(result.error)})`;
    diverge(env, `${step}: the contract allows ${describeOutcomes(outcomes)}, the driver answered ${got}`);
  }
  return match;
}

class SpawnCommand implements ContractCommand {
  constructor(
    readonly host: number,
    readonly powerOn: boolean,
    readonly max: number,
  ) {}
  check = (m: Readonly<ContractModel>): boolean => m.instances.length < this.max;
  async run(model: ContractModel, env: ModelEnv): Promise<void> {
    const host = this.host % model.hosts;
    const uuid = randomUUID();
    const step = `spawn(vm${model.spawned + 1} on host${host}${this.powerOn ? '' : ', powerOn: false'})`;
    env.trace.push(step);
    const request = {
      instance: { uuid, name: instanceName(uuid), flavor: env.flavor },
      imageMeta: env.imageMeta,
      powerOn: this.powerOn,
    };
    settle(env, step, 'spawn', [{ ok: true }], await attempt(() => env.hosts[host].spawn(env.ctx, request)));
    const instance = spawnedInstance(model, uuid, host, this.powerOn);
    model.instances.push(instance);
    await checkStep(env, model, { instance, before: { state: NOSTATE, host }, uuid, step });
  }
  toString = (): string => `spawn(host${this.host}${this.powerOn ? '' : ', off'})`;
}

class DuplicateSpawnCommand implements ContractCommand {
  constructor(readonly pick: number) {}
  check = (m: Readonly<ContractModel>): boolean => m.instances.length > 0;
  async run(model: ContractModel, env: ModelEnv): Promise<void> {
    const i = picked(model, this.pick);
    const step = `spawn again(vm${i.ordinal})`;
    env.trace.push(step);
    const request = {
      instance: { uuid: i.uuid, name: `kit-dup-${i.ordinal}`, flavor: env.flavor },
      imageMeta: env.imageMeta,
    };
    settle(
      env,
      step,
      'spawn (existing uuid)',
      [{ ok: false, code: 'INSTANCE_EXISTS' }],
      await attempt(() => env.hosts[i.host].spawn(env.ctx, request)),
    );
    await checkStep(env, model, { instance: i, before: { state: i.state, host: i.host }, uuid: i.uuid, step });
  }
  toString = (): string => `spawnAgain(#${this.pick})`;
}

class DestroyCommand implements ContractCommand {
  constructor(readonly pick: number) {}
  check = (m: Readonly<ContractModel>): boolean => m.instances.length > 0;
  async run(model: ContractModel, env: ModelEnv): Promise<void> {
    const i = picked(model, this.pick);
    const step = `destroy(vm${i.ordinal})`;
    env.trace.push(step);
    settle(
      env,
      step,
      'destroy',
      [{ ok: true }],
      await attempt(() => env.hosts[i.host].destroy(env.ctx, { instance: { uuid: i.uuid } })),
    );
    model.instances.splice(model.instances.indexOf(i), 1);
    model.gone.push(i.uuid);
    const live = i.state === PowerState.RUNNING || i.state === PowerState.PAUSED || i.state === PowerState.SUSPENDED;
    await checkStep(env, model, {
      uuid: i.uuid,
      step,
      announced: { [i.host]: live ? ['STOPPED', 'DELETED'] : ['DELETED'] },
    });
    const after = await attempt(() => env.hosts[i.host].getInfo(env.ctx, { instance: { uuid: i.uuid } }));
    settle(env, `${step}, then getInfo`, 'getInfo (destroyed)', [{ ok: false, code: 'INSTANCE_NOT_FOUND' }], after);
  }
  toString = (): string => `destroy(#${this.pick})`;
}

/** A call on a destroyed (or never known) uuid: INSTANCE_NOT_FOUND, except destroy, which succeeds. */
class UnknownInstanceCommand implements ContractCommand {
  constructor(
    readonly pick: number,
    readonly op: string,
  ) {}
  check = (): boolean => true;
  async run(model: ContractModel, env: ModelEnv): Promise<void> {
    const uuid = model.gone.length > 0 ? model.gone[this.pick % model.gone.length]! : randomUUID();
    const host = this.pick % model.hosts;
    const step =
      `${this.op}(${model.gone.includes(uuid) ? 'destroyed' : 'unknown'} ${uuid.slice(0, 8)} on ` + `host${host})`;
    env.trace.push(step);
    const request: Record<string, unknown> = {
      instance: { uuid, name: instanceName(uuid), flavor: env.flavor },
      rebootType: 'HARD',
      imageId: `kit-model-${uuid}`,
    };
    const outcomes: Outcome[] = this.op === 'destroy' ? [{ ok: true }] : [{ ok: false, code: 'INSTANCE_NOT_FOUND' }];
    settle(
      env,
      step,
      `${this.op} (unknown instance)`,
      outcomes,
      await attempt(() => callByName(env.hosts[host]!, this.op, env.ctx, request)),
    );
    await checkStep(env, model, { uuid, step });
  }
  toString = (): string => `${this.op}(unknown #${this.pick})`;
}

class InstanceCallCommand implements ContractCommand {
  constructor(
    readonly name: string,
    readonly op: InstanceOp,
    readonly pick: number,
    readonly arg: number,
  ) {}
  check = (m: Readonly<ContractModel>): boolean => m.instances.length > 0;
  async run(model: ContractModel, env: ModelEnv): Promise<void> {
    const i = picked(model, this.pick);
    const step = `${this.name}(vm${i.ordinal}${this.op.label?.(this.arg) ?? ''})`;
    env.trace.push(step);
    const outcomes = this.op.rule(i, this.arg, model, env);
    const before = { state: i.state, host: i.host };
    const match = settle(env, step, this.name, outcomes, await attempt(() => this.op.call(env, i, this.arg)));
    if (match.ok) match.apply?.(i);
    await checkStep(env, model, { instance: i, before, uuid: i.uuid, step });
  }
  toString = (): string => `${this.name}(#${this.pick}${this.op.label?.(this.arg) ?? ''})`;
}

class LiveMigrateCommand implements ContractCommand {
  constructor(readonly pick: number) {}
  check = (m: Readonly<ContractModel>): boolean => m.instances.length > 0 && m.hosts > 1;
  async run(model: ContractModel, env: ModelEnv): Promise<void> {
    const i = picked(model, this.pick);
    const [src, dst] = [i.host, (i.host + 1) % model.hosts];
    const step = `liveMigrate(vm${i.ordinal}, host${src} -> host${dst})`;
    env.trace.push(step);
    const before = { state: i.state, host: src };
    const match = settle(
      env,
      step,
      'liveMigrate',
      CONTRACT_RULES.liveMigrate(i, dst),
      await attempt(() => liveMigrate(env, i, src, dst)),
    );
    if (match.ok) match.apply?.(i);
    await checkStep(env, model, {
      instance: i,
      before,
      uuid: i.uuid,
      step,
      announced: match.ok ? { [src]: ['MIGRATION_COMPLETED', 'MIGRATED_AWAY'], [dst]: ['MIGRATED_IN'] } : {},
    });
  }
  toString = (): string => `liveMigrate(#${this.pick})`;
}

/** Outside any call, the guest crashes or shuts itself down (needs the driver's `simulateGuest`). */
class GuestStopsCommand implements ContractCommand {
  constructor(
    readonly pick: number,
    readonly crash: boolean,
  ) {}
  check = (m: Readonly<ContractModel>): boolean =>
    m.instances.length > 0 &&
    [PowerState.RUNNING, PowerState.PAUSED, PowerState.SUSPENDED].includes(picked(m, this.pick).state as never);
  async run(model: ContractModel, env: ModelEnv): Promise<void> {
    const i = picked(model, this.pick);
    const step = `guest ${this.crash ? 'crashes' : 'shuts down'}(vm${i.ordinal})`;
    env.trace.push(step);
    const before = { state: i.state, host: i.host };
    const how = this.crash ? 'crash' : 'shutdown';
    const result = await attempt(async () => env.simulateGuest?.(env.hosts[i.host], i.uuid, how));
    const match = settle(env, step, 'guestStops', CONTRACT_RULES.guestStops(i, this.crash), result);
    if (match.ok) match.apply?.(i);
    await checkStep(env, model, { instance: i, before, uuid: i.uuid, step });
  }
  toString = (): string => `guestStops(#${this.pick}, ${this.crash ? 'crash' : 'shutdown'})`;
}

/**
 * The commands of the contract's model, limited to what the driver
 * advertises and the fixtures allow: spawn (on either host), spawning a
 * taken uuid, destroy, calls on unknown uuids, every instance call of
 * {@link INSTANCE_OPS}, live migration between the two hosts of a pair, and
 * guests stopping on their own. Feed them to `fc.commands`.
 */
export function contractCommands(options: ContractCommandOptions): fc.Arbitrary<ContractCommand>[] {
  const caps = options.capabilities;
  const hosts = options.hosts ?? 1;
  const max = options.maxInstances ?? 4;
  const volumes = options.volumes ?? 0;
  const spawn = fc
    .tuple(fc.nat({ max: hosts - 1 }), fc.boolean())
    .map(([h, on]) => new SpawnCommand(h, on, max) as ContractCommand);
  // Spawn is weighted up (fast-check picks uniformly among arbitraries): most commands need an instance.
  const arbs: fc.Arbitrary<ContractCommand>[] = [spawn, spawn, spawn, spawn, spawn, spawn];
  if (!caps.lifecycle) return [];
  arbs.push(
    PICK.map((p) => new DestroyCommand(p)),
    PICK.map((p) => new DuplicateSpawnCommand(p)),
  );
  const unknownOps = [
    'getInfo',
    'destroy',
    'powerOff',
    'powerOn',
    'reboot',
    ...(caps['lifecycle.pause'] ? ['pause'] : []),
    ...(caps['image.snapshot'] ? ['snapshot'] : []),
  ];
  arbs.push(fc.tuple(PICK, fc.constantFrom(...unknownOps)).map(([p, op]) => new UnknownInstanceCommand(p, op)));
  for (const [name, op] of Object.entries(INSTANCE_OPS)) {
    const choices = op.choices({ volumes });
    if (!caps[op.capability] || choices < 1) continue;
    arbs.push(fc.tuple(PICK, fc.nat({ max: choices - 1 })).map(([p, a]) => new InstanceCallCommand(name, op, p, a)));
  }
  if (hosts > 1 && caps['migration.live'])
    arbs.push(
      PICK.map((p) => new LiveMigrateCommand(p)),
      PICK.map((p) => new LiveMigrateCommand(p)),
    );
  if (options.simulateGuest) arbs.push(fc.tuple(PICK, fc.boolean()).map(([p, c]) => new GuestStopsCommand(p, c)));
  return arbs;
}
