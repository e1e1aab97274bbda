// Type tests of the hooks that may answer synchronously (issue 16): `_getInfo`, `_powerOff` and `_powerOn` may
// return their result itself instead of a promise; the public calls stay promises. Compiled against dist.
import { expectTypeOf } from 'expect-type';
import {
  DriverBase,
  PowerState,
  withLifecycle,
  type InstanceInfo,
  type OperationContext,
  type PowerOffRequest,
} from '@virtkit/core';

const ctx: OperationContext = {};
const instance = { uuid: '7b1c6f1e-2f3a-4b5c-8d9e-0a1b2c3d4e5f' };

class Core extends DriverBase {
  protected _getInfo(): InstanceInfo {
    return { state: PowerState.RUNNING };
  }
  protected async _initHost(): Promise<void> {}
  protected async _listInstances() {
    return [];
  }
  protected async _getAvailableNodes() {
    return ['n'];
  }
  protected async _getHostIp() {
    return '127.0.0.1';
  }
}

/** Power hooks answering synchronously (no I/O) compile. */
export class SyncPower extends withLifecycle(Core) {
  protected async _spawn() {}
  protected async _destroy() {}
  protected async _reboot() {}
  protected _powerOff(_c: OperationContext, _r: PowerOffRequest): void {}
  protected _powerOn(): void {}
}

/** So do the usual async ones, and a hook that answers either way. */
export class MixedPower extends withLifecycle(Core) {
  protected async _spawn() {}
  protected async _destroy() {}
  protected async _reboot() {}
  protected async _powerOff() {}
  protected _powerOn(): void | Promise<void> {
    return Math.random() > 0.5 ? undefined : Promise.resolve();
  }
}

export class WrongPowerResult extends withLifecycle(Core) {
  protected async _spawn() {}
  protected async _destroy() {}
  protected async _reboot() {}
  // @ts-expect-error -- a power hook returns nothing (or a promise of nothing), not a value
  protected _powerOff(): number {
    return 1;
  }
  protected async _powerOn() {}
}

export class StillAsyncSpawn extends withLifecycle(Core) {
  // @ts-expect-error -- the other lifecycle hooks stay asynchronous: a synchronous _spawn does not compile
  protected _spawn(): void {}
  protected async _destroy() {}
  protected async _reboot() {}
  protected async _powerOff() {}
  protected async _powerOn() {}
}

declare const driver: SyncPower;
// The public calls are promises whatever the hooks return.
expectTypeOf(driver.powerOff(ctx, { instance })).resolves.toBeVoid();
expectTypeOf(driver.powerOn(ctx, { instance })).resolves.toBeVoid();
expectTypeOf(driver.getInfo(ctx, { instance })).resolves.toEqualTypeOf<InstanceInfo>();
