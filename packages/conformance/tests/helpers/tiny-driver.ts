import {
  DriverBase,
  InstanceNotFoundError,
  InsufficientResourcesError,
  PowerState,
  withLifecycle,
  withPause,
  type InstanceInfo,
  type InstanceSummary,
  type OperationContext,
} from '@virtkit/core';

/** The request fields the tiny driver reads. */
export type Req = {
  instance: { uuid: string; name?: string; flavor?: { vcpus: number; memoryMb: number } };
  powerOn?: boolean;
};

/** What the tiny driver's one host holds per instance. */
export const TINY_CAPACITY = { vcpus: 64, memoryMb: 256 * 1024 };

/**
 * A small correct driver for the kit's own tests: guests in a Map, lifecycle
 * and pause, composed like the sample driver. Broken drivers subclass it.
 */
export class TinyDriver extends withPause(withLifecycle(DriverBase)) {
  static override driverName = 'tiny';
  static override driverVersion = '1.2.3';
  readonly guests = new Map<string, { name: string; state: PowerState }>();

  protected async _initHost(): Promise<void> {}
  protected async _getInfo(_c: OperationContext, r: Req): Promise<InstanceInfo> {
    return { state: this.guest(r.instance.uuid).state };
  }
  protected async _listInstances(): Promise<InstanceSummary[]> {
    return [...this.guests].map(([uuid, g]) => ({ uuid, name: g.name }));
  }
  protected async _getAvailableNodes(): Promise<string[]> {
    return ['tiny-node'];
  }
  protected async _getHostIp(): Promise<string> {
    return '127.0.0.1';
  }
  protected async _spawn(_c: OperationContext, r: Req): Promise<void> {
    const flavor = r.instance.flavor;
    if (flavor && flavor.vcpus > TINY_CAPACITY.vcpus)
      throw new InsufficientResourcesError('VCPU', `${flavor.vcpus} vCPUs wanted, ${TINY_CAPACITY.vcpus} on this host`);
    if (flavor && flavor.memoryMb > TINY_CAPACITY.memoryMb)
      throw new InsufficientResourcesError(
        'MEMORY_MB',
        `${flavor.memoryMb} MiB wanted, ${TINY_CAPACITY.memoryMb} on this host`,
      );
    this.guests.set(r.instance.uuid, {
      name: r.instance.name ?? r.instance.uuid,
      state: r.powerOn === false ? PowerState.SHUTDOWN : PowerState.RUNNING,
    });
  }
  protected async _destroy(_c: OperationContext, r: Req): Promise<void> {
    this.guest(r.instance.uuid);
    this.guests.delete(r.instance.uuid);
  }
  protected async _reboot(_c: OperationContext, r: Req): Promise<void> {
    this.guest(r.instance.uuid).state = PowerState.RUNNING;
  }
  protected async _powerOff(_c: OperationContext, r: Req): Promise<void> {
    this.guest(r.instance.uuid).state = PowerState.SHUTDOWN;
  }
  protected async _powerOn(_c: OperationContext, r: Req): Promise<void> {
    this.guest(r.instance.uuid).state = PowerState.RUNNING;
  }
  protected async _pause(_c: OperationContext, r: Req): Promise<void> {
    this.guest(r.instance.uuid).state = PowerState.PAUSED;
  }
  protected async _unpause(_c: OperationContext, r: Req): Promise<void> {
    this.guest(r.instance.uuid).state = PowerState.RUNNING;
  }

  guest(uuid: string): { name: string; state: PowerState } {
    const g = this.guests.get(uuid);
    if (!g) throw new InstanceNotFoundError(uuid);
    return g;
  }
}
