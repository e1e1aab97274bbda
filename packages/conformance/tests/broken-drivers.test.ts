/**
 * The kit must catch broken drivers. Each one below subclasses a small correct
 * driver (lifecycle + pause, composed like the sample driver) and breaks one
 * rule of CONTRACT.md; the kit's report must fail, naming the capability and
 * the test that caught it. Nothing here depends on @virtkit/memory.
 */
import {
  DriverError, InstanceNotFoundError, NotSupportedError, PowerState, type InstanceInfo, type OperationContext,
} from '@virtkit/core';
import { runConformance, type ConformanceReport, type TestResult } from '@virtkit/conformance';
import { TinyDriver, type Req } from './helpers/tiny-driver';

/** (a) pause that does not change the state. */
class NoopPauseDriver extends TinyDriver {
  protected override async _pause(): Promise<void> {}
}

/** (b) pause advertised (the mixin is applied), but the hook says NOT_SUPPORTED. */
class PauseNotSupportedDriver extends TinyDriver {
  protected override async _pause(): Promise<void> {
    throw new NotSupportedError('lifecycle.pause', 'pause');
  }
}

/** (c) destroy of an unknown instance throws instead of succeeding. */
class ThrowingDestroyDriver extends TinyDriver {
  protected override async _destroy(c: OperationContext, r: Req): Promise<void> {
    if (!this.guests.has(r.instance.uuid)) throw new DriverError('destroy', `no domain ${r.instance.uuid}`);
    await super._destroy(c, r);
  }
}

/** (d) destroy hides the instance from getInfo but leaves it listed (a leaked guest). */
class LeakyDestroyDriver extends TinyDriver {
  readonly hidden = new Set<string>();
  protected override async _getInfo(c: OperationContext, r: Req): Promise<InstanceInfo> {
    if (this.hidden.has(r.instance.uuid)) throw new InstanceNotFoundError(r.instance.uuid);
    return super._getInfo(c, r);
  }
  protected override async _destroy(_c: OperationContext, r: Req): Promise<void> {
    if (this.hidden.has(r.instance.uuid)) throw new InstanceNotFoundError(r.instance.uuid);
    this.guest(r.instance.uuid);
    this.hidden.add(r.instance.uuid);
  }
}

/** (e1) a stale RUNNING reported from a timer after power off: a late, spurious event. */
class StaleEventDriver extends TinyDriver {
  protected override async _powerOff(c: OperationContext, r: Req): Promise<void> {
    await super._powerOff(c, r);
    setTimeout(() => this.reportPowerState(r.instance.uuid, PowerState.RUNNING), 5);
  }
}

/** (e2) pause reports a state the guest never had (SHUTDOWN) before PAUSED: events out of order with reality. */
class SpuriousEventDriver extends TinyDriver {
  protected override async _pause(c: OperationContext, r: Req): Promise<void> {
    this.reportPowerState(r.instance.uuid, PowerState.SHUTDOWN);
    await super._pause(c, r);
  }
}

/** (f) `volume.extend` not advertised (no mixin), yet the driver defines the call, which silently succeeds. */
class SilentExtendDriver extends TinyDriver {
  async extendVolume(): Promise<void> {}
}

const ONLY = ['lifecycle', 'lifecycle.pause'] as const;

async function kitReport(Driver: typeof TinyDriver, only: readonly string[] = ONLY): Promise<ConformanceReport> {
  return runConformance({ factory: () => new Driver({ hostname: 'tiny-host' }), only: only as never });
}

function result(report: ConformanceReport, capability: string, name: string | RegExp): TestResult {
  const found = report.results.find((r) => r.capability === capability && (typeof name === 'string' ? r.name === name : name.test(r.name)));
  if (!found) throw new Error(`no result ${capability}: ${String(name)} in ${report.results.map((r) => `${r.capability}: ${r.name}`).join(' | ')}`);
  return found;
}

describe('the kit passes a correct driver', () => {
  it('runs every planned test of the tiny driver without failure', async () => {
    const report = await runConformance({ factory: () => new TinyDriver({ hostname: 'tiny-host' }) });
    expect(report.results.filter((r) => r.status === 'failed')).toEqual([]);
    expect(report.summary.failed).toBe(0);
    expect(report.summary.passed).toBeGreaterThan(40);
  });
});

describe('the kit catches broken drivers', () => {
  it('(a) a pause that does not change the state', async () => {
    const report = await kitReport(NoopPauseDriver);
    expect(report.summary.failed).toBeGreaterThan(0);
    const r = result(report, 'lifecycle.pause', 'pause and unpause, both ways');
    expect(r.status).toBe('failed');
    expect(r.reason).toMatch(/expected state PAUSED, getInfo says RUNNING/);
    expect(result(report, 'lifecycle', /^spawn shows/).status).toBe('passed');
  });

  it('(b) an advertised capability whose call throws NotSupportedError', async () => {
    const report = await kitReport(PauseNotSupportedDriver);
    expect(report.summary.failed).toBeGreaterThan(0);
    const r = result(report, 'lifecycle.pause', 'pause and unpause, both ways');
    expect(r).toMatchObject({ status: 'failed', code: 'NOT_SUPPORTED' });
    expect(report.capabilities).toContain('lifecycle.pause');
  });

  it('(c) destroy of an unknown instance that throws', async () => {
    const report = await kitReport(ThrowingDestroyDriver);
    expect(report.summary.failed).toBeGreaterThan(0);
    const r = result(report, 'lifecycle', 'destroy removes the instance; destroying an unknown one succeeds');
    expect(r).toMatchObject({ status: 'failed', code: 'DRIVER_ERROR' });
    expect(r.reason).toMatch(/no domain/);
  });

  it('(d) an instance left behind after destroy', async () => {
    const report = await kitReport(LeakyDestroyDriver);
    expect(report.summary.failed).toBeGreaterThan(0);
    const r = result(report, 'lifecycle', 'destroy removes the instance; destroying an unknown one succeeds');
    expect(r.status).toBe('failed');
    expect(r.reason).toMatch(/left behind after destroy: 1 instance/);
    expect(result(report, 'core', 'a fresh driver lists no instances and counts agree').status).toBe('passed');
  });

  it('(e) a stale state reported later from a timer (a late, spurious event)', async () => {
    const report = await kitReport(StaleEventDriver);
    expect(report.summary.failed).toBeGreaterThan(0);
    const r = result(report, 'lifecycle', 'events follow state: one per change, in order, matching getInfo');
    expect(r.status).toBe('failed');
    expect(r.reason).toMatch(/after powerOff and a quiet period/);
  });

  it('(e) a spurious state change reported during pause', async () => {
    const report = await kitReport(SpuriousEventDriver);
    const r = result(report, 'lifecycle.pause', 'pause and unpause, both ways');
    expect(r.status).toBe('failed');
    expect(r.reason).toMatch(/events: expected \["PAUSED","RESUMED"\], got \["STOPPED","PAUSED","RESUMED"\]/);
  });

  it('(f) an unadvertised capability that silently succeeds', async () => {
    const report = await kitReport(SilentExtendDriver, [...ONLY, 'volume.extend']);
    expect(report.capabilities).not.toContain('volume.extend');
    expect(report.summary.failed).toBe(1);
    const r = result(report, 'volume.extend', /^not advertised/);
    expect(r.status).toBe('failed');
    expect(r.reason).toMatch(/extendVolume of unadvertised 'volume.extend' succeeded silently/);
  });
});
