// Issue #18: waitForState on events, the per-node resource view, supportsAll.
import { PowerState, nodeResources, supportsAll, requireAll, waitForState } from '@virtkit/core';
import { createMemoryDriver, createMemoryDriverClass } from '@virtkit/memory';
import { FLAVOR, codeOf, ctx, driver, ref, spawn } from './helpers';

describe('waitForState', () => {
  it('resolves at once when the state already holds, else on the event', async () => {
    const d = driver();
    const uuid = await spawn(d);
    await expect(waitForState(d, uuid, PowerState.RUNNING)).resolves.toBe(PowerState.RUNNING);
    const waiting = waitForState(d, uuid, [PowerState.SHUTDOWN, PowerState.CRASHED], { timeout: 5000 });
    d.simulateGuest(uuid, 'crash');
    await expect(waiting).resolves.toBe(PowerState.CRASHED);
  });

  it('TIMEOUT, ABORTED and INSTANCE_NOT_FOUND, with every listener removed', async () => {
    const d = driver();
    const uuid = await spawn(d);
    let listenerCalls = 0;
    const on = d.on.bind(d);
    const off = d.off.bind(d);
    (d as any).on = (e: any, l: any) => {
      listenerCalls++;
      return on(e, l);
    };
    (d as any).off = (e: any, l: any) => {
      listenerCalls--;
      return off(e, l);
    };
    expect(await codeOf(waitForState(d, uuid, PowerState.PAUSED, { timeout: 10 }))).toBe('TIMEOUT');
    const controller = new AbortController();
    const aborted = waitForState(d, uuid, PowerState.PAUSED, { signal: controller.signal });
    controller.abort();
    expect(await codeOf(aborted)).toBe('ABORTED');
    const gone = waitForState(d, uuid, PowerState.PAUSED);
    await d.destroy(ctx, ref(uuid));
    expect(await codeOf(gone)).toBe('INSTANCE_NOT_FOUND');
    expect(await codeOf(waitForState(d, uuid, PowerState.RUNNING))).toBe('INSTANCE_NOT_FOUND');
    expect(await codeOf(waitForState(d, uuid, PowerState.RUNNING, { timeout: -1 }))).toBe('VALIDATION_FAILED');
    expect(listenerCalls).toBe(0); // every path removed its listener
  });
});

describe('nodeResources', () => {
  it('capacity after reserved amounts and ratios, used and free, from the driver inventory', async () => {
    const d = driver({
      host: {
        vcpus: 8,
        memoryMb: 16384,
        diskGb: 100,
        reservedMemoryMb: 1024,
        cpuAllocationRatio: 2,
        ramAllocationRatio: 1,
        diskAllocationRatio: 1,
      },
    });
    await spawn(d);
    const [node] = await nodeResources(d, ctx);
    expect(node!.nodename).toBe(d.hostname);
    expect(node!.resources.VCPU).toEqual({
      total: 8,
      reserved: 0,
      allocationRatio: 2,
      capacity: 16,
      used: FLAVOR.vcpus,
      free: 14,
    });
    expect(node!.resources.MEMORY_MB).toEqual({
      total: 16384,
      reserved: 1024,
      allocationRatio: 1,
      capacity: 15360,
      used: 2048,
      free: 13312,
    });
    expect(node!.resources.DISK_GB).toMatchObject({ capacity: 100, used: 20, free: 80 });
  });
});

describe('supportsAll', () => {
  it('is true only when every capability is advertised', async () => {
    const limited = createMemoryDriver({}, { capabilities: ['lifecycle', 'volume'] });
    expect(supportsAll(limited, ['lifecycle', 'volume'])).toBe(true);
    expect(supportsAll(limited, ['volume', 'volume.extend'])).toBe(false);
    expect(supportsAll(limited, [])).toBe(true);
    expect(() => requireAll(limited, ['volume', 'volume.extend'])).toThrow(
      expect.objectContaining({ code: 'NOT_SUPPORTED', capability: 'volume.extend' }),
    );
    const Full = createMemoryDriverClass(['lifecycle', 'volume', 'volume.extend']);
    expect(supportsAll(new Full(), ['volume', 'volume.extend'])).toBe(true);
  });
});
