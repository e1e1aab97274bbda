import type { PowerState } from './power-state.js';

/** What happened to an instance, in the reference contract's vocabulary. */
export const LifecycleTransition = {
  STARTED: 'STARTED',
  STOPPED: 'STOPPED',
  PAUSED: 'PAUSED',
  RESUMED: 'RESUMED',
  SUSPENDED: 'SUSPENDED',
  POSTCOPY_STARTED: 'POSTCOPY_STARTED',
  MIGRATION_COMPLETED: 'MIGRATION_COMPLETED',
} as const;

/** One of the {@link LifecycleTransition} names. */
export type LifecycleTransition = (typeof LifecycleTransition)[keyof typeof LifecycleTransition];

/** Emitted once per power-state change, in the order the changes happened. */
export interface LifecycleEvent {
  /** Monotonic per driver: a listener can check it saw every event in order. */
  readonly sequence: number;
  readonly instanceUuid: string;
  readonly transition: LifecycleTransition;
  /** The power state after the change. */
  readonly state: PowerState;
  /** The power state before the change, when known. */
  readonly previousState: PowerState | undefined;
  /** Milliseconds since the epoch. */
  readonly timestamp: number;
}
