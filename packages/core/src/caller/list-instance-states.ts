import type { OperationContext } from '../context/operation-context.js';
import type { DriverBase } from '../driver/driver-base.js';
import { runtimeOf } from '../driver/driver-runtime.js';
import { isVirtkitError } from '../errors/virtkit-error.js';
import type { PowerState } from '../model/power-state.js';

/** One instance of {@link InstanceListing}. */
export interface InstanceStateView {
  readonly uuid: string;
  readonly state: PowerState;
  /** The driver's host (as its events name it). */
  readonly host: string;
}

/** Every instance of a driver with its state, as of one event sequence. */
export interface InstanceListing {
  /**
   * The sequence of the last event the listing includes: watch from here
   * (`watchEvents(driver, listing.sequence, ...)`) and nothing is missed or
   * seen twice.
   */
  readonly sequence: number;
  /** The driver's host. */
  readonly host: string;
  readonly instances: readonly InstanceStateView[];
}

/** How many unknown instances are read at once. */
const READ_CONCURRENCY = 16;

/**
 * List every instance of a driver with its power state in one call. Instances
 * the SDK has not seen yet (there before the driver started) are read once
 * with `getInfo`; the listing is then taken in one synchronous step from the
 * SDK's state table together with its event sequence, so it is exactly the
 * state after event `sequence`.
 * @throws what `listInstanceUuids` / `getInfo` throw (`DRIVER_ERROR`, `ABORTED`, `TIMEOUT`); an instance
 *   destroyed while being read is simply left out
 */
export async function listInstanceStates(driver: DriverBase, ctx: OperationContext = {}): Promise<InstanceListing> {
  const hub = runtimeOf(driver).events;
  const uuids = await driver.listInstanceUuids(ctx);
  const unknown = uuids.filter((uuid) => hub.stateOf(uuid) === undefined);
  for (let i = 0; i < unknown.length; i += READ_CONCURRENCY) {
    await Promise.all(unknown.slice(i, i + READ_CONCURRENCY).map((uuid) => readOnce(driver, ctx, uuid)));
  }
  const { sequence, states } = hub.snapshot();
  const host = hub.host;
  return { sequence, host, instances: states.map(([uuid, state]) => ({ uuid, state, host })) };
}

async function readOnce(driver: DriverBase, ctx: OperationContext, uuid: string): Promise<void> {
  try {
    await driver.getInfo(ctx, { instance: { uuid } });
  } catch (error) {
    if (!isVirtkitError(error, 'INSTANCE_NOT_FOUND')) throw error;
  }
}
