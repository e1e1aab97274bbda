import {
  PowerState,
  type InstanceRequest,
  type OperationContext as Ctx,
  type RebootRequest,
  type RebuildRequest,
  type RescueRequest,
  type UnrescueRequest,
} from '@virtkit/core';
import { MemoryDriver } from '@virtkit/memory';
import { WALK, walkEvents, walkTransitions, type BrokenDriver } from './broken-driver';

const { RUNNING, SHUTDOWN } = PowerState;

/** A hard reboot of a running instance powers it off and forgets to start it again. */
class HardRebootStops extends MemoryDriver {
  protected override async _reboot(c: Ctx, r: RebootRequest): Promise<void> {
    const was = super._getInfo(c, r).state;
    await super._reboot(c, r);
    if (r.rebootType === 'HARD' && was === RUNNING) await super._powerOff(c, r);
  }
}

/** Host-boot resume restarts soft-deleted instances too. */
class HostBootRestoresSoftDeleted extends MemoryDriver {
  protected override async _resumeStateOnHostBoot(c: Ctx, r: InstanceRequest): Promise<void> {
    const info = super._getInfo(c, r);
    if (info.softDeleted) return super._restore(c, r);
    return super._resumeStateOnHostBoot(c, r);
  }
}

/** Rescue of a stopped instance leaves it stopped. */
class RescueKeepsStopped extends MemoryDriver {
  protected override async _rescue(c: Ctx, r: RescueRequest): Promise<void> {
    const was = super._getInfo(c, r).state;
    await super._rescue(c, r);
    if (was === SHUTDOWN) await super._powerOff(c, r);
  }
}

/** Restore clears the soft-deleted flag but does not start the instance. */
class RestoreStaysOff extends MemoryDriver {
  protected override async _restore(c: Ctx, r: InstanceRequest): Promise<void> {
    await super._restore(c, r);
    await super._powerOff(c, r);
  }
}

/** A crash dump leaves the guest stopped instead of restarting it. */
class CrashDumpStops extends MemoryDriver {
  protected override async _triggerCrashDump(c: Ctx, r: InstanceRequest): Promise<void> {
    await super._triggerCrashDump(c, r);
    await super._powerOff(c, r);
  }
}

/** Unrescue leaves the instance stopped. */
class UnrescueStops extends MemoryDriver {
  protected override async _unrescue(c: Ctx, r: UnrescueRequest): Promise<void> {
    const was = super._getInfo(c, r).rescued;
    await super._unrescue(c, r);
    if (was) await super._powerOff(c, r);
  }
}

/** Resume is done as a restart and reported so: stopped, then started, instead of resumed. */
class ResumeAsRestart extends MemoryDriver {
  protected override async _resume(c: Ctx, r: InstanceRequest): Promise<void> {
    this.reportPowerState(r.instance.uuid, SHUTDOWN);
    await super._resume(c, r);
  }
}

/** Rebuild reports the old guest stopped and the new one started, although the instance keeps running. */
class RebuildReportsRestart extends MemoryDriver {
  protected override async _rebuild(c: Ctx, r: RebuildRequest): Promise<void> {
    const was = super._getInfo(c, r).state;
    if (was === RUNNING) this.reportPowerState(r.instance.uuid, SHUTDOWN);
    await super._rebuild(c, r);
    this.reportPowerState(r.instance.uuid, RUNNING);
  }
}

/** Rescue of a running guest reports the reboot into the rescue image as stopped then started. */
class RescueReportsRestart extends MemoryDriver {
  protected override async _rescue(c: Ctx, r: RescueRequest): Promise<void> {
    const was = super._getInfo(c, r).state;
    if (was === RUNNING) this.reportPowerState(r.instance.uuid, SHUTDOWN);
    await super._rescue(c, r);
    this.reportPowerState(r.instance.uuid, RUNNING);
  }
}

export const TRANSITIONS: readonly BrokenDriver[] = [
  {
    bug: 'a hard reboot of a running instance leaves it stopped',
    kind: 'transitions',
    Driver: HardRebootStops,
    only: ['lifecycle'],
    caughtBy: { capability: 'lifecycle', test: walkTransitions(WALK.lifecycle) },
    reason: /hard reboot of vm\d+ \(RUNNING\)/,
  },
  {
    bug: 'host-boot resume restarts soft-deleted instances',
    kind: 'transitions',
    Driver: HostBootRestoresSoftDeleted,
    only: ['lifecycle'],
    caughtBy: { capability: 'lifecycle', test: walkTransitions(WALK.lifecycle) },
    reason: /resumeStateOnHostBoot of vm\d+ \(soft-deleted\)/,
  },
  {
    bug: 'rescue of a stopped instance leaves it stopped',
    kind: 'transitions',
    Driver: RescueKeepsStopped,
    only: ['lifecycle.rescue'],
    caughtBy: { capability: 'lifecycle.rescue', test: walkTransitions(WALK.rescue) },
    reason: /rescue of vm\d+ \(SHUTDOWN\)/,
  },
  {
    bug: 'restore does not start the instance',
    kind: 'transitions',
    Driver: RestoreStaysOff,
    only: ['lifecycle.softDelete'],
    caughtBy: { capability: 'lifecycle.softDelete', test: walkTransitions(WALK.softDelete) },
  },
  {
    bug: 'a crash dump leaves the guest stopped',
    kind: 'transitions',
    Driver: CrashDumpStops,
    only: ['lifecycle.crashDump'],
    caughtBy: { capability: 'lifecycle.crashDump', test: walkTransitions(WALK.crashDump) },
  },
  {
    bug: 'unrescue leaves the instance stopped',
    kind: 'transitions',
    Driver: UnrescueStops,
    only: ['lifecycle.rescue'],
    caughtBy: { capability: 'lifecycle.rescue', test: walkTransitions(WALK.rescue) },
    reason: /unrescue of vm\d+/,
  },
  {
    bug: 'resume is reported as a restart (stopped, started)',
    kind: 'transitions',
    Driver: ResumeAsRestart,
    only: ['lifecycle.suspend'],
    caughtBy: { capability: 'lifecycle.suspend', test: walkEvents(WALK.suspend) },
    reason: /expected events \[RESUMED\], got \[STOPPED, STARTED\]/,
  },
  {
    bug: 'rebuild reports the running instance stopped and started',
    kind: 'transitions',
    Driver: RebuildReportsRestart,
    only: ['lifecycle.rebuild'],
    caughtBy: { capability: 'lifecycle.rebuild', test: walkEvents(WALK.rebuild) },
  },
  {
    bug: 'rescue of a running guest is reported as stopped then started',
    kind: 'transitions',
    Driver: RescueReportsRestart,
    only: ['lifecycle.rescue'],
    caughtBy: { capability: 'lifecycle.rescue', test: walkEvents(WALK.rescue) },
  },
];
