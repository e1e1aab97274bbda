/**
 * The kit must catch broken drivers. Each one below subclasses a small correct
 * driver (lifecycle + pause, composed like the sample driver) and breaks one
 * rule of CONTRACT.md; the kit's report must fail, naming the capability and
 * the test that caught it. (The corpus of broken memory variants is at the end.)
 */
import {
  DriverError,
  InstanceNotFoundError,
  NotSupportedError,
  PowerState,
  ValidationError,
  withInventory,
  type AvailableResource,
  type CapabilityName,
  type InstanceInfo,
  type OperationContext,
} from '@virtkit/core';
import { runConformance, type ConformanceReport, type TestResult } from '@virtkit/conformance';
import { TINY_CAPACITY, TinyDriver, type Req } from './helpers/tiny-driver';
import { createMemoryFixtures } from '@virtkit/memory';
import { expectCaught, expectNoFalseAlarm, WALK, walkAttachments, type BrokenDriver } from './broken/broken-driver';
import { CROSS_INSTANCE } from './broken/cross-instance';
import { DISPOSAL, LEAKED_TIMERS } from './broken/disposal';
import { FAILURE_PATHS } from './broken/failure-paths';
import { RESOURCES } from './broken/resources';
import { SECONDARY_OUTPUTS } from './broken/secondary-outputs';
import { SECRETS_IN_LOGS } from './broken/secrets';
import { LifecycleVolumeMemory, SURVIVAL } from './broken/survival';
import { TRANSITIONS } from './broken/transitions';
import { HOST_AND_MIGRATION } from './broken/host-and-migration';
import { VOLUME_SWAP } from './broken/volume-swap';
import { REST_OUTPUTS } from './broken/rest-outputs';

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

/**
 * (g) a failed spawn (too big a flavor) that leaves the guest behind: the SDK's failed-spawn cleanup is overridden with
 * nothing.
 */
class LeakyFailedSpawnDriver extends TinyDriver {
  protected override async _spawn(c: OperationContext, r: Req): Promise<void> {
    this.guests.set(r.instance.uuid, { name: r.instance.name ?? r.instance.uuid, state: PowerState.SHUTDOWN });
    await super._spawn(c, r);
  }
  protected override async _failedSpawnCleanup(): Promise<void> {}
}

/** (h) an impossible flavor refused as if the request were malformed. */
class ValidationOnCapacityDriver extends TinyDriver {
  protected override async _spawn(c: OperationContext, r: Req): Promise<void> {
    if ((r.instance.flavor?.vcpus ?? 0) > TINY_CAPACITY.vcpus)
      throw new ValidationError('spawn', [{ path: 'instance.flavor.vcpus', messages: ['too many'] }]);
    await super._spawn(c, r);
  }
}

/** (i) declares it boots raw images only, yet spawns from any disk format. */
class AnyImageDriver extends TinyDriver {
  static override imageTypes = ['raw'] as const;
}

/** (j) reports its resources, and a failed spawn keeps its claim on them. */
class LeakyClaimDriver extends withInventory(TinyDriver) {
  claimed = { vcpus: 0, memoryMb: 0 };
  protected override async _spawn(c: OperationContext, r: Req): Promise<void> {
    const flavor = r.instance.flavor ?? { vcpus: 0, memoryMb: 0 };
    this.claimed.vcpus += flavor.vcpus;
    this.claimed.memoryMb += flavor.memoryMb;
    await super._spawn(c, r); // throws INSUFFICIENT_RESOURCES for too big a flavor, leaving the claim
  }
  protected override async _destroy(c: OperationContext, r: Req): Promise<void> {
    await super._destroy(c, r);
    this.claimed = { vcpus: 0, memoryMb: 0 };
  }
  protected async _getAvailableResource(): Promise<AvailableResource> {
    return {
      vcpus: TINY_CAPACITY.vcpus,
      memoryMb: TINY_CAPACITY.memoryMb,
      localGb: 10,
      vcpusUsed: this.claimed.vcpus,
      memoryMbUsed: this.claimed.memoryMb,
      localGbUsed: 0,
      hypervisorType: 'tiny',
      hypervisorVersion: 1,
      hypervisorHostname: 'tiny-host',
      cpuInfo: '{}',
      diskAvailableLeast: 10,
      supportedInstances: [],
    };
  }
  protected async _updateProviderTree(): Promise<void> {}
  protected async _getTraits(): Promise<string[]> {
    return [];
  }
}

/** (k) reports its resources, yet accepts a flavor far beyond them. */
class NoCapacityCheckDriver extends LeakyClaimDriver {
  protected override async _spawn(_c: OperationContext, r: Req): Promise<void> {
    this.guests.set(r.instance.uuid, { name: r.instance.name ?? r.instance.uuid, state: PowerState.RUNNING });
  }
}

const ONLY = ['lifecycle', 'lifecycle.pause'] as const;
const FAILED_SPAWN = 'a failed spawn (impossible flavor, unbootable image format) leaves nothing behind';

async function kitReport(
  Driver: new (options: { hostname: string }) => TinyDriver,
  only: readonly CapabilityName[] = ONLY,
): Promise<ConformanceReport> {
  return runConformance({ factory: () => new Driver({ hostname: 'tiny-host' }), only });
}

function result(report: ConformanceReport, capability: string, name: string | RegExp): TestResult {
  const found = report.results.find(
    (r) => r.capability === capability && (typeof name === 'string' ? r.name === name : name.test(r.name)),
  );
  if (!found)
    throw new Error(
      `no result ${capability}: ${String(name)} in ` +
        `${report.results.map((r) => `${r.capability}: ${r.name}`).join(' | ')}`,
    );
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

  it('(g) a failed spawn that leaves the instance behind', async () => {
    const report = await kitReport(LeakyFailedSpawnDriver);
    const r = result(report, 'lifecycle', FAILED_SPAWN);
    expect(r.status).toBe('failed');
    expect(r.reason).toMatch(
      /after the refused spawn of an impossible flavor \(INSUFFICIENT_RESOURCES\), listInstanceUuids must not have grown, but it now also lists [0-9a-f-]{36}/,
    );
    expect(result(report, 'lifecycle', /^spawn shows/).status).toBe('passed');
  });

  it('(h) an impossible (yet valid) flavor refused with VALIDATION_FAILED', async () => {
    const r = result(await kitReport(ValidationOnCapacityDriver), 'lifecycle', FAILED_SPAWN);
    expect(r.status).toBe('failed');
    expect(r.reason).toMatch(
      /expected INSUFFICIENT_RESOURCES \(or DRIVER_ERROR, INVALID_STATE...\), got VALIDATION_FAILED/,
    );
  });

  it('(i) a spawn from a disk format the driver does not declare', async () => {
    const r = result(await kitReport(AnyImageDriver), 'lifecycle', FAILED_SPAWN);
    expect(r.status).toBe('failed');
    expect(r.reason).toMatch(
      /spawn of a qcow2 image must be refused: the driver boots only raw \(map.imageTypes\), but it succeeded/,
    );
  });

  it('(j) a failed spawn that keeps its claim on the resources', async () => {
    const report = await kitReport(LeakyClaimDriver, ['lifecycle', 'inventory']);
    expect(report.capabilities).toContain('inventory');
    const r = result(report, 'lifecycle', FAILED_SPAWN);
    expect(r.status).toBe('failed');
    expect(r.reason).toMatch(
      /vcpusUsed, memoryMbUsed, localGbUsed on node 'tiny-node' after the refused spawn of an impossible flavor \(INSUFFICIENT_RESOURCES\): expected \[0,0,0\], got \[4096,67108864,0\]/,
    );
  });

  it('(k) a driver that reports its resources and accepts a flavor beyond them', async () => {
    const r = result(await kitReport(NoCapacityCheckDriver, ['lifecycle', 'inventory']), 'lifecycle', FAILED_SPAWN);
    expect(r.status).toBe('failed');
    expect(r.reason).toMatch(
      /must be refused \(INSUFFICIENT_RESOURCES\) by a driver that reports its resources, but it succeeded/,
    );
  });
});

/**
 * The corpus: variants of @virtkit/memory, each one plausible bug away from
 * correct and observable through public calls (tests/broken/). Every one must
 * be caught, by the kit test whose name says what was wrong.
 */
describe('the kit catches every broken variant of the memory driver', () => {
  const corpus: readonly BrokenDriver[] = [
    ...CROSS_INSTANCE,
    ...TRANSITIONS,
    ...SURVIVAL,
    ...FAILURE_PATHS,
    ...RESOURCES,
    ...SECONDARY_OUTPUTS,
    ...SECRETS_IN_LOGS,
    ...DISPOSAL,
    ...HOST_AND_MIGRATION,
    ...VOLUME_SWAP,
    ...REST_OUTPUTS,
  ];
  afterAll(() => {
    for (const t of LEAKED_TIMERS) clearInterval(t);
  });

  it('has at least 40 broken drivers, at least three per class of mistake', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(40);
    for (const kind of [
      'cross-instance',
      'transitions',
      'survival',
      'failure paths',
      'resources',
      'secondary outputs',
      'secrets in logs',
    ] as const) {
      expect([kind, corpus.filter((b) => b.kind === kind).length]).toEqual([kind, expect.any(Number)]);
      expect(corpus.filter((b) => b.kind === kind).length).toBeGreaterThanOrEqual(3);
    }
    expect(new Set(corpus.map((b) => b.Driver)).size).toBe(corpus.length);
  });

  it(
    'passes the correct memory driver on the same suites (no false alarm)',
    async () => expectNoFalseAlarm(corpus),
    60_000,
  );

  it(
    'checks attachments of a correct driver without diagnostics through the CONFLICT probe: passed, not ' +
      'unverified',
    async () => {
      const report = await runConformance({
        factory: (hostApi) => new LifecycleVolumeMemory({ hostname: 'kit', ...hostApi }),
        fixtures: createMemoryFixtures({ capabilities: ['lifecycle', 'volume'] }),
        only: ['lifecycle'],
        modelBased: false,
      });
      const walk = report.results.find((r) => r.name === walkAttachments(WALK.lifecycle));
      expect({ status: walk?.status, reason: walk?.reason }).toEqual({ status: 'passed', reason: undefined });
      expect(
        report.results
          .filter((r) => r.status !== 'passed' && r.status !== 'skipped')
          .map((r) => `${r.name}: ${r.reason}`),
      ).toEqual([]);
    },
    60_000,
  );

  it.each(corpus.map((b) => [`${b.kind}: ${b.bug}`, b] as const))(
    '%s',
    async (_label, broken) => expectCaught(broken),
    60_000,
  );
});
