import { expectedTransition, stateLabel, type ContractModel, type ModelInstance } from './contract-model.js';
import { diverge as fail, usedResources, type ModelEnv } from './model-env.js';

/** What a command expects to have happened, for {@link checkStep}. */
export interface StepExpectation {
  /** The instance the command acted on, as the model now has it (undefined when it is gone or there was none). */
  readonly instance?: ModelInstance;
  /** Its power state before the command (for the expected event). */
  readonly before?: { readonly state: number; readonly host: number };
  /** Extra transitions per host besides power-state changes (MIGRATION_COMPLETED on the source). */
  readonly announced?: Readonly<Record<number, readonly string[]>>;
  /** The uuid whose events are expected (the instance's, or a destroyed one's). */
  readonly uuid?: string;
  /** What the command was, for messages. */
  readonly step: string;
}

/**
 * Compare the driver with the model after one command: every host lists
 * exactly the model's instances; the touched instance's getInfo (state,
 * rescued, softDeleted), diagnostics (disks, NICs) and usage agree; and the
 * lifecycle events of the step are exactly the ones its state change calls for.
 */
export async function checkStep(env: ModelEnv, model: ContractModel, exp: StepExpectation): Promise<void> {
  await checkListings(env, model, exp.step);
  if (exp.instance) await checkInstance(env, exp.instance, exp.step);
  checkEvents(env, exp);
  if (env.exactUsage) await checkUsage(env, model, exp.step);
}

async function checkListings(env: ModelEnv, model: ContractModel, step: string): Promise<void> {
  for (const [h, driver] of env.hosts.entries()) {
    const actual: string[] = [...(await driver.listInstanceUuids(env.ctx))].sort();
    const expected = model.instances
      .filter((i) => i.host === h)
      .map((i) => i.uuid)
      .sort();
    if (actual.join() !== expected.join()) {
      diverge(
        env,
        step,
        `host${h} lists ${actual.length} instance(s) ${names(model, actual)}, the model has ${names(model, expected)}`,
      );
    }
  }
}

async function checkInstance(env: ModelEnv, i: ModelInstance, step: string): Promise<void> {
  const driver = env.hosts[i.host];
  const info = await driver.getInfo(env.ctx, { instance: { uuid: i.uuid } });
  const actual = `${stateLabel(info.state)} rescued=${info.rescued === true} softDeleted=${info.softDeleted === true}`;
  const expected = `${stateLabel(i.state)} rescued=${i.rescued} softDeleted=${i.softDeleted}`;
  if (actual !== expected) diverge(env, step, `getInfo(vm${i.ordinal}) says ${actual}, the model says ${expected}`);
  if (driver.capabilities.capabilities.diagnostics !== true) return;
  const diag = await driver.getInstanceDiagnostics(env.ctx, { instance: { uuid: i.uuid } });
  const base = env.baseline.get(i.uuid);
  if (base === undefined) {
    env.baseline.set(i.uuid, { disks: diag.numDisks - i.volumes.size, nics: diag.numNics - i.interfaces.size });
    return;
  }
  if (diag.numDisks !== base.disks + i.volumes.size) {
    diverge(
      env,
      step,
      `vm${i.ordinal} has ${diag.numDisks} disk(s); the model expects ${base.disks} + ${i.volumes.size} attached ` +
        `volume(s)`,
    );
  }
  const macs = diag.nicDetails.map((n: { macAddress: string }) => n.macAddress.toLowerCase());
  const missing = [...i.interfaces.values()].filter((mac) => !macs.includes(mac));
  if (diag.numNics !== base.nics + i.interfaces.size || missing.length > 0) {
    diverge(
      env,
      step,
      `vm${i.ordinal} shows NICs [${macs.join(', ')}]; the model expects ${base.nics} + ` +
        `[${[...i.interfaces.values()].join(', ')}]`,
    );
  }
}

function checkEvents(env: ModelEnv, exp: StepExpectation): void {
  const seen = env.events.splice(0);
  const stray = seen.filter((e) => e.event.instanceUuid !== exp.uuid);
  if (stray.length > 0)
    diverge(
      env,
      exp.step,
      `lifecycle events for instances the step did not touch: ${stray.map((e) => e.event.transition).join(', ')}`,
    );
  for (let h = 0; h < env.hosts.length; h++) {
    const expected = [...(exp.announced?.[h] ?? [])];
    const i = exp.instance;
    if (i && exp.before && i.host === h) {
      const t = expectedTransition(exp.before.state as never, i.state);
      if (t) expected.unshift(t);
    }
    const actual = seen.filter((e) => e.host === h).map((e) => e.event.transition);
    if (actual.join() !== expected.join())
      diverge(
        env,
        exp.step,
        `host${h} emitted [${actual.join(', ')}], the contract calls for [${expected.join(', ')}]`,
      );
  }
}

async function checkUsage(env: ModelEnv, model: ContractModel, step: string): Promise<void> {
  for (const [h, driver] of env.hosts.entries()) {
    const base = env.usage[h];
    if (base === undefined) continue;
    const n = model.instances.filter((i) => i.host === h).length;
    const f = env.flavor;
    const expected = [base[0]! + n * f.vcpus, base[1]! + n * f.memoryMb, base[2]! + n * f.rootGb];
    const actual = await usedResources(env.ctx, driver);
    if (actual?.join() !== expected.join())
      diverge(
        env,
        step,
        `host${h} reports used [vcpus, memoryMb, localGb] = [${String(actual)}], the model expects ` +
          `[${String(expected)}]`,
      );
  }
}

function diverge(env: ModelEnv, step: string, message: string): never {
  return fail(env, `after ${step}: ${message}`);
}

function names(model: ContractModel, uuids: readonly string[]): string {
  const label = (u: string): string => {
    const i = model.instances.find((x) => x.uuid === u);
    return i ? `vm${i.ordinal}` : model.gone.includes(u) ? `destroyed ${u.slice(0, 8)}` : `unknown ${u.slice(0, 8)}`;
  };
  return `[${uuids.map(label).join(', ')}]`;
}
