// Type tests of the optional read hooks of issue 16, fifth pass: `_getPowerState` (what a state rule reads) and
// `_listInstanceNames` (what `listInstances` lists). Both have defaults, so drivers without them compile
// unchanged; an override is typed. Compiled against dist.
import { expectTypeOf } from 'expect-type';
import {
  PowerState,
  withLifecycle,
  type InstanceInfo,
  type InstanceRequest,
  type OperationContext,
  type PowerStateRead,
  type StateRule,
} from '@virtkit/core';
import { MinimalDriver } from './composition.test-d.js';

const ctx: OperationContext = {};

/** A state read answering synchronously with the three fields rules read compiles (no whole InstanceInfo). */
export class SyncStateRead extends MinimalDriver {
  protected override _getPowerState(_c: OperationContext, _r: InstanceRequest): PowerStateRead {
    return { state: PowerState.RUNNING, rescued: false };
  }
  protected override async _listInstanceNames(): Promise<string[]> {
    return ['vm-1'];
  }
}

/** So does one answering with a promise, and a full InstanceInfo (what the default answers). */
export class AsyncStateRead extends MinimalDriver {
  protected override async _getPowerState(): Promise<InstanceInfo> {
    return { state: PowerState.SHUTDOWN, internalId: 'x' };
  }
}

/** A driver without either hook compiles: the defaults read `_getInfo` and `_listInstances`. */
export class Defaults extends withLifecycle(MinimalDriver) {
  protected async _spawn() {}
  protected async _destroy() {}
  protected async _reboot() {}
  protected async _powerOff() {}
  protected async _powerOn() {}
}

export class StateReadWithoutState extends MinimalDriver {
  protected override _getPowerState(): PowerStateRead {
    // @ts-expect-error -- a state read must name the power state
    return { rescued: true };
  }
}

export class StateReadWrongFlag extends MinimalDriver {
  protected override _getPowerState(): PowerStateRead {
    // @ts-expect-error -- the flags are booleans
    return { state: PowerState.RUNNING, softDeleted: 'no' };
  }
}

export class NamesNotStrings extends MinimalDriver {
  // @ts-expect-error -- the names listing is a list of strings
  protected override async _listInstanceNames(): Promise<number[]> {
    return [1];
  }
}

declare const driver: SyncStateRead;
// The hooks stay protected: callers use the public calls, which stay promises.
// @ts-expect-error -- _getPowerState is a hook, not a public call
void driver._getPowerState(ctx, { instance: { uuid: 'u' } });
expectTypeOf(driver.listInstances(ctx)).resolves.toEqualTypeOf<string[]>();

// A state rule's noop and refuse read a PowerStateRead: the state and the two flags, nothing else.
const rule: StateRule = {
  from: [PowerState.RUNNING],
  noop: (info) => info.state === PowerState.SHUTDOWN && info.rescued !== true && info.softDeleted !== true,
};
expectTypeOf(rule.noop).parameter(0).toEqualTypeOf<PowerStateRead>();
export const badRule: StateRule = {
  from: [PowerState.RUNNING],
  // @ts-expect-error -- a rule cannot read what the state read does not carry (the internal id, CPU time)
  noop: (info) => info.internalId === 'x',
};
