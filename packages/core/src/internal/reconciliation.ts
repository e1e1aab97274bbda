/**
 * Instances whose last operation was abandoned (its deadline passed or it was
 * aborted while its hook or an orchestrator callback was still running). The
 * SDK freed the instance's queue, but the hung work may still change the
 * instance later, so the SDK's last known power state of it cannot be trusted.
 * Per driver object; held weakly.
 */
const marks = new WeakMap<object, Set<string>>();
let count = 0;

/** Mark an instance as needing reconciliation. */
export function markForReconciliation(driver: object, instanceUuid: string): void {
  let set = marks.get(driver);
  if (set === undefined) marks.set(driver, (set = new Set()));
  if (!set.has(instanceUuid)) {
    set.add(instanceUuid);
    count++;
  }
}

/**
 * True when an operation on the instance was abandoned and no call has
 * re-read the instance since: the next queued call on it first reads its
 * state through the driver's `_getInfo` (emitting the lifecycle event of any
 * change the abandoned work made) before trusting the cached state; a caller
 * may call `getInfo` itself to see the truth.
 */
export function needsReconciliation(driver: object, instanceUuid: string): boolean {
  return count > 0 && marks.get(driver)?.has(instanceUuid) === true;
}

/** Clear the mark (the instance was re-read); returns whether it was set. Cheap when nothing is marked. */
export function clearReconciliation(driver: object, instanceUuid: string): boolean {
  if (count === 0) return false;
  const removed = marks.get(driver)?.delete(instanceUuid) === true;
  if (removed) count--;
  return removed;
}
