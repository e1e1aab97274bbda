import {
  PowerState,
  type CheckCanLiveMigrateDestinationRequest,
  type FinishRevertMigrationRequest,
  type HostMaintenanceModeRequest,
  type HostPowerActionRequest,
  type InstanceRequest,
  type MigrateData,
  type OperationContext as Ctx,
  type PowerOnRequest,
} from '@virtkit/core';
import { MemoryDriver } from '@virtkit/memory';
import type { BrokenDriver } from './broken-driver';

const { SHUTDOWN } = PowerState;

/** Host shutdown marks the host off but leaves every guest running (the guests were "someone else's job"). */
class HostShutdownLeavesGuestsRunning extends MemoryDriver {
  protected override async _hostPowerAction(c: Ctx, r: HostPowerActionRequest): Promise<void> {
    if (r.action !== 'shutdown') return super._hostPowerAction(c, r);
    this.hostFor('hostPowerAction').poweredOn = false;
  }
}

/** Host startup boots every stopped guest again, also those the orchestrator had stopped. */
class HostStartupBootsGuests extends MemoryDriver {
  protected override async _hostPowerAction(c: Ctx, r: HostPowerActionRequest): Promise<void> {
    await super._hostPowerAction(c, r);
    if (r.action !== 'startup') return;
    for (const record of [...this.hostFor('hostPowerAction').store.values()]) {
      if (record.state === SHUTDOWN) await super._powerOn(c, { instance: { uuid: record.uuid } });
    }
  }
}

/** Power on does not check the host: a guest starts on a host that is powered off. */
class PowerOnWhileHostOff extends MemoryDriver {
  protected override async _powerOn(c: Ctx, r: PowerOnRequest): Promise<void> {
    const host = this.hostFor('powerOn');
    const was = host.poweredOn;
    host.poweredOn = true;
    try {
      await super._powerOn(c, r);
    } finally {
      host.poweredOn = was;
    }
  }
}

/** Host shutdown leaves the live migrations leaving it running: they complete from a host that is down. */
class ShutdownKeepsMigrating extends MemoryDriver {
  protected override async _hostPowerAction(c: Ctx, r: HostPowerActionRequest): Promise<void> {
    const runs = this.hostFor('hostPowerAction').liveMigrations;
    const saved = [...runs.entries()];
    runs.clear();
    try {
      await super._hostPowerAction(c, r);
    } finally {
      for (const [uuid, run] of saved) runs.set(uuid, run);
    }
  }
}

/** Maintenance mode only raises a flag: the instances stay on the host being serviced. */
class MaintenanceMovesNothing extends MemoryDriver {
  protected override async _hostMaintenanceMode(_c: Ctx, r: HostMaintenanceModeRequest): Promise<void> {
    this.hostFor('hostMaintenanceMode').maintenance = r.mode;
  }
}

/** A disabled host still answers the live-migration destination check as if it took instances. */
class DisabledHostTakesMigrations extends MemoryDriver {
  protected override async _checkCanLiveMigrateDestination(
    c: Ctx,
    r: CheckCanLiveMigrateDestinationRequest,
  ): Promise<MigrateData> {
    const host = this.hostFor('checkCanLiveMigrateDestination');
    const was = host.enabled;
    host.enabled = true;
    try {
      return await super._checkCanLiveMigrateDestination(c, r);
    } finally {
      host.enabled = was;
    }
  }
}

/** The traits never say the host is disabled (the status trait was left out of the list). */
class DisabledTraitMissing extends MemoryDriver {
  protected override async _getTraits(c: Ctx, r: { nodename: string }): Promise<string[]> {
    return (await super._getTraits(c, r)).filter((t) => t !== 'COMPUTE_STATUS_DISABLED');
  }
}

/** A revert of a cold migration brings the source copy back but never starts it. */
class RevertLeavesStopped extends MemoryDriver {
  protected override async _finishRevertMigration(c: Ctx, r: FinishRevertMigrationRequest): Promise<void> {
    await super._finishRevertMigration(c, { ...r, powerOn: false });
  }
}

/** A revert of a cold migration always starts the source copy, ignoring `powerOn: false`. */
class RevertIgnoresPowerOnFalse extends MemoryDriver {
  protected override async _finishRevertMigration(c: Ctx, r: FinishRevertMigrationRequest): Promise<void> {
    await super._finishRevertMigration(c, { ...r, powerOn: true });
  }
}

/** instanceOnDisk looks at local instances only, although the host says instance paths are shared. */
class InstanceOnDiskLocalOnly extends MemoryDriver {
  protected override async _instanceOnDisk(_c: Ctx, r: InstanceRequest): Promise<boolean> {
    return this.hostFor('instanceOnDisk').store.has(r.instance.uuid);
  }
}

const SHUTDOWN_TEST =
  'a host shutdown stops every running guest (SHUTDOWN, one STOPPED event each) and leaves a stopped one alone; ' +
  'startup starts none';
const HOST_OFF_TEST =
  'while the host is powered off, nothing starts a guest (spawn, powerOn, hard reboot are INVALID_STATE and change ' +
  'nothing)';
const REVERT_TEST = (what: string): string =>
  `a revert before finishMigration brings the source copy back ${what}; the destination never has it`;

/** Host power and maintenance effects, the steps of a cold migration, shared instance paths. */
export const HOST_AND_MIGRATION: readonly BrokenDriver[] = [
  {
    bug: 'a host shutdown leaves the guests running',
    kind: 'transitions',
    Driver: HostShutdownLeavesGuestsRunning,
    only: ['host.power'],
    caughtBy: { capability: 'host.power', test: SHUTDOWN_TEST },
    reason: /after a host shutdown: expected state SHUTDOWN, getInfo says RUNNING/,
  },
  {
    bug: 'host startup boots every stopped guest',
    kind: 'transitions',
    Driver: HostStartupBootsGuests,
    only: ['host.power'],
    caughtBy: { capability: 'host.power', test: SHUTDOWN_TEST },
    reason: /host startup \(guests stay stopped\)/,
  },
  {
    bug: 'power on starts a guest on a powered-off host',
    kind: 'transitions',
    Driver: PowerOnWhileHostOff,
    only: ['host.power'],
    caughtBy: { capability: 'host.power', test: HOST_OFF_TEST },
    reason: /powerOn on a powered-off host/,
  },
  {
    bug: 'a host shutdown lets the live migrations leaving it complete',
    kind: 'failure paths',
    Driver: ShutdownKeepsMigrating,
    only: ['host.power'],
    caughtBy: {
      capability: 'host.power',
      test:
        'a host shutdown during a live migration ends it: the instance stays on the source, stopped, and the ' +
        'destination holds nothing',
    },
  },
  {
    bug: 'maintenance mode leaves the instances on the host',
    kind: 'survival',
    Driver: MaintenanceMovesNothing,
    only: ['host.maintenance'],
    caughtBy: {
      capability: 'host.maintenance',
      test:
        'entering maintenance moves every instance to another host in its power state and leaves the host ' +
        'empty; leaving it moves nothing back',
    },
    reason: /where instance .* is in maintenance/,
  },
  {
    bug: 'a disabled host accepts live migrations',
    kind: 'resources',
    Driver: DisabledHostTakesMigrations,
    only: ['host.maintenance'],
    caughtBy: {
      capability: 'host.maintenance',
      test: 'a host in maintenance or disabled takes no instance by live migration; enabled again, it does',
    },
    reason: /disabled host/,
  },
  {
    bug: 'the traits never carry COMPUTE_STATUS_DISABLED',
    kind: 'secondary outputs',
    Driver: DisabledTraitMissing,
    only: ['host.maintenance'],
    caughtBy: {
      capability: 'host.maintenance',
      test: 'a disabled host carries the COMPUTE_STATUS_DISABLED trait, and drops it once enabled again',
    },
  },
  {
    bug: 'a reverted cold migration leaves the source copy stopped',
    kind: 'transitions',
    Driver: RevertLeavesStopped,
    only: ['migration.cold'],
    caughtBy: { capability: 'migration.cold', test: REVERT_TEST('RUNNING') },
  },
  {
    bug: 'a reverted cold migration starts the source copy despite powerOn false',
    kind: 'transitions',
    Driver: RevertIgnoresPowerOnFalse,
    only: ['migration.cold'],
    caughtBy: { capability: 'migration.cold', test: REVERT_TEST('SHUTDOWN (powerOn false)') },
  },
  {
    bug: 'instanceOnDisk ignores the shared instance path it reports',
    kind: 'secondary outputs',
    Driver: InstanceOnDiskLocalOnly,
    only: ['migration.sharedStorage'],
    caughtBy: {
      capability: 'migration.sharedStorage',
      test:
        'an instance path the live-migration destination check calls shared is one the destination sees: the ' +
        'shared-storage check and instanceOnDisk there agree',
    },
    reason: /instanceOnDisk at the destination/,
  },
];
