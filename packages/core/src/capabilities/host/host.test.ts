import 'reflect-metadata';
import { DriverBase } from '../../driver/driver-base.js';
import type { HostCpuStats } from '../../model/host.js';
import { withHostAggregates, withHostMaintenance, withHostPower, withHostStats } from './index.js';
import type { UndoAggregateOperationRequest } from './index.js';

const ctx = {};
const aggregate = { id: '1', name: 'fast-ssd', metadata: { ssd: 'true' } };

/** A driver with only the core hooks. */
class CoreOnly extends DriverBase {
  calls: string[] = [];
  protected async _initHost() {}
  protected async _getInfo(): Promise<never> {
    throw Object.assign(new Error('none'), { code: 'INSTANCE_NOT_FOUND', name: 'InstanceNotFoundError' });
  }
  protected async _listInstances() {
    return [];
  }
  protected async _getAvailableNodes() {
    return ['n1'];
  }
  protected async _getHostIp() {
    return '127.0.0.1';
  }
}

class HostDriver extends withHostAggregates(withHostStats(withHostMaintenance(withHostPower(CoreOnly)))) {
  static override driverName = 'host';
  protected async _hostPowerAction(_c: unknown, r: { action: string }) {
    this.calls.push(r.action);
  }
  protected async _hostMaintenanceMode(_c: unknown, r: { mode: boolean }) {
    this.calls.push(`maintenance:${r.mode}`);
  }
  protected async _setHostEnabled(_c: unknown, r: { enabled: boolean }) {
    this.calls.push(`enabled:${r.enabled}`);
  }
  protected async _getHostUptime() {
    return { uptimeSec: 3600, loadAverage: [0.1, 0.2, 0.3] as [number, number, number] };
  }
  protected async _getHostCpuStats(): Promise<HostCpuStats> {
    return { kernel: 1, idle: 2, user: 3, iowait: 4, frequency: 2400 };
  }
  protected async _addToAggregate() {
    this.calls.push('add');
  }
  protected async _removeFromAggregate() {
    this.calls.push('remove');
  }
  protected async _undoAggregateOperation(_c: unknown, r: UndoAggregateOperationRequest) {
    await r.revert();
  }
}

describe('host family', () => {
  it('advertises the host capabilities without needing lifecycle', () => {
    const caps = new HostDriver().capabilities.capabilities;
    expect([caps['host.power'], caps['host.maintenance'], caps['host.stats'], caps['host.aggregates']]).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(caps.lifecycle).toBe(false);
  });

  it('answers unapplied host capabilities with NOT_SUPPORTED', async () => {
    const d = new (class extends withHostStats(CoreOnly) {
      protected async _getHostUptime() {
        return { uptimeSec: 1 };
      }
      protected async _getHostCpuStats() {
        return { kernel: 0, idle: 0, user: 0, iowait: 0, frequency: 0 };
      }
    })() as any;
    await expect(d.hostPowerAction(ctx, { action: 'reboot' })).rejects.toMatchObject({
      code: 'NOT_SUPPORTED',
      capability: 'host.power',
    });
    await expect(d.setHostEnabled(ctx, { enabled: true })).rejects.toMatchObject({
      code: 'NOT_SUPPORTED',
      capability: 'host.maintenance',
    });
    await expect(d.addToAggregate(ctx, { aggregate, host: 'h' })).rejects.toMatchObject({
      code: 'NOT_SUPPORTED',
      capability: 'host.aggregates',
    });
  });

  it('refuses a JS driver that misses a host hook', () => {
    const Broken = class extends (withHostPower(CoreOnly) as any) {} as any;
    expect(() => new Broken()).toThrow(expect.objectContaining({ code: 'DRIVER_DEFINITION' }));
  });

  it('reports the power action and the resulting host states', async () => {
    const d = new HostDriver();
    await expect(d.hostPowerAction(ctx, { action: 'reboot' })).resolves.toBe('reboot');
    await expect(d.hostMaintenanceMode(ctx, { host: 'h1', mode: true })).resolves.toBe('on_maintenance');
    await expect(d.hostMaintenanceMode(ctx, { host: 'h1', mode: false })).resolves.toBe('off_maintenance');
    await expect(d.setHostEnabled(ctx, { enabled: false })).resolves.toBe('disabled');
    expect(d.calls).toEqual(['reboot', 'maintenance:true', 'maintenance:false', 'enabled:false']);
  });

  it('validates host requests with field paths and calls nothing', async () => {
    const d = new HostDriver() as any;
    const power = await d.hostPowerAction(ctx, { action: 'hibernate' }).catch((e: any) => e);
    expect(power.code).toBe('VALIDATION_FAILED');
    expect(power.paths).toEqual(['action']);
    const mm = await d.hostMaintenanceMode(ctx, { mode: 'yes' }).catch((e: any) => e);
    expect(mm.paths).toEqual(expect.arrayContaining(['host', 'mode']));
    const agg = await d
      .addToAggregate(ctx, { aggregate: { id: '1', metadata: { n: 1 } }, host: 'h' })
      .catch((e: any) => e);
    expect(agg.paths).toEqual(expect.arrayContaining(['aggregate.name', 'aggregate.metadata']));
    const noAgg = await d.removeFromAggregate(ctx, { host: 'h' }).catch((e: any) => e);
    expect(noAgg.paths).toEqual(['aggregate']);
    const undo = await d
      .undoAggregateOperation(ctx, { operation: 'add', revert: 'nope', aggregate, host: 'h' })
      .catch((e: any) => e);
    expect(undo.paths).toEqual(['revert']);
    expect(d.calls).toEqual([]);
  });

  it('returns typed host stats', async () => {
    const d = new HostDriver();
    await expect(d.getHostUptime(ctx)).resolves.toMatchObject({ uptimeSec: 3600 });
    await expect(d.getHostCpuStats(ctx)).resolves.toEqual({ kernel: 1, idle: 2, user: 3, iowait: 4, frequency: 2400 });
  });

  it('runs aggregate calls and hands the orchestrator callback to the undo hook', async () => {
    const d = new HostDriver();
    await d.addToAggregate(ctx, { aggregate, host: 'h1', extra: { poolMaster: 'h0' } });
    await d.removeFromAggregate(ctx, { aggregate, host: 'h1' });
    const revert = jest.fn(async () => {});
    await d.undoAggregateOperation(ctx, { operation: 'add', revert, aggregate, host: 'h1' });
    expect(revert).toHaveBeenCalledTimes(1);
    expect(d.calls).toEqual(['add', 'remove']);
  });
});
