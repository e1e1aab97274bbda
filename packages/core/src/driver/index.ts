export { DriverBase, DRIVER_BRAND } from './driver-base.js';
export type { PowerStateRead } from './power-state-read.js';
export {
  defineCapability,
  installMethods,
  type AbstractConstructor,
  type CapabilityMixin,
} from './define-capability.js';
export type {
  CapabilitySpec,
  MethodSpec,
  StateRule,
  HookCall,
  MethodSpecOf,
  MethodSpecsOf,
  CallRequest,
  CallResult,
  DefaultHook,
} from './method-spec.js';
export {
  InstanceRequest,
  FullInstanceRequest,
  GetInfoRequest,
  HostRequest,
  GetAvailableNodesRequest,
  NodeRequest,
  type InstanceSummary,
} from './core-requests.js';
export { SILENT_LOGGER, type HostApi, type DriverLogger } from './host-api.js';
export {
  transitionFor,
  driverHostName,
  DEFAULT_EVENT_REPLAY_WINDOW,
  MAX_EVENT_REPLAY_WINDOW,
  type DriverEvents,
  type DriverEventName,
  type EventsSince,
} from './lifecycle-events.js';
export { assertSealed, SealedCallError, type Sealed, type SealedCall } from './sealed-call.js';
export type { CoreCalls } from './driver-base.js';
export { constructForwardingDriver, isForwardingDriver } from './forwarded-map.js';
