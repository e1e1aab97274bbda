import { randomUUID } from 'node:crypto';
import { ProviderTree, versionToInt } from '@virtkit/core';
import { MEMORY_DRIVER_VERSION, MemoryDriver, resolveMemoryConfig } from '@virtkit/memory';
import { FLAVOR, codeOf, ctx, driver, ref, spawn, spawnRequest } from './helpers';

const SMALL_HOST = {
  vcpus: 4,
  memoryMb: 8192,
  diskGb: 100,
  reservedMemoryMb: 0,
  cpuAllocationRatio: 1,
  ramAllocationRatio: 1,
};

describe('resource accounting', () => {
  it('spawn claims the flavor, destroy releases it, capacity is (total - reserved) * ratio', async () => {
    const d = driver({ host: { ...SMALL_HOST, reservedVcpus: 1, cpuAllocationRatio: 2 } });
    expect(d.inspect().capacity).toEqual({ vcpus: 6, memoryMb: 8192, diskGb: 100 });
    const a = await spawn(d, { instance: { flavor: { ...FLAVOR, ephemeralGb: 5, swapMb: 1500 } } });
    expect(d.inspect().used).toEqual({ vcpus: 2, memoryMb: 2048, diskGb: 27 });
    await d.destroy(ctx, ref(a));
    expect(d.inspect().used).toEqual({ vcpus: 0, memoryMb: 0, diskGb: 0 });
  });

  it('spawn beyond capacity is INSUFFICIENT_RESOURCES and leaves nothing behind', async () => {
    const d = driver({ host: SMALL_HOST });
    await spawn(d);
    await spawn(d);
    const seen: string[] = [];
    d.on('lifecycle', (e) => seen.push(e.transition));
    const req = spawnRequest();
    expect(await codeOf(d.spawn(ctx, req))).toBe('INSUFFICIENT_RESOURCES');
    expect(await d.instanceExists(ctx, ref(req.instance.uuid))).toBe(false);
    expect(await d.countInstances(ctx)).toBe(2);
    expect(d.inspect().used).toEqual({ vcpus: 4, memoryMb: 4096, diskGb: 40 });
    expect(seen).toEqual([]);
    expect(
      await codeOf(d.spawn(ctx, spawnRequest({ instance: { flavor: { ...FLAVOR, vcpus: 1, memoryMb: 9000 } } }))),
    ).toBe('INSUFFICIENT_RESOURCES');
  });

  it('the resource report has every key, with an integer hypervisor version', async () => {
    const d = driver({ host: SMALL_HOST }, 'node-7');
    await spawn(d);
    const report = await d.getAvailableResource(ctx, { nodename: 'node-7' });
    expect(report).toEqual({
      vcpus: 4,
      memoryMb: 8192,
      localGb: 100,
      vcpusUsed: 2,
      memoryMbUsed: 2048,
      localGbUsed: 20,
      hypervisorType: 'memory',
      hypervisorVersion: versionToInt(MEMORY_DRIVER_VERSION),
      hypervisorHostname: 'node-7',
      cpuInfo: expect.any(String),
      diskAvailableLeast: 80,
      supportedInstances: [['x86_64', 'memory', 'hvm']],
    });
    expect(Number.isInteger(report.hypervisorVersion)).toBe(true);
    expect(JSON.parse(report.cpuInfo)).toMatchObject({ arch: 'x86_64', topology: { cores: 4 } });
  });

  it('the provider tree gets VCPU, MEMORY_MB and DISK_GB with reserved amounts and ratios, plus traits', async () => {
    const d = driver({ host: { ...SMALL_HOST, reservedMemoryMb: 512, ramAllocationRatio: 1.5 } }, 'node-1');
    const tree = new ProviderTree();
    tree.newRoot('node-1', randomUUID());
    tree.addTraits('node-1', ['CUSTOM_SOMETHING_ELSE']);
    await d.updateProviderTree(ctx, { providerTree: tree, nodename: 'node-1' });
    const node = tree.get('node-1');
    expect(node.inventory.VCPU).toMatchObject({ total: 4, reserved: 0, allocationRatio: 1, maxUnit: 4 });
    expect(node.inventory.MEMORY_MB).toMatchObject({ total: 8192, reserved: 512, allocationRatio: 1.5 });
    expect(node.inventory.DISK_GB).toMatchObject({ total: 100, reserved: 0, allocationRatio: 1 });
    expect(node.traits).toEqual(
      expect.arrayContaining([
        'COMPUTE_NODE',
        'COMPUTE_VOLUME_MULTI_ATTACH',
        'COMPUTE_IMAGE_TYPE_QCOW2',
        'CUSTOM_SOMETHING_ELSE',
      ]),
    );
    const generation = node.generation;
    await d.updateProviderTree(ctx, { providerTree: tree, nodename: 'node-1' });
    expect(tree.get('node-1').generation).toBe(generation);
    await d.setHostEnabled(ctx, { enabled: false });
    await d.updateProviderTree(ctx, { providerTree: tree, nodename: 'node-1' });
    expect(tree.get('node-1').traits).toContain('COMPUTE_STATUS_DISABLED');
    expect(await d.getTraits(ctx, { nodename: 'node-1' })).toContain('COMPUTE_STATUS_DISABLED');
    await d.setHostEnabled(ctx, { enabled: true });
    await d.updateProviderTree(ctx, { providerTree: tree, nodename: 'node-1' });
    expect(tree.get('node-1').traits).not.toContain('COMPUTE_STATUS_DISABLED');
    expect(await codeOf(d.updateProviderTree(ctx, { providerTree: tree, nodename: 'other' }))).toBe('NOT_FOUND');
  });

  it('legacy inventory, per-instance usage and overhead', async () => {
    const d = driver({ host: SMALL_HOST });
    const uuid = await spawn(d);
    expect(await d.getInventory(ctx, { nodename: d.hostname })).toMatchObject({
      VCPU: { total: 4 },
      MEMORY_MB: { total: 8192 },
      DISK_GB: { total: 100 },
    });
    const usage = await d.getPerInstanceUsage(ctx);
    expect(usage).toEqual({ [uuid]: { uuid, vcpus: 2, memoryMb: 2048, cpuTimeNs: expect.any(Number) } });
    expect(await d.estimateInstanceOverhead(ctx, ref(uuid))).toEqual({ memoryMb: 0, diskGb: 0, vcpus: 0 });
  });

  it('options are checked, from the constructor or hostApi.options', () => {
    expect(() => new MemoryDriver({}, { host: { vcpus: 0 } })).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED' }),
    );
    expect(() => new MemoryDriver({}, { host: { vcpus: 2, reservedVcpus: 3 } })).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED' }),
    );
    expect(() => new MemoryDriver({ options: { hostname: 'bad host' } })).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED' }),
    );
    expect(() => new MemoryDriver({}, { migration: { steps: 0 } })).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED' }),
    );
    const resolved = resolveMemoryConfig(
      { hostname: 'from-host-api', options: { hostIp: '10.0.0.5' } },
      { consoleOutputLimit: 1024 },
    );
    expect(resolved).toMatchObject({
      hostname: 'from-host-api',
      hostIp: '10.0.0.5',
      consoleOutputLimit: 1024,
      migration: { steps: 10 },
    });
    const fromOptions = new MemoryDriver({ options: { hostname: 'opt-host' } });
    expect(fromOptions.hostname).toBe('opt-host');
  });

  it('answers for its one node and host', async () => {
    const d = driver({ hostIp: '192.0.2.10' }, 'node-x');
    expect(await d.getAvailableNodes(ctx)).toEqual(['node-x']);
    expect(await d.nodeIsAvailable(ctx, { nodename: 'node-x' })).toBe(true);
    expect(await d.nodeIsAvailable(ctx, { nodename: 'node-y' })).toBe(false);
    expect(await d.getHostIp(ctx)).toBe('192.0.2.10');
    expect(await d.networkBindingHostId(ctx, ref(randomUUID()))).toBe('node-x');
  });
});
