import type { CapabilityName, Vif } from '@virtkit/core';
import { callByName, type KitDriver } from '../kit/kit-context.js';
import type { ContractModel, ModelInstance, Outcome } from './contract-model.js';
import { CONTRACT_RULES as R } from './contract-rules.js';
import type { ModelEnv } from './model-env.js';

/** Mountpoints the volume commands use (never the root disk). */
export const MOUNTPOINTS = ['vdb', 'vdc', 'vdd'] as const;
/** VIFs per instance the interface commands choose from. */
export const VIFS_PER_INSTANCE = 2;

/**
 * One public call on an existing instance, as the model runs it: the
 * capability it needs, how many choices its argument has, the contract's
 * rule, and the call itself.
 */
export interface InstanceOp {
  readonly capability: CapabilityName;
  /** The argument is a number in [0, choices); 1 when the call takes none. */
  readonly choices: (env: { volumes: number }) => number;
  readonly rule: (i: ModelInstance, arg: number, model: ContractModel, env: ModelEnv) => Outcome[];
  readonly call: (env: ModelEnv, i: ModelInstance, arg: number) => Promise<unknown>;
  /** How the argument shows in a trace. */
  readonly label?: (arg: number) => string;
}

const one = (): number => 1;
const ref = (i: ModelInstance): { instance: { uuid: string } } => ({ instance: { uuid: i.uuid } });
const host = (env: ModelEnv, i: ModelInstance): KitDriver => env.hosts[i.host]!;

/** A plain call taking `{ instance: { uuid } }`. */
function plain(capability: CapabilityName, method: string, rule: (i: ModelInstance) => Outcome[]): InstanceOp {
  return {
    capability,
    choices: one,
    rule: (i) => rule(i),
    call: (env, i) => callByName(host(env, i), method, env.ctx, ref(i)),
  };
}

/** The orchestrator's view of the instance, for calls that take a full instance. */
export function fullInstance(
  env: ModelEnv,
  i: ModelInstance,
): { uuid: string; name: string; flavor: ModelEnv['flavor'] } {
  return { uuid: i.uuid, name: instanceName(i.uuid), flavor: env.flavor };
}

/** The name the model spawns an instance under. */
export function instanceName(uuid: string): string {
  return `kit-m-${uuid.slice(0, 8)}`;
}

/** The instance's k-th VIF, made from the fixtures on first use. */
export function vifOf(env: ModelEnv, uuid: string, k: number): Vif {
  let vifs = env.vifs.get(uuid);
  if (vifs === undefined) env.vifs.set(uuid, (vifs = Array.from({ length: VIFS_PER_INSTANCE }, () => env.createVif())));
  return vifs[k % vifs.length]!;
}

const volumeArg = (arg: number): { volume: number; mountpoint: string } => ({
  volume: Math.floor(arg / MOUNTPOINTS.length),
  mountpoint: MOUNTPOINTS[arg % MOUNTPOINTS.length]!,
});
const volumeLabel = (arg: number): string => `, vol${volumeArg(arg).volume} at ${volumeArg(arg).mountpoint}`;

function volumeCall(method: 'attachVolume' | 'detachVolume'): InstanceOp['call'] {
  return (env, i, arg) => {
    const { volume, mountpoint } = volumeArg(arg);
    return host(env, i)[method](env.ctx, {
      instance: fullInstance(env, i),
      connectionInfo: env.volumes[volume],
      mountpoint,
    });
  };
}

/** Every call the model runs on one existing instance, by name. */
export const INSTANCE_OPS: Readonly<Record<string, InstanceOp>> = {
  powerOff: plain('lifecycle', 'powerOff', R.powerOff),
  powerOn: plain('lifecycle', 'powerOn', R.powerOn),
  reboot: {
    capability: 'lifecycle',
    choices: () => 2,
    rule: (i, arg) => R.reboot(i, arg === 1),
    label: (arg) => (arg === 1 ? ', HARD' : ', SOFT'),
    call: (env, i, arg) => host(env, i).reboot(env.ctx, { ...ref(i), rebootType: arg === 1 ? 'HARD' : 'SOFT' }),
  },
  pause: plain('lifecycle.pause', 'pause', R.pause),
  unpause: plain('lifecycle.pause', 'unpause', R.unpause),
  suspend: plain('lifecycle.suspend', 'suspend', R.suspend),
  resume: plain('lifecycle.suspend', 'resume', R.resume),
  rescue: {
    capability: 'lifecycle.rescue',
    choices: one,
    rule: (i) => R.rescue(i),
    call: (env, i) =>
      host(env, i).rescue(env.ctx, {
        ...ref(i),
        imageMeta: env.rescueImageMeta,
        rescuePassword: 'kit-model-rescue-pw',
      }),
  },
  unrescue: plain('lifecycle.rescue', 'unrescue', R.unrescue),
  softDelete: plain('lifecycle.softDelete', 'softDelete', R.softDelete),
  restore: plain('lifecycle.softDelete', 'restore', R.restore),
  triggerCrashDump: plain('lifecycle.crashDump', 'triggerCrashDump', R.triggerCrashDump),
  snapshot: {
    capability: 'image.snapshot',
    choices: one,
    rule: (i) => R.snapshot(i),
    call: async (env, i) => host(env, i).snapshot(env.ctx, { ...ref(i), imageId: await env.createImage(host(env, i)) }),
  },
  attachVolume: {
    capability: 'volume',
    choices: (e) => e.volumes * MOUNTPOINTS.length,
    label: volumeLabel,
    call: volumeCall('attachVolume'),
    rule: (i, arg, model) => R.attachVolume(i, volumeArg(arg).volume, volumeArg(arg).mountpoint, model),
  },
  detachVolume: {
    capability: 'volume',
    choices: (e) => e.volumes * MOUNTPOINTS.length,
    label: volumeLabel,
    call: volumeCall('detachVolume'),
    rule: (i, arg) => R.detachVolume(i, volumeArg(arg).volume, volumeArg(arg).mountpoint),
  },
  attachInterface: {
    capability: 'network.hotplug',
    choices: () => VIFS_PER_INSTANCE,
    label: (arg) => `, nic${arg}`,
    rule: (i, arg, _m, env) => {
      const vif = vifOf(env, i.uuid, arg);
      return R.attachInterface(i, vif.id, vif.address.toLowerCase());
    },
    call: (env, i, arg) =>
      host(env, i).attachInterface(env.ctx, { ...ref(i), imageMeta: env.imageMeta, vif: vifOf(env, i.uuid, arg) }),
  },
  detachInterface: {
    capability: 'network.hotplug',
    choices: () => VIFS_PER_INSTANCE,
    label: (arg) => `, nic${arg}`,
    rule: (i, arg, _m, env) => R.detachInterface(i, vifOf(env, i.uuid, arg).id),
    call: (env, i, arg) => host(env, i).detachInterface(env.ctx, { ...ref(i), vif: vifOf(env, i.uuid, arg) }),
  },
};
