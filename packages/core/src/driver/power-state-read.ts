import type { InstanceInfo } from '../model/instance-info.js';

/**
 * What a state rule reads of an instance before its call runs: the power state
 * and the two flags rules check (`rescued`, `softDeleted`). A full
 * {@link InstanceInfo} is one; a driver's `_getPowerState` may answer with
 * less (decision: docs/performance.md, "Fifth pass"). The SDK reads it at once
 * and never keeps it, so a driver may answer with an object it keeps itself
 * (the memory driver answers with its instance record: no allocation).
 */
export type PowerStateRead = Readonly<Pick<InstanceInfo, 'state' | 'rescued' | 'softDeleted'>>;
