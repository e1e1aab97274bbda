/**
 * Broken variants of @virtkit/memory in what its instance model reports (issue #10, mutation testing of
 * model/instance-record.ts, instance-store.ts, console-log.ts, clock.ts, call-deadline.ts): CPU time, uptime,
 * internal ids, names and the console log. Each is one plausible bug away from the correct
 * driver, observable through public calls, and must be caught by the kit test whose name says what was wrong; the
 * correct driver passes the same suites (no false alarm).
 */
import {
  ConflictError,
  type DestroyRequest,
  type InstanceDiagnostics,
  type InstanceInfo,
  type InstanceRequest,
  type InstanceSummary,
  type OperationContext as Ctx,
  type PowerOffRequest,
  type PowerOnRequest,
  type RebootRequest,
  type SpawnRequest,
} from '@virtkit/core';
import { MemoryDriver } from '@virtkit/memory';
import { expectCaught, expectNoFalseAlarm, type BrokenDriver } from './broken/broken-driver';

/** The memory driver with a look at its own records, as a driver would look at its domains. */
class Inspecting extends MemoryDriver {
  record(uuid: string) {
    return this.hostFor(null).store.require(uuid);
  }
}

/** Power off forgets to stop the guest's CPU clock: a stopped guest's CPU time keeps growing. */
class PowerOffKeepsCpuClock extends Inspecting {
  protected override async _powerOff(c: Ctx, r: PowerOffRequest): Promise<void> {
    const record = this.record(r.instance.uuid);
    const { cpuSince, cpuMs } = record;
    await super._powerOff(c, r);
    if (cpuSince >= 0) Object.assign(record, { cpuSince, cpuMs });
  }
}

/** A reboot starts the CPU time count again: what the guest used before it is lost. */
class RebootRestartsCpuTime extends Inspecting {
  protected override async _reboot(c: Ctx, r: RebootRequest): Promise<void> {
    await super._reboot(c, r);
    this.record(r.instance.uuid).cpuMs = 0;
  }
}

/** The internal id is made from the instance's image: every instance of one image shares it. */
class InternalIdFromImage extends Inspecting {
  protected override _getInfo(c: Ctx, r: InstanceRequest): InstanceInfo {
    const info = super._getInfo(c, r);
    return { ...info, internalId: `instance-${this.record(r.instance.uuid).image}` };
  }
}

/** The listing shows the name given at spawn, an empty one for an instance spawned without a name. */
class UnnamedListedEmpty extends Inspecting {
  protected override async _listInstances(c: Ctx): Promise<InstanceSummary[]> {
    const listed = await super._listInstances(c);
    return listed.map(({ uuid }) => ({ uuid, name: this.record(uuid).name ?? '' }));
  }
}

/** Destroy leaves the instance's name taken: a new instance under that name is CONFLICT. */
class DestroyKeepsName extends Inspecting {
  readonly #taken = new Set<string>();
  protected override async _spawn(c: Ctx, r: SpawnRequest): Promise<void> {
    const name = r.instance.name;
    if (name !== undefined && this.#taken.has(name)) throw new ConflictError(`an instance named '${name}' exists`);
    await super._spawn(c, r);
  }
  protected override async _destroy(c: Ctx, r: DestroyRequest): Promise<void> {
    const name = this.hostFor(null).store.get(r.instance.uuid)?.name;
    await super._destroy(c, r);
    if (name !== undefined) this.#taken.add(name);
  }
}

/** Power on starts the console log afresh: what the guest wrote before is gone. */
class PowerOnClearsConsole extends Inspecting {
  protected override async _powerOn(c: Ctx, r: PowerOnRequest): Promise<void> {
    await super._powerOn(c, r);
    Object.assign(this.record(r.instance.uuid), { log0: undefined, log1: undefined, log: undefined, logBytes: 0 });
  }
}

/** Diagnostics report uptime in milliseconds, not seconds. */
class UptimeInMilliseconds extends Inspecting {
  readonly #bootedAt = new Map<string, number>();
  protected override async _spawn(c: Ctx, r: SpawnRequest): Promise<void> {
    await super._spawn(c, r);
    this.#bootedAt.set(r.instance.uuid, Date.now());
  }
  protected override async _getInstanceDiagnostics(c: Ctx, r: InstanceRequest): Promise<InstanceDiagnostics> {
    const d = await super._getInstanceDiagnostics(c, r);
    const since = this.#bootedAt.get(r.instance.uuid);
    return d.uptimeSec === 0 && since !== undefined ? { ...d, uptimeSec: Date.now() - since } : d;
  }
}

const CPU_IDLE = 'an instance spawned without power-on has used no CPU time, and a SHUTDOWN instance uses none';
const CPU_RUNNING =
  'CPU time of a RUNNING instance grows, and does not go backwards across pause, unpause and a SOFT reboot';

const CORPUS: BrokenDriver[] = [
  {
    bug: 'power off leaves the CPU clock running',
    kind: 'secondary outputs',
    Driver: PowerOffKeepsCpuClock,
    only: ['lifecycle'],
    caughtBy: { capability: 'lifecycle', test: CPU_IDLE },
    reason: /moved while no guest ran/,
  },
  {
    bug: 'a reboot starts the CPU time count again',
    kind: 'secondary outputs',
    Driver: RebootRestartsCpuTime,
    only: ['lifecycle', 'lifecycle.pause'],
    caughtBy: { capability: 'lifecycle', test: CPU_RUNNING },
    reason: /went backwards across a SOFT reboot/,
  },
  {
    bug: 'the internal id is made from the image, so instances of one image share it',
    kind: 'cross-instance',
    Driver: InternalIdFromImage,
    only: [],
    caughtBy: {
      capability: 'core',
      test: 'internal ids of instances that exist at once differ, and each is a non-empty string when reported',
    },
  },
  {
    bug: 'an instance spawned without a name is listed under an empty name',
    kind: 'secondary outputs',
    Driver: UnnamedListedEmpty,
    only: [],
    caughtBy: {
      capability: 'core',
      test: 'instances spawned without a name are listed, each under a non-empty name of its own',
    },
  },
  {
    bug: 'destroy leaves the name taken',
    kind: 'transitions',
    Driver: DestroyKeepsName,
    only: [],
    caughtBy: { capability: 'core', test: 'the name of a destroyed instance can be given to a new one' },
  },
  {
    bug: 'power on starts the console log afresh',
    kind: 'survival',
    Driver: PowerOnClearsConsole,
    only: ['console.output'],
    caughtBy: {
      capability: 'console.output',
      test: 'console output is append-only: each read starts with what the one before showed (until truncated)',
    },
  },
  {
    bug: 'diagnostics report uptime in milliseconds',
    kind: 'secondary outputs',
    Driver: UptimeInMilliseconds,
    only: ['diagnostics'],
    caughtBy: {
      capability: 'diagnostics',
      test:
        'diagnostics uptime counts from boot: never longer than the instance has existed, >= 1 s after a second ' +
        'RUNNING, kept across pause and unpause, 0 once SHUTDOWN',
    },
  },
];

describe('the kit catches memory variants that report their instances wrongly', () => {
  it('passes the correct memory driver on the same suites (no false alarm)', () => expectNoFalseAlarm(CORPUS), 60_000);

  it.each(CORPUS.map((b) => [`${b.kind}: ${b.bug}`, b] as const))(
    '%s',
    async (_bug, broken) => expectCaught(broken),
    60_000,
  );
});
