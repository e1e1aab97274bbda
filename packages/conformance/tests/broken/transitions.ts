import { PowerState } from '@virtkit/core';
import { Memory, WALK, walkEvents, walkTransitions, type BrokenDriver } from './broken-driver';

const { RUNNING, SHUTDOWN } = PowerState;

/** A hard reboot of a running instance powers it off and forgets to start it again. */
class HardRebootStops extends Memory {
  async _reboot(c: any, r: any): Promise<void> {
    const was = (await super._getInfo(c, r)).state;
    await super._reboot(c, r);
    if (r.rebootType === 'HARD' && was === RUNNING) await super._powerOff(c, r);
  }
}

/** Host-boot resume restarts soft-deleted instances too. */
class HostBootRestoresSoftDeleted extends Memory {
  async _resumeStateOnHostBoot(c: any, r: any): Promise<void> {
    const info = await super._getInfo(c, r);
    if (info.softDeleted) return super._restore(c, r);
    return super._resumeStateOnHostBoot(c, r);
  }
}

/** Rescue of a stopped instance leaves it stopped. */
class RescueKeepsStopped extends Memory {
  async _rescue(c: any, r: any): Promise<void> {
    const was = (await super._getInfo(c, r)).state;
    await super._rescue(c, r);
    if (was === SHUTDOWN) await super._powerOff(c, r);
  }
}

/** Restore clears the soft-deleted flag but does not start the instance. */
class RestoreStaysOff extends Memory {
  async _restore(c: any, r: any): Promise<void> {
    await super._restore(c, r);
    await super._powerOff(c, r);
  }
}

/** A crash dump leaves the guest stopped instead of restarting it. */
class CrashDumpStops extends Memory {
  async _triggerCrashDump(c: any, r: any): Promise<void> {
    await super._triggerCrashDump(c, r);
    await super._powerOff(c, r);
  }
}

/** Unrescue leaves the instance stopped. */
class UnrescueStops extends Memory {
  async _unrescue(c: any, r: any): Promise<void> {
    const was = (await super._getInfo(c, r)).rescued;
    await super._unrescue(c, r);
    if (was) await super._powerOff(c, r);
  }
}

/** Resume is done as a restart and reported so: stopped, then started, instead of resumed. */
class ResumeAsRestart extends Memory {
  async _resume(c: any, r: any): Promise<void> {
    this.reportPowerState(r.instance.uuid, SHUTDOWN);
    await super._resume(c, r);
  }
}

/** Rebuild reports the old guest stopped and the new one started, although the instance keeps running. */
class RebuildReportsRestart extends Memory {
  async _rebuild(c: any, r: any): Promise<void> {
    const was = (await super._getInfo(c, r)).state;
    if (was === RUNNING) this.reportPowerState(r.instance.uuid, SHUTDOWN);
    await super._rebuild(c, r);
    this.reportPowerState(r.instance.uuid, RUNNING);
  }
}

/** Rescue of a running guest reports the reboot into the rescue image as stopped then started. */
class RescueReportsRestart extends Memory {
  async _rescue(c: any, r: any): Promise<void> {
    const was = (await super._getInfo(c, r)).state;
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
