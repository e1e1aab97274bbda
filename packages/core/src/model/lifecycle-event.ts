import type { PowerState } from './power-state.js';

/** What happened to an instance, in the reference contract's vocabulary plus the moves between hosts. */
export const LifecycleTransition = {
  STARTED: 'STARTED',
  STOPPED: 'STOPPED',
  PAUSED: 'PAUSED',
  RESUMED: 'RESUMED',
  SUSPENDED: 'SUSPENDED',
  POSTCOPY_STARTED: 'POSTCOPY_STARTED',
  MIGRATION_COMPLETED: 'MIGRATION_COMPLETED',
  /** The instance left this host for `peerHost` (live migration done, or cold migration confirmed). */
  MIGRATED_AWAY: 'MIGRATED_AWAY',
  /** The instance arrived on this host from `peerHost` (when the source is known). */
  MIGRATED_IN: 'MIGRATED_IN',
  /** The instance was destroyed on this host; it no longer exists here. */
  DELETED: 'DELETED',
} as const;

/** One of the {@link LifecycleTransition} names. */
export type LifecycleTransition = (typeof LifecycleTransition)[keyof typeof LifecycleTransition];

/**
 * Emitted once per power-state change (and per move between hosts, and per
 * destroy), in the order things happened. Maps one to one onto the remote
 * event stream (`host`, `peer_host`, `sequence`).
 */
export interface LifecycleEvent {
  /**
   * Per driver, 1, 2, 3...: no gaps, never reused. A listener can check it saw
   * every event; `eventsSince(driver, n)` replays those after `n`.
   */
  readonly sequence: number;
  readonly instanceUuid: string;
  readonly transition: LifecycleTransition;
  /** The power state after the change (for DELETED and MIGRATED_AWAY: the last state the instance had here). */
  readonly state: PowerState;
  /** The power state before the change, when known. */
  readonly previousState: PowerState | undefined;
  /** Milliseconds since the epoch. */
  readonly timestamp: number;
  /** The host of the driver that emitted the event (see `driverHostName`). */
  readonly host: string;
  /** MIGRATED_AWAY: the destination; MIGRATED_IN: the source, when the driver was told it. */
  readonly peerHost?: string;
}
