import type {
  InstanceInfo,
  InstanceRequest,
  InstanceSummary,
  OperationContext as Ctx,
  SpawnRequest,
} from '@virtkit/core';
import { MemoryDriver } from '@virtkit/memory';
import { TrackingMemory, type BrokenDriver } from './broken-driver';

/** A KiB figure divided by 1024 (the unit slip). */
const slipped = (kb: number | undefined): number | undefined => (kb === undefined ? undefined : kb / 1024);

/** getInfo reports maxMemKb in MiB. */
class MemoryInMib extends MemoryDriver {
  protected override _getInfo(c: Ctx, r: InstanceRequest): InstanceInfo {
    const info = super._getInfo(c, r);
    return { ...info, maxMemKb: slipped(info.maxMemKb), memKb: slipped(info.memKb) };
  }
}

/** getInfo reports one vCPU whatever the flavor. */
class AlwaysOneCpu extends MemoryDriver {
  protected override _getInfo(c: Ctx, r: InstanceRequest): InstanceInfo {
    return { ...super._getInfo(c, r), numCpu: 1 };
  }
}

/** getHostIp answers the address the driver listens on: 0.0.0.0. */
class UnspecifiedHostIp extends MemoryDriver {
  protected override async _getHostIp(): Promise<string> {
    return '0.0.0.0';
  }
}

/** getTraits builds its list from an old table that lacks COMPUTE_VOLUME_EXTEND. */
class TraitMissing extends MemoryDriver {
  protected override async _getTraits(c: Ctx, r: { nodename: string }): Promise<string[]> {
    return (await super._getTraits(c, r)).filter((t) => t !== 'COMPUTE_VOLUME_EXTEND');
  }
}

/** getTraits claims multi-attach volumes, which the map does not declare supported. */
class TraitInvented extends MemoryDriver {
  protected override async _getTraits(c: Ctx, r: { nodename: string }): Promise<string[]> {
    const traits = await super._getTraits(c, r);
    return this.capabilities.features.multiattach === 'supported'
      ? traits.filter((t) => t !== 'COMPUTE_IMAGE_TYPE_RAW')
      : [...traits, 'COMPUTE_VOLUME_MULTI_ATTACH'];
  }
}

/** instanceExists answers from a cache that never forgets a destroyed instance. */
class StaleInstanceExists extends TrackingMemory {
  readonly seen = new Set<string>();
  protected override async _spawn(c: Ctx, r: SpawnRequest): Promise<void> {
    await super._spawn(c, r);
    this.seen.add(r.instance.uuid);
  }
  protected override async _instanceExists(c: Ctx, r: InstanceRequest): Promise<boolean> {
    return this.seen.has(r.instance.uuid) || super._instanceExists(c, r);
  }
}

/** listInstances reports the hypervisor's own domain names, not the instance names it was given. */
class DomainNamesListed extends MemoryDriver {
  protected override async _listInstances(c: Ctx): Promise<InstanceSummary[]> {
    return (await super._listInstances(c)).map((i) => ({
      uuid: i.uuid,
      name: `instance-${i.uuid.slice(0, 8)}`,
    }));
  }
}

const LISTINGS = 'listInstances, listInstanceUuids, countInstances and instanceExists agree, with the names spawned';
const TRAITS = 'traits agree with the capability map (every trait the map implies, none it denies)';

export const SECONDARY_OUTPUTS: readonly BrokenDriver[] = [
  {
    bug: 'getInfo reports memory in MiB',
    kind: 'secondary outputs',
    Driver: MemoryInMib,
    only: ['lifecycle'],
    caughtBy: {
      capability: 'lifecycle',
      test: "getInfo reports the flavor's vCPUs and memory in KiB (numCpu, maxMemKb), and memKb within it",
    },
    reason: /maxMemKb/,
  },
  {
    bug: 'getInfo reports one vCPU whatever the flavor',
    kind: 'secondary outputs',
    Driver: AlwaysOneCpu,
    only: ['lifecycle'],
    caughtBy: {
      capability: 'lifecycle',
      test: 'getInfo answers for the instance asked: two instances of different flavors and states each report their own',
    },
    reason: /numCpu/,
  },
  {
    bug: 'the host IP is the unspecified address',
    kind: 'secondary outputs',
    Driver: UnspecifiedHostIp,
    only: [],
    caughtBy: {
      capability: 'core',
      test: 'the host IP is an address others can reach (not unspecified 0.0.0.0 or ::)',
    },
  },
  {
    bug: 'traits leave out COMPUTE_VOLUME_EXTEND',
    kind: 'secondary outputs',
    Driver: TraitMissing,
    only: ['inventory'],
    caughtBy: { capability: 'inventory', test: TRAITS },
    reason: /missing: COMPUTE_VOLUME_EXTEND/,
  },
  {
    bug: 'traits claim a feature the map does not back',
    kind: 'secondary outputs',
    Driver: TraitInvented,
    only: ['inventory'],
    caughtBy: { capability: 'inventory', test: TRAITS },
  },
  {
    bug: 'instanceExists stays true for a destroyed instance',
    kind: 'secondary outputs',
    Driver: StaleInstanceExists,
    only: ['lifecycle'],
    caughtBy: { capability: 'lifecycle', test: LISTINGS },
    reason: /instanceExists of the destroyed instance must be false/,
  },
  {
    bug: 'listInstances reports domain names instead of instance names',
    kind: 'secondary outputs',
    Driver: DomainNamesListed,
    only: ['lifecycle'],
    caughtBy: { capability: 'lifecycle', test: LISTINGS },
    reason: /listInstances/,
  },
];
