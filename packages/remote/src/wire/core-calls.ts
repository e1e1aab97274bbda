/**
 * The core calls every driver has that only read (each a typed RPC of its own): a read-only token may make them.
 */
export const CORE_READ_CALLS = [
  'getInfo',
  'listInstances',
  'listInstanceUuids',
  'countInstances',
  'instanceExists',
  'getAvailableNodes',
  'nodeIsAvailable',
  'getHostIp',
  'networkBindingHostId',
] as const;

/** Every core call of the contract: host set-up and clean-up, and the reads. */
export const CORE_CALL_NAMES = ['initHost', 'cleanupHost', ...CORE_READ_CALLS] as const;
