import {
  DriverBase,
  type HostApi,
  type InstanceInfo,
  type InstanceRequest,
  type InstanceSummary,
  type OperationContext,
} from '@virtkit/core';
import { processCpuTimeNs } from './capabilities/lifecycle/instances.js';
import { resolveQemuConfig, type QemuConfig } from './qemu-config.js';
import { QemuHost } from './runtime/qemu-host.js';
import type { Vm } from './runtime/vm.js';

/**
 * What every family of {@link QemuDriver} stands on: the validated options, the instances and their state root,
 * and the core calls every driver has (host set-up, `getInfo`, listing). The families' hooks are layered on it,
 * one class a family (`capabilities/<family>/<family>-hooks.ts`), in the order their mixins must compose.
 */
export abstract class QemuDriverCore extends DriverBase {
  /** The validated options, defaults applied. */
  readonly config: QemuConfig;

  /** The instances of this driver and their state root. */
  protected readonly qemu: QemuHost;

  constructor(hostApi: HostApi = {}) {
    super(hostApi);
    this.config = resolveQemuConfig(hostApi);
    this.qemu = new QemuHost(this.config, this.logger, (uuid, state) => this.reportPowerState(uuid, state));
  }

  /** The state root in use (created on first use). */
  get stateRoot(): string | undefined {
    return this.qemu.rootPath;
  }

  /**
   * Stop (or, with `keepInstancesOnCleanup`, let go of) every QEMU process and remove a private state root. Idempotent.
   */
  async close(): Promise<void> {
    await this.qemu.shutdown();
  }

  protected async _initHost(): Promise<void> {
    await this.qemu.init();
  }

  protected override async _cleanupHost(): Promise<void> {
    await this.qemu.shutdown();
  }

  /** The power state (QEMU's run state or the recorded one), rescue and soft-delete marks, sizes, CPU time. */
  protected async _getInfo(_ctx: OperationContext, req: InstanceRequest): Promise<InstanceInfo> {
    const vm = this.vm(req);
    const info: InstanceInfo = {
      state: await vm.powerState(),
      internalId: vm.meta.pid !== undefined ? `pid:${vm.meta.pid}` : undefined,
      maxMemKb: vm.meta.memoryMb * 1024,
      memKb: vm.running ? vm.meta.memoryMb * 1024 : 0,
      numCpu: vm.meta.vcpus,
      cpuTimeNs: vm.proc ? processCpuTimeNs(vm.proc.pid) : 0,
    };
    if (vm.meta.rescue) info.rescued = true;
    if (vm.meta.softDeleted) info.softDeleted = true;
    return info;
  }

  protected async _listInstances(): Promise<InstanceSummary[]> {
    return this.qemu.list().map((vm) => ({ uuid: vm.uuid, name: vm.meta.name }));
  }

  protected async _getAvailableNodes(): Promise<string[]> {
    return [this.config.nodeName];
  }

  protected async _getHostIp(): Promise<string> {
    return this.config.hostIp;
  }

  /** The instance a request names. @throws `INSTANCE_NOT_FOUND` */
  protected vm(req: InstanceRequest): Vm {
    return this.qemu.get(req.instance.uuid);
  }
}
