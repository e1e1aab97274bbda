// Type tests, compiled against the BUILT packages (dist .d.ts): `@ts-expect-error` lines must fail to compile.
import { expectTypeOf } from 'expect-type';
import {
  DriverBase,
  PowerState,
  withLifecycle,
  withPause,
  type InstanceInfo,
  type OperationContext,
  type CapabilityMap,
} from '@virtkit/core';
import { SampleDriver } from '@virtkit/sample-driver';

const ctx: OperationContext = {};
const instance = { uuid: '7b1c6f1e-2f3a-4b5c-8d9e-0a1b2c3d4e5f' };

/** A complete minimal driver compiles. */
export class MinimalDriver extends DriverBase {
  protected async _initHost(): Promise<void> {}
  protected async _getInfo(): Promise<InstanceInfo> {
    return { state: PowerState.NOSTATE };
  }
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

// @ts-expect-error -- a driver that misses a core hook (_getHostIp) does not compile
export class MissingCoreHook extends DriverBase {
  protected async _initHost(): Promise<void> {}
  protected async _getInfo(): Promise<InstanceInfo> {
    return { state: PowerState.NOSTATE };
  }
  protected async _listInstances() {
    return [];
  }
  protected async _getAvailableNodes() {
    return ['n'];
  }
}

// @ts-expect-error -- applying lifecycle.pause and missing _unpause does not compile
export class MissingPauseHook extends withPause(withLifecycle(MinimalDriver)) {
  protected async _spawn() {}
  protected async _destroy() {}
  protected async _reboot() {}
  protected async _powerOff() {}
  protected async _powerOn() {}
  protected async _pause() {}
}

declare const sample: SampleDriver;
// Advertised calls are typed.
expectTypeOf(sample.pause).parameter(1).toHaveProperty('instance');
expectTypeOf(sample.getInfo(ctx, { instance })).resolves.toEqualTypeOf<InstanceInfo>();
expectTypeOf(sample.capabilities).toEqualTypeOf<CapabilityMap>();
// @ts-expect-error -- sample does not advertise lifecycle.suspend: no suspend on its type
void sample.suspend(ctx, { instance });
// @ts-expect-error -- hooks are protected: callers go through the guarded surface
void sample._pause(ctx, { instance });
// @ts-expect-error -- requests are typed: rebootType must be SOFT or HARD
void sample.reboot(ctx, { instance, rebootType: 'MEDIUM' });
