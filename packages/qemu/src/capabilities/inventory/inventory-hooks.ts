import { execFile } from 'node:child_process';
import { readFile, statfs } from 'node:fs/promises';
import { promisify } from 'node:util';
import {
  keepAllocationRatios,
  NotFoundError,
  toTraits,
  versionToInt,
  withInventory,
  withInventoryUsage,
  type AvailableResource,
  type GetAvailableResourceRequest,
  type GetTraitsRequest,
  type InstanceUsage,
  type OperationContext,
  type UpdateProviderTreeRequest,
} from '@virtkit/core';
import type { QemuHost } from '../../runtime/qemu-host.js';
import { HostHooks } from '../host/host-hooks.js';
import { processCpuTimeNs } from '../lifecycle/instances.js';

const GIB = 1024 ** 3;

/** Host CPU flags that are scheduler traits (`HW_CPU_X86_*`). */
const CPU_FLAG_TRAITS: Readonly<Record<string, string>> = {
  sse: 'SSE',
  sse2: 'SSE2',
  ssse3: 'SSSE3',
  sse4_1: 'SSE41',
  sse4_2: 'SSE42',
  avx: 'AVX',
  avx2: 'AVX2',
  aes: 'AESNI',
  fma: 'FMA3',
  bmi1: 'BMI',
  bmi2: 'BMI2',
  f16c: 'F16C',
  mmx: 'MMX',
  sha_ni: 'SHA',
  vmx: 'VMX',
  svm: 'SVM',
  avx512f: 'AVX512F',
  clmul: 'CLMUL',
  pclmulqdq: 'CLMUL',
  abm: 'ABM',
  mpx: 'MPX',
};

/** What the host has: /proc/cpuinfo, /proc/meminfo and the state directory's file system. */
interface HostFacts {
  cpus: number;
  model: string;
  vendor: string;
  flags: string[];
  memoryMb: number;
  diskTotalGb: number;
  diskFreeGb: number;
}

/** Read the host's CPUs, memory and the state directory's disk (fs.statfs). */
async function hostFacts(host: QemuHost): Promise<HostFacts> {
  const cpuinfo = await readFile('/proc/cpuinfo', 'utf8');
  const meminfo = await readFile('/proc/meminfo', 'utf8');
  const fs = await statfs(await host.root());
  const field = (name: string): string => cpuinfo.match(new RegExp(`^${name}\\s*:\\s*(.*)$`, 'm'))?.[1]?.trim() ?? '';
  return {
    cpus: (cpuinfo.match(/^processor\s*:/gm) ?? []).length || 1,
    model: field('model name'),
    vendor: field('vendor_id'),
    flags: field('flags').split(/\s+/).filter(Boolean),
    memoryMb: Math.floor(Number(meminfo.match(/^MemTotal:\s*(\d+)/m)?.[1] ?? 0) / 1024),
    diskTotalGb: Math.floor((fs.blocks * fs.bsize) / GIB),
    diskFreeGb: Math.floor((fs.bavail * fs.bsize) / GIB),
  };
}

let versionCache: Promise<number> | undefined;

/** QEMU's version as the reference's integer (`7.2.22` -> 7002022), asked once per process. */
function qemuVersion(host: QemuHost): Promise<number> {
  versionCache ??= promisify(execFile)(host.config.qemuBinary, ['--version'])
    .then(({ stdout }) => versionToInt(stdout.match(/version (\d+\.\d+\.\d+)/)?.[1] ?? '0.0.0'))
    .catch(() => 0);
  return versionCache;
}

/**
 * The QEMU driver's `inventory` family: `inventory` and `inventory.usage`: the one node this driver manages
 * (`options.nodeName`), its resources and traits.
 */
export abstract class InventoryHooks extends withInventoryUsage(withInventory(HostHooks)) {
  /**
   * Capacity from the host, usage from this driver's instances.
   * @throws `NOT_FOUND` for a node other than this driver's one (its resources are not this host's to report)
   */
  protected async _getAvailableResource(
    _ctx: OperationContext,
    req: GetAvailableResourceRequest,
  ): Promise<AvailableResource> {
    this.requireNode(req.nodename);
    const host = this.qemu;
    const facts = await hostFacts(host);
    const live = host.list().filter((vm) => vm.running);
    return {
      vcpus: facts.cpus,
      memoryMb: facts.memoryMb,
      localGb: facts.diskTotalGb,
      vcpusUsed: live.reduce((n, vm) => n + vm.meta.vcpus, 0),
      memoryMbUsed: live.reduce((n, vm) => n + vm.meta.memoryMb, 0),
      // what instances were given (their root disks), as the scheduler allocated it; the qcow2 files grow lazily
      localGbUsed: host.list().reduce((n, vm) => n + vm.meta.rootGb, 0),
      hypervisorType: 'QEMU',
      hypervisorVersion: await qemuVersion(host),
      hypervisorHostname: host.config.nodeName,
      cpuInfo: JSON.stringify({
        arch: 'x86_64',
        model: facts.model,
        vendor: facts.vendor,
        topology: { cpus: facts.cpus },
        features: facts.flags,
      }),
      diskAvailableLeast: facts.diskFreeGb,
      supportedInstances: [['x86_64', host.config.accel === 'kvm' ? 'kvm' : 'qemu', 'hvm']],
    };
  }

  /**
   * The node's VCPU, MEMORY_MB and DISK_GB inventory (512 MiB of memory and 1 GiB of disk kept for the host) and its
   * traits (added; traits others set on the provider are kept). Allocation ratios already on the inventory are kept
   * unless the options set them.
   * @throws `NOT_FOUND` for a node other than this driver's one
   */
  protected async _updateProviderTree(_ctx: OperationContext, req: UpdateProviderTreeRequest): Promise<void> {
    const { nodename, providerTree: tree } = req;
    this.requireNode(nodename);
    const facts = await hostFacts(this.qemu);
    const ratios = this.config.allocationRatios;
    const inventory = {
      VCPU: { total: facts.cpus, allocationRatio: ratios.VCPU ?? 4 },
      MEMORY_MB: {
        total: Math.max(facts.memoryMb, 1),
        reserved: Math.min(512, Math.max(facts.memoryMb - 1, 0)),
        allocationRatio: ratios.MEMORY_MB ?? 1,
      },
      DISK_GB: {
        total: Math.max(facts.diskTotalGb, 1),
        reserved: Math.min(1, Math.max(facts.diskTotalGb - 1, 0)),
        allocationRatio: ratios.DISK_GB ?? 1,
      },
    };
    tree.updateInventory(nodename, keepAllocationRatios(tree, nodename, inventory, new Set(Object.keys(ratios))));
    tree.addTraits(nodename, traitsOf(toTraits(this.capabilities), facts));
  }

  /**
   * The driver's capability traits plus the host CPU's `HW_CPU_X86_*` traits.
   * @throws `NOT_FOUND` for a node other than this driver's one
   */
  protected async _getTraits(_ctx: OperationContext, req: GetTraitsRequest): Promise<string[]> {
    this.requireNode(req.nodename);
    return traitsOf(toTraits(this.capabilities), await hostFacts(this.qemu));
  }

  /** Memory and vCPUs of every instance, and the CPU time of running ones. */
  protected async _getPerInstanceUsage(): Promise<Record<string, InstanceUsage>> {
    const usage: Record<string, InstanceUsage> = {};
    for (const vm of this.qemu.list()) {
      usage[vm.uuid] = {
        uuid: vm.uuid,
        memoryMb: vm.meta.memoryMb,
        vcpus: vm.meta.vcpus,
        cpuTimeNs: vm.proc ? processCpuTimeNs(vm.proc.pid) : 0,
      };
    }
    return usage;
  }

  /** The driver manages one node (`options.nodeName`). @throws `NOT_FOUND` for any other */
  protected requireNode(nodename: string): void {
    if (nodename !== this.config.nodeName) throw new NotFoundError('node', nodename);
  }
}

/** The traits of the driver's capabilities and of the host's CPU (`HW_CPU_X86_*`), sorted. */
function traitsOf(capabilityTraits: readonly string[], facts: HostFacts): string[] {
  const cpu = facts.flags.filter((f) => f in CPU_FLAG_TRAITS).map((f) => `HW_CPU_X86_${CPU_FLAG_TRAITS[f]}`);
  return [...new Set([...capabilityTraits, ...cpu])].sort();
}
