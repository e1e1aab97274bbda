// The sealed surface, compiled against the BUILT packages: a driver implements hooks; redefining a guarded call does
// not compile.
import { expectTypeOf } from 'expect-type';
import {
  DriverBase,
  PowerState,
  withLifecycle,
  withPause,
  withLiveMigration,
  type InstanceInfo,
  type OperationContext,
  type PauseCapability,
  type PauseRequest,
  type InstanceRequest,
} from '@virtkit/core';
import { MemoryDriver } from '@virtkit/memory';
import { SampleDriver } from '@virtkit/sample-driver';

const ctx: OperationContext = {};
const instance = { uuid: '7b1c6f1e-2f3a-4b5c-8d9e-0a1b2c3d4e5f' };

abstract class Core extends DriverBase {
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

/** Hooks, default ones included, stay overridable. */
export class HooksOnly extends withPause(withLifecycle(Core)) {
  protected async _spawn() {}
  protected async _destroy() {}
  protected async _reboot() {}
  protected async _powerOff() {}
  protected async _powerOn() {}
  protected async _pause() {}
  protected async _unpause() {}
  protected override async _networkBindingHostId() {
    return 'custom';
  }
}

export class RedefinesPause extends HooksOnly {
  // @ts-expect-error -- a mixin's guarded call (pause) cannot be redefined as a method
  override async pause(_ctx: OperationContext, _request: PauseRequest): Promise<void> {}
}

export class RedefinesPauseAsField extends HooksOnly {
  // @ts-expect-error -- nor as an arrow-function field
  override pause = async (_ctx: OperationContext, _request: PauseRequest): Promise<void> => {};
}

export class RedefinesGetInfo extends Core {
  // @ts-expect-error -- a core call of DriverBase (getInfo) cannot be redefined
  override async getInfo(_ctx: OperationContext, _request: InstanceRequest): Promise<InstanceInfo> {
    return { state: PowerState.RUNNING };
  }
}

export class RedefinesListInstances extends Core {
  // @ts-expect-error -- listInstances neither, even without `override`
  async listInstances(): Promise<string[]> {
    return [];
  }
}

export abstract class RedefinesLiveMigration extends withLiveMigration(withLifecycle(Core)) {
  // @ts-expect-error -- nor a call of a deeper capability (migration.live)
  override async liveMigration(): Promise<void> {}
}

declare const sample: SampleDriver;
// @ts-expect-error -- capabilities is read-only
sample.capabilities = sample.capabilities;

// Callers see ordinary calls: callable, typed, and the driver still satisfies the capability interface.
declare const driver: HooksOnly;
expectTypeOf(driver.pause(ctx, { instance })).resolves.toEqualTypeOf<void>();
expectTypeOf(driver).toMatchTypeOf<PauseCapability>();
const asInterface: PauseCapability = driver;
void asInterface;

// Through a bundled driver's .d.ts too: a subclass of the memory driver cannot redefine its calls.
export class SneakyMemory extends MemoryDriver {
  // @ts-expect-error -- pause is sealed in @virtkit/memory's declarations as well
  override async pause(): Promise<void> {}
  // @ts-expect-error -- and so is listInstances
  override listInstances = async (): Promise<string[]> => [];
  /** A hook stays overridable. */
  protected override _getHostIp(): Promise<string> {
    return Promise.resolve('10.0.0.1');
  }
}
