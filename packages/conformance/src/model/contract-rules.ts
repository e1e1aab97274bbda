import { PowerState } from '@virtkit/core';
import type { ContractModel, ModelInstance, Outcome } from './contract-model.js';

const { RUNNING, PAUSED, SHUTDOWN, SUSPENDED, CRASHED } = PowerState;

// The contract's state rules, as the model applies them. Where the contract
// leaves a hypervisor free to refuse a call on a rescued or soft-deleted
// instance (rebooting a rescued guest, snapshotting one), the rule lists
// `INVALID_STATE` as a second allowed outcome; what it never allows is a
// refusal that changes something, or a success that lands elsewhere.
//
// Assumptions beyond the SDK's power-state rules (documented in docs/reliability.md):
// - a soft-deleted instance stays stopped until `restore` (or destroy): powerOn,
//   hard reboot, rescue and unrescue of it are INVALID_STATE;
// - flags survive power changes: a rescued instance stays rescued when stopped and started.

const ok = (apply?: (i: ModelInstance) => void): Outcome => ({ ok: true, apply });
const refused = (code: 'INVALID_STATE' | 'CONFLICT' | 'INSTANCE_EXISTS' = 'INVALID_STATE'): Outcome => ({
  ok: false,
  code,
});
const to = (state: PowerState, more?: (i: ModelInstance) => void): Outcome =>
  ok((i) => {
    i.state = state;
    more?.(i);
  });
const unchanged = ok();

/** True when the instance is in one of `states`. */
const isIn = (i: ModelInstance, states: readonly PowerState[]): boolean => states.includes(i.state);

/** A hypervisor may also refuse (changing nothing) while the instance is rescued or soft-deleted. */
function orFlagRefusal(i: ModelInstance, outcomes: Outcome[]): Outcome[] {
  return i.rescued || i.softDeleted ? [...outcomes, refused()] : outcomes;
}

/** `from` states go to `target`; `target` itself is a no-op; anything else is INVALID_STATE. */
function move(i: ModelInstance, from: readonly PowerState[], target: PowerState): Outcome[] {
  if (i.state === target) return [unchanged];
  return [isIn(i, from) ? to(target) : refused()];
}

/** Rules of the calls on one existing instance; `arg` is the command's extra choice. */
export const CONTRACT_RULES = {
  powerOff: (i: ModelInstance): Outcome[] => move(i, [RUNNING, PAUSED, SUSPENDED, CRASHED], SHUTDOWN),
  powerOn: (i: ModelInstance): Outcome[] => {
    if (i.state === RUNNING) return [unchanged];
    if (i.softDeleted) return [refused()];
    return orFlagRefusal(i, move(i, [SHUTDOWN, CRASHED], RUNNING));
  },
  reboot: (i: ModelInstance, hard: boolean): Outcome[] => {
    if (!hard) return i.state === RUNNING ? orFlagRefusal(i, [to(RUNNING)]) : [refused()];
    return i.softDeleted ? [refused()] : orFlagRefusal(i, [to(RUNNING)]);
  },
  pause: (i: ModelInstance): Outcome[] =>
    i.state === PAUSED ? [unchanged] : orFlagRefusal(i, move(i, [RUNNING], PAUSED)),
  unpause: (i: ModelInstance): Outcome[] => move(i, [PAUSED], RUNNING),
  suspend: (i: ModelInstance): Outcome[] =>
    i.state === SUSPENDED ? [unchanged] : orFlagRefusal(i, move(i, [RUNNING], SUSPENDED)),
  resume: (i: ModelInstance): Outcome[] => move(i, [SUSPENDED], RUNNING),
  rescue: (i: ModelInstance): Outcome[] => {
    if (i.rescued) return [unchanged];
    if (i.softDeleted || !isIn(i, [RUNNING, SHUTDOWN, CRASHED])) return [refused()];
    return [to(RUNNING, (x) => void (x.rescued = true))];
  },
  unrescue: (i: ModelInstance): Outcome[] => {
    if (!i.rescued) return [unchanged];
    if (i.softDeleted || !isIn(i, [RUNNING, SHUTDOWN, CRASHED, PAUSED])) return [refused()];
    return [to(RUNNING, (x) => void (x.rescued = false))];
  },
  softDelete: (i: ModelInstance): Outcome[] => {
    if (i.softDeleted) return [unchanged];
    return orFlagRefusal(i, [to(SHUTDOWN, (x) => void (x.softDeleted = true))]);
  },
  restore: (i: ModelInstance): Outcome[] =>
    i.softDeleted ? [to(RUNNING, (x) => void (x.softDeleted = false))] : [unchanged],
  triggerCrashDump: (i: ModelInstance): Outcome[] =>
    i.state === RUNNING ? orFlagRefusal(i, [unchanged]) : [refused()],
  snapshot: (i: ModelInstance): Outcome[] =>
    isIn(i, [RUNNING, PAUSED, SUSPENDED, SHUTDOWN]) ? orFlagRefusal(i, [unchanged]) : [refused()],
  attachVolume: (i: ModelInstance, volume: number, mountpoint: string, model: ContractModel): Outcome[] => {
    const held = model.instances.some((other) => [...other.volumes.values()].includes(volume));
    const refusals: Outcome[] = i.state === SUSPENDED || i.state === CRASHED ? [refused()] : [];
    // Already attached exactly as asked: a retry, success with no change (#18).
    if (i.volumes.get(mountpoint) === volume) return orFlagRefusal(i, [unchanged, ...refusals]);
    if (i.volumes.has(mountpoint) || held) return orFlagRefusal(i, [refused('CONFLICT'), ...refusals]);
    return orFlagRefusal(i, [ok((x) => void x.volumes.set(mountpoint, volume)), ...refusals]);
  },
  /** Detaching what is not attached there succeeds and changes nothing. */
  detachVolume: (i: ModelInstance, volume: number, mountpoint: string): Outcome[] => {
    const refusals: Outcome[] = i.state === SUSPENDED || i.state === CRASHED ? [refused()] : [];
    if (i.volumes.get(mountpoint) !== volume) return [unchanged, ...refusals];
    return orFlagRefusal(i, [ok((x) => void x.volumes.delete(mountpoint)), ...refusals]);
  },
  attachInterface: (i: ModelInstance, vifId: string, mac: string): Outcome[] => {
    if (!isIn(i, [RUNNING, PAUSED, SHUTDOWN])) return [refused()];
    if (i.interfaces.has(vifId)) return [unchanged];
    return orFlagRefusal(i, [ok((x) => void x.interfaces.set(vifId, mac))]);
  },
  detachInterface: (i: ModelInstance, vifId: string): Outcome[] => {
    if (!isIn(i, [RUNNING, PAUSED, SHUTDOWN])) return [refused()];
    return [i.interfaces.has(vifId) ? ok((x) => void x.interfaces.delete(vifId)) : unchanged];
  },
  /** Live migration to the other host: RUNNING and PAUSED instances move, keeping everything; others stay. */
  liveMigrate: (i: ModelInstance, destination: number): Outcome[] => {
    if (i.state !== RUNNING && i.state !== PAUSED) return [refused()];
    const moved = ok((x) => void (x.host = destination));
    return i.rescued ? [moved, refused(), { ok: false, code: 'MIGRATION_FAILED' }] : [moved];
  },
  /** The guest crashes or shuts itself down (a live guest only). */
  guestStops: (i: ModelInstance, crash: boolean): Outcome[] => [to(crash ? CRASHED : SHUTDOWN)],
} as const;

/** Does a call succeed or fail in a way one of `outcomes` allows? Returns the matching outcome. */
export function matchOutcome(
  outcomes: readonly Outcome[],
  result: { ok: true } | { ok: false; code: string },
): Outcome | undefined {
  return outcomes.find((o) => (o.ok ? result.ok : !result.ok && o.code === result.code));
}

/** `ok`, `INVALID_STATE`, ... for messages. */
export function describeOutcomes(outcomes: readonly Outcome[]): string {
  return outcomes.map((o) => (o.ok ? 'success' : o.code)).join(' or ');
}
