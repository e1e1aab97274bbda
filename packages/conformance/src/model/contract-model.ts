import { PowerState, type VirtkitErrorCode } from '@virtkit/core';

/**
 * One instance as the contract sees it: its power state, the rescued and
 * soft-deleted flags `getInfo` reports, the volumes attached by mountpoint
 * and the interfaces attached by VIF id. Nothing of any driver's internals.
 */
export interface ModelInstance {
  readonly uuid: string;
  /** Spawn order (1, 2, ...): how commands name the instance in a counterexample. */
  readonly ordinal: number;
  /** Index of the host the instance lives on (0 unless a migration pair is used). */
  host: number;
  state: PowerState;
  rescued: boolean;
  softDeleted: boolean;
  /** Mountpoint to the index of the volume (in the run's volume pool) attached there. */
  readonly volumes: Map<string, number>;
  /** VIF id to MAC (lower case) of the interfaces hot-plugged into the instance. */
  readonly interfaces: Map<string, string>;
}

/** The whole model of one sequence: the live instances and the uuids of destroyed ones. */
export interface ContractModel {
  /** Number of hosts (1, or 2 with a migration pair). */
  readonly hosts: number;
  /** Live instances, in spawn order. */
  readonly instances: ModelInstance[];
  /** Uuids of destroyed instances: every call on them but destroy is `INSTANCE_NOT_FOUND`. */
  readonly gone: string[];
  /** Instances spawned so far (names the next one). */
  spawned: number;
}

/**
 * What a call may do: succeed and change the instance as `apply` says, or
 * fail with `code` and change nothing. A rule lists every outcome the
 * contract allows; the driver must pick one of them.
 */
export type Outcome =
  | { readonly ok: true; readonly apply?: (instance: ModelInstance) => void }
  | { readonly ok: false; readonly code: VirtkitErrorCode };

/** A new, empty model. */
export function emptyModel(hosts: number): ContractModel {
  return { hosts, instances: [], gone: [], spawned: 0 };
}

/** A model instance just spawned (RUNNING, or SHUTDOWN with `powerOn: false`). */
export function spawnedInstance(model: ContractModel, uuid: string, host: number, powerOn: boolean): ModelInstance {
  model.spawned += 1;
  return {
    uuid,
    ordinal: model.spawned,
    host,
    state: powerOn ? PowerState.RUNNING : PowerState.SHUTDOWN,
    rescued: false,
    softDeleted: false,
    volumes: new Map(),
    interfaces: new Map(),
  };
}

/**
 * The lifecycle transition the contract emits for a power-state change (none when it is not a change worth telling).
 */
export function expectedTransition(prev: PowerState, next: PowerState): string | undefined {
  if (prev === next) return undefined;
  const live = (s: PowerState): boolean =>
    s === PowerState.RUNNING || s === PowerState.PAUSED || s === PowerState.SUSPENDED;
  switch (next) {
    case PowerState.RUNNING:
      return prev === PowerState.PAUSED || prev === PowerState.SUSPENDED ? 'RESUMED' : 'STARTED';
    case PowerState.PAUSED:
      return 'PAUSED';
    case PowerState.SUSPENDED:
      return 'SUSPENDED';
    default:
      return live(prev) ? 'STOPPED' : undefined;
  }
}

/** RUNNING, PAUSED, ... */
export function stateLabel(state: number): string {
  return Object.entries(PowerState).find(([, v]) => v === state)?.[0] ?? `UNKNOWN(${state})`;
}
