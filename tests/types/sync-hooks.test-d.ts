// Type tests of the hooks that may answer synchronously (issue 16): `_powerOff` and `_powerOn` (like `_getInfo`)
// may return their result itself instead of a promise; the public calls stay promises. Compiled against dist.
import { expectTypeOf } from 'expect-type';
import { withLifecycle, type InstanceInfo, type OperationContext, type PowerOffRequest } from '@virtkit/core';
import { MinimalDriver } from './composition.test-d.js';

const ctx: OperationContext = {};
const instance = { uuid: '7b1c6f1e-2f3a-4b5c-8d9e-0a1b2c3d4e5f' };

/** Power hooks answering synchronously (no I/O) compile. */
export class SyncPower extends withLifecycle(MinimalDriver) {
  protected async _spawn() {}
  protected async _destroy() {}
  protected async _reboot() {}
  protected _powerOff(_c: OperationContext, _r: PowerOffRequest): void {}
  protected _powerOn(): void {}
}

/** So do the usual async ones, and a hook that answers either way. */
export class MixedPower extends withLifecycle(MinimalDriver) {
  protected async _spawn() {}
  protected async _destroy() {}
  protected async _reboot() {}
  protected async _powerOff() {}
  protected _powerOn(): void | Promise<void> {
    return Math.random() > 0.5 ? undefined : Promise.resolve();
  }
}

export class WrongPowerResult extends withLifecycle(MinimalDriver) {
  protected async _spawn() {}
  protected async _destroy() {}
  protected async _reboot() {}
  // @ts-expect-error -- a power hook returns nothing (or a promise of nothing), not a value
  protected _powerOff(): number {
    return 1;
  }
  protected async _powerOn() {}
}

export class StillAsyncSpawn extends withLifecycle(MinimalDriver) {
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
