import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { DriverBase } from '../../driver/driver-base.js';
import { DriverDefinitionError, NotSupportedError } from '../../errors/errors.js';
import type { InstanceUsage } from '../../model/diagnostics.js';
import type { AvailableResource } from '../../model/host.js';
import { ProviderTree } from '../../provider-tree/index.js';
import { withInventory, withInventoryLegacy, withInventoryUsage } from './index.js';
import { UpdateProviderTreeRequest } from './index.js';
import type { ConsumerAllocations, EstimateInstanceOverheadRequest } from './index.js';

const NODE = 'node1';
const NODE_UUID = '6f1c0b3e-3a4f-4e5b-9c1d-2e3f4a5b6c7d';
const INSTANCE = '7b1c6f1e-2f3a-4b5c-8d9e-0a1b2c3d4e5f';
const ctx = {};

const RESOURCE: AvailableResource = {
  vcpus: 8,
  memoryMb: 16384,
  localGb: 100,
  vcpusUsed: 1,
  memoryMbUsed: 512,
  localGbUsed: 10,
  hypervisorType: 'tiny',
  hypervisorVersion: 1_000_000,
  hypervisorHostname: NODE,
  cpuInfo: '{}',
  diskAvailableLeast: 90,
  supportedInstances: [['x86_64', 'tiny', 'hvm']],
};

/** The core hooks every driver needs. */
class TinyBase extends DriverBase {
  protected async _initHost() {}
  protected async _getInfo(): Promise<never> {
    throw Object.assign(new Error('gone'), { code: 'INSTANCE_NOT_FOUND', name: 'InstanceNotFoundError' });
  }
  protected async _listInstances() {
    return [];
  }
  protected async _getAvailableNodes() {
    return [NODE];
  }
  protected async _getHostIp() {
    return '127.0.0.1';
  }
}

/** Only the required hooks of `inventory`: the overhead comes from the SDK's default. */
class MinimalInventoryDriver extends withInventory(TinyBase) {
  static override driverName = 'minimal-inventory';
  treeCalls = 0;
  protected async _getAvailableResource() {
    return RESOURCE;
  }
  protected async _updateProviderTree(_c: unknown, r: UpdateProviderTreeRequest): Promise<void> {
    this.treeCalls++;
    r.providerTree.updateInventory(r.nodename, {
      VCPU: { total: 8, allocationRatio: 4 },
      MEMORY_MB: { total: 16384, reserved: 512 },
    });
    r.providerTree.updateTraits(r.nodename, ['HW_CPU_X86_AVX2', 'COMPUTE_NET_ATTACH_INTERFACE']);
    if (!r.providerTree.exists(`${r.nodename}_gpu0`)) r.providerTree.newChild(`${r.nodename}_gpu0`, r.nodename);
    r.providerTree.updateInventory(`${r.nodename}_gpu0`, { VGPU: { total: 4 } });
    const allocations = r.allocations;
    if (allocations) allocations[INSTANCE]!.allocations['moved'] = { resources: { VGPU: 1 } };
  }
  protected async _getTraits() {
    return ['HW_CPU_X86_AVX2'];
  }
}

/** Every hook of the family written by the driver. */
class FullInventoryDriver extends withInventoryUsage(withInventoryLegacy(withInventory(TinyBase))) {
  static override driverName = 'full-inventory';
  traits: unknown = ['CUSTOM_GOLD', 'CUSTOM_GOLD', 'HW_CPU_X86_AVX2'];
  overhead: unknown = { memoryMb: 128, diskGb: 1, vcpus: 0.5 };
  inventory: unknown = { VCPU: { total: 8 }, DISK_GB: { total: 100, reserved: 5 } };
  protected async _getAvailableResource() {
    return RESOURCE;
  }
  protected async _updateProviderTree() {}
  protected async _getTraits() {
    return this.traits as string[];
  }
  protected override async _estimateInstanceOverhead(_c: unknown, r: EstimateInstanceOverheadRequest) {
    expect(r.instance.flavor?.memoryMb).toBe(512);
    return this.overhead as { memoryMb: number; diskGb: number; vcpus: number };
  }
  protected async _getInventory() {
    return this.inventory as never;
  }
  protected async _getPerInstanceUsage(): Promise<Record<string, InstanceUsage>> {
    return { [INSTANCE]: { uuid: INSTANCE, memoryMb: 512, vcpus: 1, cpuTimeNs: 1_000_000 } };
  }
}

function freshTree(): ProviderTree {
  const tree = new ProviderTree();
  tree.newRoot(NODE, NODE_UUID);
  return tree;
}

const overheadRequest = { instance: { uuid: INSTANCE, flavor: { name: 'm1', vcpus: 1, memoryMb: 512, rootGb: 1 } } };

describe('inventory capability map', () => {
  it('advertises exactly the applied capabilities', () => {
    const minimal = new MinimalInventoryDriver().capabilities.capabilities;
    expect([minimal.inventory, minimal['inventory.legacy'], minimal['inventory.usage']]).toEqual([true, false, false]);
    const full = new FullInventoryDriver().capabilities.capabilities;
    expect([full.inventory, full['inventory.legacy'], full['inventory.usage']]).toEqual([true, true, true]);
  });

  it('answers the calls of unapplied capabilities with NOT_SUPPORTED', async () => {
    const bare = new (class extends TinyBase {})() as any;
    for (const [method, capability] of [
      ['getAvailableResource', 'inventory'],
      ['updateProviderTree', 'inventory'],
      ['getTraits', 'inventory'],
      ['estimateInstanceOverhead', 'inventory'],
      ['getInventory', 'inventory.legacy'],
      ['getPerInstanceUsage', 'inventory.usage'],
    ] as const) {
      const error = await bare[method](ctx, { nodename: NODE }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NotSupportedError);
      expect(error).toMatchObject({ code: 'NOT_SUPPORTED', capability });
    }
    const minimal = new MinimalInventoryDriver() as any;
    await expect(minimal.getInventory(ctx, { nodename: NODE })).rejects.toMatchObject({ code: 'NOT_SUPPORTED' });
    await expect(minimal.getPerInstanceUsage(ctx)).rejects.toMatchObject({ code: 'NOT_SUPPORTED' });
  });

  it('refuses a JS driver that misses a required hook', () => {
    const NoTree = class extends (withInventory(TinyBase) as any) {
      protected async _getAvailableResource() {
        return RESOURCE;
      }
      protected async _getTraits() {
        return [];
      }
    } as any;
    expect(() => new NoTree()).toThrow(DriverDefinitionError);
    const NoTraits = class extends (withInventory(TinyBase) as any) {
      protected async _getAvailableResource() {
        return RESOURCE;
      }
      protected async _updateProviderTree() {}
    } as any;
    expect(() => new NoTraits()).toThrow(DriverDefinitionError);
    expect(() => new (class extends (withInventoryLegacy(TinyBase) as any) {} as any)()).toThrow(DriverDefinitionError);
    expect(() => new (class extends (withInventoryUsage(TinyBase) as any) {} as any)()).toThrow(DriverDefinitionError);
  });

  it('refuses a capability applied twice', () => {
    expect(() => withInventory(withInventory(TinyBase))).toThrow(DriverDefinitionError);
  });
});

describe('getAvailableResource', () => {
  it('returns the driver report', async () => {
    await expect(new MinimalInventoryDriver().getAvailableResource(ctx, { nodename: NODE })).resolves.toEqual(RESOURCE);
  });

  it('validates the request', async () => {
    const d = new MinimalInventoryDriver();
    await expect(d.getAvailableResource(ctx, {} as never)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      paths: ['nodename'],
    });
    await expect(d.getAvailableResource(ctx, { nodename: 42 } as never)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
  });
});

describe('updateProviderTree', () => {
  it("lets the driver edit the caller's tree in place", async () => {
    const d = new MinimalInventoryDriver();
    const tree = freshTree();
    await expect(d.updateProviderTree(ctx, { providerTree: tree, nodename: NODE })).resolves.toBeUndefined();
    expect(tree.get(NODE).inventory['VCPU']).toMatchObject({ total: 8, allocationRatio: 4 });
    expect(tree.get(NODE).traits).toEqual(['COMPUTE_NET_ATTACH_INTERFACE', 'HW_CPU_X86_AVX2']);
    expect(tree.getProviderUuidsInTree(`${NODE}_gpu0`)).toHaveLength(2);
    const generation = tree.get(NODE).generation;
    await d.updateProviderTree(ctx, { providerTree: tree, nodename: NODE });
    expect(tree.get(NODE).generation).toBe(generation);
  });

  it('accepts the node by uuid as well', async () => {
    const d = new MinimalInventoryDriver();
    const tree = new ProviderTree();
    tree.newRoot(NODE_UUID, NODE_UUID);
    await d.updateProviderTree(ctx, { providerTree: tree, nodename: NODE_UUID });
    expect(tree.size).toBe(2);
  });

  it('passes the allocations of a reshape by reference', async () => {
    const d = new MinimalInventoryDriver();
    const allocations: ConsumerAllocations = {
      [INSTANCE]: { allocations: { [NODE_UUID]: { resources: { VGPU: 1 } } } },
    };
    await d.updateProviderTree(ctx, { providerTree: freshTree(), nodename: NODE, allocations });
    expect(allocations[INSTANCE]!.allocations['moved']).toEqual({ resources: { VGPU: 1 } });
  });

  it('is NOT_FOUND when the node is not in the tree, without calling the driver', async () => {
    const d = new MinimalInventoryDriver();
    await expect(d.updateProviderTree(ctx, { providerTree: new ProviderTree(), nodename: NODE })).rejects.toMatchObject(
      { code: 'NOT_FOUND' },
    );
    expect(d.treeCalls).toBe(0);
  });

  it('refuses anything but a ProviderTree, and bad allocations', async () => {
    const d = new MinimalInventoryDriver();
    for (const providerTree of [undefined, null, {}, { exists: () => true }, 'tree']) {
      const error = await d.updateProviderTree(ctx, { providerTree, nodename: NODE } as never).catch((e) => e);
      expect(error).toMatchObject({ code: 'VALIDATION_FAILED' });
      expect(error.paths).toContain('providerTree');
    }
    await expect(
      d.updateProviderTree(ctx, { providerTree: freshTree(), nodename: NODE, allocations: 'x' } as never),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED', paths: ['allocations'] });
    await expect(d.updateProviderTree(ctx, { providerTree: freshTree() } as never)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    expect(d.treeCalls).toBe(0);
  });

  it('passes tree errors through with their codes', async () => {
    const Broken = class extends MinimalInventoryDriver {
      protected override async _updateProviderTree(_c: unknown, r: UpdateProviderTreeRequest): Promise<void> {
        r.providerTree.updateInventory(r.nodename, { VCPU: { total: -1 } });
      }
    };
    await expect(
      new Broken().updateProviderTree(ctx, { providerTree: freshTree(), nodename: NODE }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('wraps foreign failures as DRIVER_ERROR', async () => {
    const Failing = class extends MinimalInventoryDriver {
      protected override async _updateProviderTree(): Promise<void> {
        throw new Error('hypervisor unreachable');
      }
    };
    await expect(
      new Failing().updateProviderTree(ctx, { providerTree: freshTree(), nodename: NODE }),
    ).rejects.toMatchObject({ code: 'DRIVER_ERROR' });
  });
});

describe('getTraits', () => {
  it('returns the driver traits without duplicates', async () => {
    await expect(new FullInventoryDriver().getTraits(ctx, { nodename: NODE })).resolves.toEqual([
      'CUSTOM_GOLD',
      'HW_CPU_X86_AVX2',
    ]);
  });

  it('is DRIVER_ERROR when the driver returns malformed traits', async () => {
    for (const traits of [['lower_case'], [42], 'CUSTOM_GOLD', undefined]) {
      const d = new FullInventoryDriver();
      d.traits = traits;
      await expect(d.getTraits(ctx, { nodename: NODE })).rejects.toMatchObject({ code: 'DRIVER_ERROR' });
    }
  });

  it('validates the request', async () => {
    await expect(new FullInventoryDriver().getTraits(ctx, {} as never)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
  });
});

describe('estimateInstanceOverhead', () => {
  it('defaults to zero', async () => {
    await expect(
      new MinimalInventoryDriver().estimateInstanceOverhead(ctx, { instance: { uuid: INSTANCE } }),
    ).resolves.toEqual({ memoryMb: 0, diskGb: 0, vcpus: 0 });
  });

  it('returns the driver estimate', async () => {
    await expect(new FullInventoryDriver().estimateInstanceOverhead(ctx, overheadRequest)).resolves.toEqual({
      memoryMb: 128,
      diskGb: 1,
      vcpus: 0.5,
    });
  });

  it('is DRIVER_ERROR when the estimate is not three non-negative numbers', async () => {
    for (const overhead of [
      undefined,
      { memoryMb: -1, diskGb: 0, vcpus: 0 },
      { memoryMb: 1, diskGb: NaN, vcpus: 0 },
      { memoryMb: 1, diskGb: 0 },
    ]) {
      const d = new FullInventoryDriver();
      d.overhead = overhead;
      await expect(d.estimateInstanceOverhead(ctx, overheadRequest)).rejects.toMatchObject({ code: 'DRIVER_ERROR' });
    }
  });

  it('validates the instance', async () => {
    const d = new MinimalInventoryDriver();
    await expect(d.estimateInstanceOverhead(ctx, { instance: { uuid: 'nope' } })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      paths: ['instance.uuid'],
    });
    await expect(d.estimateInstanceOverhead(ctx, {} as never)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});

describe('getInventory (inventory.legacy)', () => {
  it('returns the driver inventory normalised and frozen', async () => {
    const inventory = await new FullInventoryDriver().getInventory(ctx, { nodename: NODE });
    expect(inventory).toEqual({
      VCPU: { total: 8, reserved: 0, minUnit: 1, maxUnit: 8, stepSize: 1, allocationRatio: 1 },
      DISK_GB: { total: 100, reserved: 5, minUnit: 1, maxUnit: 100, stepSize: 1, allocationRatio: 1 },
    });
    expect(Object.isFrozen(inventory)).toBe(true);
    expect(Object.isFrozen(inventory['VCPU'])).toBe(true);
  });

  it('is DRIVER_ERROR, with the validation failure as cause, for an invalid inventory', async () => {
    const d = new FullInventoryDriver();
    d.inventory = { VCPU: { total: 8, reserved: 9 } };
    const error = await d.getInventory(ctx, { nodename: NODE }).catch((e) => e);
    expect(error.code).toBe('DRIVER_ERROR');
    expect(error.cause).toMatchObject({ code: 'VALIDATION_FAILED' });
    d.inventory = null;
    await expect(d.getInventory(ctx, { nodename: NODE })).rejects.toMatchObject({ code: 'DRIVER_ERROR' });
  });

  it('validates the request', async () => {
    await expect(new FullInventoryDriver().getInventory(ctx, {} as never)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
  });
});

describe('getPerInstanceUsage (inventory.usage)', () => {
  it('returns usage by instance uuid, with or without a request object', async () => {
    const d = new FullInventoryDriver();
    const expected = { [INSTANCE]: { uuid: INSTANCE, memoryMb: 512, vcpus: 1, cpuTimeNs: 1_000_000 } };
    await expect(d.getPerInstanceUsage(ctx)).resolves.toEqual(expected);
    await expect(d.getPerInstanceUsage(ctx, {})).resolves.toEqual(expected);
  });
});

describe('UpdateProviderTreeRequest', () => {
  it("keeps the caller's tree and allocations when rebuilt from plain data (the slow validation path)", () => {
    const providerTree = freshTree();
    const allocations: ConsumerAllocations = {};
    const rebuilt = plainToInstance(UpdateProviderTreeRequest, { providerTree, nodename: NODE, allocations });
    expect(rebuilt.providerTree).toBe(providerTree);
    expect(rebuilt.allocations).toBe(allocations);
  });
});
