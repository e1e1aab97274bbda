import type { OperationContext } from '../../../context/operation-context.js';
import { defineCapability } from '../../../driver/define-capability.js';
import { declareCapability } from '../../declare-capability.js';
import type { Sealed } from '../../../driver/sealed-call.js';
import type { SharedStorageCapability } from '../interface.js';
import {
  CheckInstanceSharedStorageCleanupRequest,
  CheckInstanceSharedStorageLocalRequest,
  CheckInstanceSharedStorageRemoteRequest,
  type SharedStorageCheckData,
} from '../requests.js';
import type { MixinArgs } from '../../mixin-self.js';

/** Public calls and hooks of `migration.sharedStorage`. */
export declare abstract class SharedStorageShape {
  constructor(...args: MixinArgs);
  /** Leave a marker where the instance's files live; return null when this host cannot tell. */
  protected abstract _checkInstanceSharedStorageLocal(
    ctx: OperationContext,
    request: CheckInstanceSharedStorageLocalRequest,
  ): Promise<SharedStorageCheckData | null>;
  /** True when the other host's marker is visible from here. */
  protected abstract _checkInstanceSharedStorageRemote(
    ctx: OperationContext,
    request: CheckInstanceSharedStorageRemoteRequest,
  ): Promise<boolean>;
  /** Remove the marker. Default: nothing (the driver left none, or it removes it itself). */
  protected _checkInstanceSharedStorageCleanup(
    ctx: OperationContext,
    request: CheckInstanceSharedStorageCleanupRequest,
  ): Promise<void>;
}
export interface SharedStorageShape extends Sealed<SharedStorageCapability> {}

/** The declaration of `migration.sharedStorage`: its calls, hooks, rules and place in the contract. */
export const SHARED_STORAGE_CAPABILITY = declareCapability<SharedStorageCapability>()({
  name: 'migration.sharedStorage',
  family: 'migration',
  description:
    'find out whether two hosts see the same instance storage. One host leaves a marker ' +
    '(`Local`), the other looks for it (`Remote`), then the first removes it (`Cleanup`).',
  status: 'optional',
  requires: ['lifecycle'],
  methods: {
    checkInstanceSharedStorageLocal: {
      hook: '_checkInstanceSharedStorageLocal',
      request: CheckInstanceSharedStorageLocalRequest,
      instance: true,
    },
    checkInstanceSharedStorageRemote: {
      hook: '_checkInstanceSharedStorageRemote',
      request: CheckInstanceSharedStorageRemoteRequest,
    },
    checkInstanceSharedStorageCleanup: {
      hook: '_checkInstanceSharedStorageCleanup',
      request: CheckInstanceSharedStorageCleanupRequest,
    },
  },
  defaults: {
    async _checkInstanceSharedStorageCleanup() {},
  },
  calls: [
    {
      referenceName: 'check_instance_shared_storage_local',
      method: 'checkInstanceSharedStorageLocal',
      kind: 'required',
      summary: 'On one host, leave a marker in the instance directory for the shared-storage probe.',
    },
    {
      referenceName: 'check_instance_shared_storage_remote',
      method: 'checkInstanceSharedStorageRemote',
      kind: 'required',
      summary: 'On the other host, look for that marker: finding it means the storage is shared.',
    },
    {
      referenceName: 'check_instance_shared_storage_cleanup',
      method: 'checkInstanceSharedStorageCleanup',
      kind: 'hook',
      summary: 'Remove the marker of the shared-storage probe.',
    },
  ],
});

/** Adds `migration.sharedStorage` to a driver class (apply after `withLifecycle`). */
export const withSharedStorage = defineCapability<typeof SharedStorageShape>(SHARED_STORAGE_CAPABILITY);
