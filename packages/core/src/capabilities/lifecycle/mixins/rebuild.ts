import type { OperationContext } from '../../../context/operation-context.js';
import { defineCapability } from '../../../driver/define-capability.js';
import { PowerState } from '../../../model/power-state.js';
import type { RebuildCapability } from '../interface.js';
import { RebuildRequest } from '../requests.js';

const { RUNNING, SHUTDOWN, CRASHED, PAUSED, SUSPENDED, NOSTATE } = PowerState;

/** Public calls and hooks of `lifecycle.rebuild`. */
export declare abstract class RebuildShape {
  constructor(...args: any[]);
  /**
   * Default: detach volumes (orchestrator callback), destroy the guest (keeping
   * disks when `recreate`), re-attach volumes, spawn it again from the new image.
   */
  protected _rebuild(ctx: OperationContext, request: RebuildRequest): Promise<void>;
}
export interface RebuildShape extends RebuildCapability {}

/** Adds `lifecycle.rebuild` to a driver class (apply after `withLifecycle`); the default hook works for any driver. */
export const withRebuild = defineCapability<typeof RebuildShape>({
  name: 'lifecycle.rebuild',
  requires: ['lifecycle'],
  methods: {
    rebuild: { hook: '_rebuild', request: RebuildRequest, instance: true, state: { from: [RUNNING, SHUTDOWN, CRASHED, PAUSED, SUSPENDED, NOSTATE], to: RUNNING } },
  },
  defaults: {
    async _rebuild(this: any, ctx: OperationContext, request: RebuildRequest) {
      await request.detachBlockDevices?.();
      await this._destroy(ctx, { instance: request.instance, networkInfo: request.networkInfo, destroyDisks: !request.recreate });
      const blockDeviceInfo = (await request.attachBlockDevices?.()) ?? request.blockDeviceInfo;
      await this._spawn(ctx, {
        instance: request.instance, imageMeta: request.imageMeta, injectedFiles: request.injectedFiles,
        adminPassword: request.adminPassword, allocations: request.allocations, networkInfo: request.networkInfo,
        blockDeviceInfo, accelInfo: request.accelInfo, powerOn: true,
      });
    },
  },
});
