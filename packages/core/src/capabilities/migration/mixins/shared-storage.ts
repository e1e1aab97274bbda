import type { OperationContext } from '../../../context/operation-context.js';
import { defineCapability } from '../../../driver/define-capability.js';
import type { Sealed } from '../../../driver/sealed-call.js';
import type { SharedStorageCapability } from '../interface.js';
import {
  CheckInstanceSharedStorageCleanupRequest, CheckInstanceSharedStorageLocalRequest, CheckInstanceSharedStorageRemoteRequest,
  type SharedStorageCheckData,
} from '../requests.js';

/** Public calls and hooks of `migration.sharedStorage`. */
export declare abstract class SharedStorageShape {
  constructor(...args: any[]);
  /** Leave a marker where the instance's files live; return null when this host cannot tell. */
  protected abstract _checkInstanceSharedStorageLocal(
    ctx: OperationContext, request: CheckInstanceSharedStorageLocalRequest,
  ): Promise<SharedStorageCheckData | null>;
  /** True when the other host's marker is visible from here. */
  protected abstract _checkInstanceSharedStorageRemote(ctx: OperationContext, request: CheckInstanceSharedStorageRemoteRequest): Promise<boolean>;
  /** Remove the marker. Default: nothing (the driver left none, or it removes it itself). */
  protected _checkInstanceSharedStorageCleanup(ctx: OperationContext, request: CheckInstanceSharedStorageCleanupRequest): Promise<void>;
}
export interface SharedStorageShape extends Sealed<SharedStorageCapability> {}

/** Adds `migration.sharedStorage` to a driver class (apply after `withLifecycle`). */
export const withSharedStorage = defineCapability<typeof SharedStorageShape>({
  name: 'migration.sharedStorage',
  requires: ['lifecycle'],
  methods: {
    checkInstanceSharedStorageLocal: { hook: '_checkInstanceSharedStorageLocal', request: CheckInstanceSharedStorageLocalRequest, instance: true },
    checkInstanceSharedStorageRemote: { hook: '_checkInstanceSharedStorageRemote', request: CheckInstanceSharedStorageRemoteRequest },
    checkInstanceSharedStorageCleanup: { hook: '_checkInstanceSharedStorageCleanup', request: CheckInstanceSharedStorageCleanupRequest },
  },
  defaults: {
    async _checkInstanceSharedStorageCleanup() {},
  },
});
