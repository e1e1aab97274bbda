/**
 * Power state of an instance as the hypervisor sees it. The numbers match the
 * reference contract so orchestrators can store them unchanged.
 */
export const PowerState = {
  NOSTATE: 0,
  RUNNING: 1,
  PAUSED: 3,
  SHUTDOWN: 4,
  CRASHED: 6,
  SUSPENDED: 7,
} as const;

/** One of the {@link PowerState} numbers. */
export type PowerState = (typeof PowerState)[keyof typeof PowerState];

const NAMES: Record<number, string> = Object.fromEntries(Object.entries(PowerState).map(([k, v]) => [v, k]));

/** The symbolic name of a power state (`RUNNING`), or `UNKNOWN(n)` for a number outside the set. */
export function powerStateName(state: number): string {
  return NAMES[state] ?? `UNKNOWN(${state})`;
}

/** True when `value` is one of the {@link PowerState} numbers. */
export function isPowerState(value: unknown): value is PowerState {
  return typeof value === 'number' && NAMES[value] !== undefined;
}
