import { MemoryDriver, MemoryFabric } from '@virtkit/memory';
import { codeOf, ctx, driver, events, pair, ref, spawn, state } from './helpers';

describe('host', () => {
  it('power: shutdown stops every guest (one event each), startup and reboot restart the clock', async () => {
    const d = driver();
    const seen = events(d);
    const a = await spawn(d);
    const b = await spawn(d);
    await d.pause(ctx, ref(b));
    const off = await spawn(d, { powerOn: false });
    expect(await d.hostPowerAction(ctx, { action: 'shutdown' })).toBe('shutdown');
    expect([await state(d, a), await state(d, b), await state(d, off)]).toEqual([4, 4, 4]);
    expect(
      seen
        .filter((e) => e.transition === 'STOPPED')
        .map((e) => e.instanceUuid)
        .sort(),
    ).toEqual([a, b].sort());
    expect(d.inspect().poweredOn).toBe(false);
    await d.hostPowerAction(ctx, { action: 'startup' });
    expect(d.inspect().poweredOn).toBe(true);
    expect(await d.hostPowerAction(ctx, { action: 'reboot' })).toBe('reboot');
    expect(await codeOf(d.hostPowerAction(ctx, { action: 'hibernate' } as never))).toBe('VALIDATION_FAILED');
  });

  it('uptime and cpu stats move forward', async () => {
    const d = driver();
    await spawn(d);
    const u = await d.getHostUptime(ctx);
    expect(u).toMatchObject({
      uptimeSec: expect.any(Number),
      loadAverage: [expect.any(Number), expect.any(Number), expect.any(Number)],
    });
    const s1 = await d.getHostCpuStats(ctx);
    await new Promise((r) => setTimeout(r, 10));
    const s2 = await d.getHostCpuStats(ctx);
    for (const k of ['kernel', 'idle', 'user', 'iowait'] as const) expect(s2[k]).toBeGreaterThanOrEqual(s1[k]);
    expect(s2.idle + s2.user).toBeGreaterThan(s1.idle + s1.user);
    expect(s2.frequency).toBeGreaterThan(0);
  });

  it('maintenance moves instances to other hosts, all or nothing, and is idempotent', async () => {
    const { a, b } = pair({ host: { vcpus: 6, cpuAllocationRatio: 1 } });
    const one = await spawn(a);
    const two = await spawn(a, { powerOn: false });
    expect(await a.hostMaintenanceMode(ctx, { host: 'host-a', mode: true })).toBe('on_maintenance');
    expect(await b.listInstanceUuids(ctx)).toEqual([one, two]);
    expect([await state(b, one), await state(b, two)]).toEqual([1, 4]);
    expect(a.inspect()).toMatchObject({ instances: 0, maintenance: true, used: { vcpus: 0 } });
    expect(await a.hostMaintenanceMode(ctx, { host: 'host-a', mode: true })).toBe('on_maintenance');
    expect(await a.hostMaintenanceMode(ctx, { host: 'host-a', mode: false })).toBe('off_maintenance');
    await spawn(b);
    // b now holds three instances (6 vCPUs); a, with one of its own, has room for two of them only
    await spawn(a);
    expect(await codeOf(b.hostMaintenanceMode(ctx, { host: 'host-b', mode: true }))).toBe('MIGRATION_FAILED');
    expect(b.inspect()).toMatchObject({ instances: 3, maintenance: false });
    expect(a.inspect()).toMatchObject({ instances: 1, used: { vcpus: 2 } });
  });

  it('a lonely host with instances cannot enter maintenance; an empty one can', async () => {
    const d = new MemoryDriver({ hostname: 'alone' }, { fabric: new MemoryFabric() });
    await d.hostMaintenanceMode(ctx, { host: 'alone', mode: true });
    await d.hostMaintenanceMode(ctx, { host: 'alone', mode: false });
    await spawn(d);
    expect(await codeOf(d.hostMaintenanceMode(ctx, { host: 'alone', mode: true }))).toBe('MIGRATION_FAILED');
  });

  it('enabled/disabled, and a disabled host takes no live migration', async () => {
    const { a, b } = pair();
    expect(await b.setHostEnabled(ctx, { enabled: false })).toBe('disabled');
    const uuid = await spawn(a);
    expect(
      await codeOf(
        b.checkCanLiveMigrateDestination(ctx, { instance: { uuid }, srcComputeInfo: {}, dstComputeInfo: {} }),
      ),
    ).toBe('MIGRATION_FAILED');
    expect(await b.setHostEnabled(ctx, { enabled: true })).toBe('enabled');
    await b.checkCanLiveMigrateDestination(ctx, { instance: { uuid }, srcComputeInfo: {}, dstComputeInfo: {} });
  });

  it('aggregates: join and leave are idempotent; undo a failed change', async () => {
    const d = driver();
    const aggregate = { id: '7', name: 'fast-disks' };
    await d.addToAggregate(ctx, { aggregate, host: 'h1' });
    await d.addToAggregate(ctx, { aggregate, host: 'h1' });
    expect(d.inspect().aggregates).toEqual({ '7': ['h1'] });
    await d.removeFromAggregate(ctx, { aggregate, host: 'h1' });
    await d.removeFromAggregate(ctx, { aggregate, host: 'h1' });
    expect(d.inspect().aggregates).toEqual({});
    let reverted = 0;
    await d.addToAggregate(ctx, { aggregate, host: 'h2' });
    await d.undoAggregateOperation(ctx, {
      operation: 'add',
      aggregate,
      host: 'h2',
      revert: async () => void reverted++,
    });
    expect(d.inspect().aggregates).toEqual({});
    await d.undoAggregateOperation(ctx, {
      operation: 'remove',
      aggregate,
      host: 'h2',
      revert: async () => void reverted++,
    });
    expect(d.inspect().aggregates).toEqual({ '7': ['h2'] });
    expect(reverted).toBe(2);
  });

  it('cleanupHost takes the host off its fabric; initHost puts it back', async () => {
    const { a, b, fabric } = pair();
    await b.cleanupHost(ctx, { host: 'host-b' });
    expect(fabric.host('host-b')).toBeUndefined();
    const uuid = await spawn(a);
    expect(await codeOf(a.liveMigration(ctx, { instance: { uuid }, dest: 'host-b' }))).toBe('MIGRATION_FAILED');
    await b.initHost(ctx, { host: 'host-b' });
    expect(fabric.host('host-b')).toBeDefined();
    expect(() => new MemoryDriver({ hostname: 'host-a' }, { fabric })).toThrow(
      expect.objectContaining({ code: 'CONFLICT' }),
    );
  });
});
