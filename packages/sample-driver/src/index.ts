/**
 * A small driver written the way an out-of-tree vendor would: it depends on
 * the published `@virtkit/core` only (its built `.d.ts`, never its sources).
 * It keeps guests in a Map, which is enough to show composition, hooks and
 * the capability map; `@virtkit/memory` is the full reference driver.
 */
import {
  DriverBase,
  InstanceNotFoundError,
  PowerState,
  defineDriverClass,
  withLifecycle,
  withPause,
  type InstanceInfo,
  type InstanceRequest,
  type InstanceSummary,
  type OperationContext,
  type PowerOffRequest,
  type PowerOnRequest,
  type RebootRequest,
  type SpawnRequest,
  type DestroyRequest,
  type PauseRequest,
} from '@virtkit/core';

interface Guest {
  uuid: string;
  name: string;
  state: PowerState;
}

/** The sample driver: lifecycle and pause. */
export class SampleDriver extends withPause(withLifecycle(DriverBase)) {
  static override driverName = 'sample';
  static override driverVersion = '0.1.0';
  readonly #guests = new Map<string, Guest>();

  protected async _initHost(): Promise<void> {}
  protected async _getInfo(_ctx: OperationContext, { instance }: InstanceRequest): Promise<InstanceInfo> {
    return { state: this.#guest(instance.uuid).state };
  }
  protected async _listInstances(): Promise<InstanceSummary[]> {
    return [...this.#guests.values()].map(({ uuid, name }) => ({ uuid, name }));
  }
  protected async _getAvailableNodes(): Promise<string[]> {
    return ['sample-node'];
  }
  protected async _getHostIp(): Promise<string> {
    return '127.0.0.1';
  }
  protected async _spawn(_ctx: OperationContext, req: SpawnRequest): Promise<void> {
    const name = req.instance.name ?? `instance-${req.instance.uuid.slice(0, 8)}`;
    this.#guests.set(req.instance.uuid, {
      uuid: req.instance.uuid,
      name,
      state: req.powerOn === false ? PowerState.SHUTDOWN : PowerState.RUNNING,
    });
  }
  protected async _destroy(_ctx: OperationContext, req: DestroyRequest): Promise<void> {
    this.#guests.delete(req.instance.uuid);
  }
  protected async _reboot(_ctx: OperationContext, req: RebootRequest): Promise<void> {
    this.#guest(req.instance.uuid).state = PowerState.RUNNING;
  }
  protected async _powerOff(_ctx: OperationContext, req: PowerOffRequest): Promise<void> {
    this.#guest(req.instance.uuid).state = PowerState.SHUTDOWN;
  }
  protected async _powerOn(_ctx: OperationContext, req: PowerOnRequest): Promise<void> {
    this.#guest(req.instance.uuid).state = PowerState.RUNNING;
  }
  protected async _pause(_ctx: OperationContext, req: PauseRequest): Promise<void> {
    this.#guest(req.instance.uuid).state = PowerState.PAUSED;
  }
  protected async _unpause(_ctx: OperationContext, req: PauseRequest): Promise<void> {
    this.#guest(req.instance.uuid).state = PowerState.RUNNING;
  }

  #guest(uuid: string): Guest {
    const guest = this.#guests.get(uuid);
    if (!guest) throw new InstanceNotFoundError(uuid);
    return guest;
  }
}

/** What `loadDriver('@virtkit/sample-driver')` finds. */
export default defineDriverClass(SampleDriver, { description: 'sample driver built against the published types' });
