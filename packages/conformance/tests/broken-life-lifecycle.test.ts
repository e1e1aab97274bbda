/**
 * Broken variants of @virtkit/memory in its lifecycle calls (issue #10, mutation testing of the lifecycle files):
 * each is one plausible bug away from the correct driver, observable through public calls, and must be caught by
 * the kit test whose name says what was wrong. The correct driver passes the same suites (no false alarm).
 */
import {
  ConflictError,
  type CapabilityName,
  type HostApi,
  type ImageMeta,
  type InstanceRequest,
  type OperationContext as Ctx,
  type QuiesceRequest,
  type RebuildRequest,
  type SpawnRequest,
  type Vif,
} from '@virtkit/core';
import { expectCaught, expectNoFalseAlarm } from './broken/broken-driver';
import { MemoryDriver, type MemoryConfig, type MemoryDriverCore } from '@virtkit/memory';

/** A memory driver that remembers the request each instance was spawned with (for variants that misuse it). */
class RememberingMemory extends MemoryDriver {
  readonly spawned = new Map<string, SpawnRequest>();
  protected override async _spawn(c: Ctx, r: SpawnRequest): Promise<void> {
    await super._spawn(c, r);
    this.spawned.set(r.instance.uuid, r);
  }
}

/** A retried spawn is compared without its image: a retry from another image is taken for the same request. */
class RetryIgnoresImage extends RememberingMemory {
  protected override async _spawnMatches(c: Ctx, r: SpawnRequest): Promise<boolean> {
    const first = this.spawned.get(r.instance.uuid);
    return super._spawnMatches(c, first ? { ...r, imageMeta: first.imageMeta } : r);
  }
}

/** A retried spawn compares its NICs as a list, in order and MACs as typed: the same NICs reordered are refused. */
class RetryComparesNicOrder extends RememberingMemory {
  protected override async _spawnMatches(c: Ctx, r: SpawnRequest): Promise<boolean> {
    const first = this.spawned.get(r.instance.uuid);
    const list = (vifs: Vif[] | undefined): string => (vifs ?? []).map((v) => `${v.id}/${v.address}`).join();
    if (first && list(first.networkInfo) !== list(r.networkInfo)) return false;
    return super._spawnMatches(c, r);
  }
}

/** A retried spawn is compared without its volumes: a retry mapping another volume is taken for the same request. */
class RetryIgnoresVolumes extends RememberingMemory {
  protected override async _spawnMatches(c: Ctx, r: SpawnRequest): Promise<boolean> {
    const first = this.spawned.get(r.instance.uuid);
    return super._spawnMatches(c, first ? { ...r, blockDeviceInfo: first.blockDeviceInfo } : r);
  }
}

/** Rebuild boots the new image but records the old one: the instance still claims its first image. */
class RebuildKeepsOldImage extends RememberingMemory {
  protected override async _rebuild(c: Ctx, r: RebuildRequest): Promise<void> {
    const first = this.spawned.get(r.instance.uuid);
    await super._rebuild(c, first ? { ...r, imageMeta: first.imageMeta } : r);
  }
}

/** Rebuild ignores the new networkInfo: the instance keeps its old NICs. */
class RebuildIgnoresNetworkInfo extends MemoryDriver {
  protected override async _rebuild(c: Ctx, r: RebuildRequest): Promise<void> {
    await super._rebuild(c, { ...r, networkInfo: undefined });
  }
}

/** Rebuild re-plugs a kept NIC with the device tag it had before, though the new networkInfo has none. */
class RebuildKeepsNicTags extends RememberingMemory {
  protected override async _rebuild(c: Ctx, r: RebuildRequest): Promise<void> {
    const old = new Map((this.spawned.get(r.instance.uuid)?.networkInfo ?? []).map((v) => [v.id, v.tag]));
    const networkInfo = r.networkInfo?.map((v) => ({ ...v, tag: v.tag ?? old.get(v.id) }));
    await super._rebuild(c, { ...r, networkInfo });
  }
}

/** Rebuild re-attaches the spawn's volumes when the orchestrator gives none back (the old mapping "sticks"). */
class RebuildKeepsVolumes extends RememberingMemory {
  protected override async _rebuild(c: Ctx, r: RebuildRequest): Promise<void> {
    const first = this.spawned.get(r.instance.uuid);
    const given = r.attachBlockDevices !== undefined || r.blockDeviceInfo !== undefined;
    await super._rebuild(c, given || !first ? r : { ...r, blockDeviceInfo: first.blockDeviceInfo });
  }
}

/** An evacuation creates the instance on the new host but leaves it stopped. */
class EvacuationLeavesStopped extends MemoryDriver {
  protected override async _rebuild(c: Ctx, r: RebuildRequest): Promise<void> {
    const evacuation = r.recreate === true && !(await this._instanceExists(c, { instance: r.instance }));
    await super._rebuild(c, r);
    if (evacuation) await this._powerOff(c, { instance: r.instance });
  }
}

/** Every rebuild with `recreate` is taken for an evacuation: on the host that has the instance, its uuid is taken. */
class RecreateAlwaysEvacuates extends MemoryDriver {
  protected override async _rebuild(c: Ctx, r: RebuildRequest): Promise<void> {
    if (r.recreate === true && (await this._instanceExists(c, { instance: r.instance })))
      throw new ConflictError(`instance ${r.instance.uuid} already exists on this host`);
    await super._rebuild(c, r);
  }
}

/** An evacuation that fails late keeps the half-made guest (stopped) on the new host. */
class FailedEvacuationLeftovers extends MemoryDriver {
  protected override async _rebuild(c: Ctx, r: RebuildRequest): Promise<void> {
    const evacuation = r.recreate === true && !(await this._instanceExists(c, { instance: r.instance }));
    try {
      await super._rebuild(c, r);
    } catch (error) {
      if (evacuation)
        await this._spawn(c, {
          instance: r.instance,
          imageMeta: r.imageMeta,
          networkInfo: r.networkInfo,
          powerOn: false,
        });
      throw error;
    }
  }
}

/** Quiesce does not read the image's guest-agent property: it "freezes" a guest that has no agent. */
class QuiesceIgnoresAgent extends MemoryDriver {
  protected override async _quiesce(c: Ctx, r: QuiesceRequest): Promise<void> {
    const properties: Record<string, string> = { ...r.imageMeta.properties };
    delete properties.hw_qemu_guest_agent;
    await super._quiesce(c, { ...r, imageMeta: { ...r.imageMeta, properties } as ImageMeta });
  }
}

/** instanceOnDisk answers true for any uuid (it checks the storage is mounted, not that the files are there). */
class InstanceOnDiskAlways extends MemoryDriver {
  protected override async _instanceOnDisk(_c: Ctx, _r: InstanceRequest): Promise<boolean> {
    return true;
  }
}

interface BrokenLifecycle {
  readonly bug: string;
  readonly Driver: new (hostApi: HostApi, config?: MemoryConfig) => MemoryDriverCore;
  readonly only: readonly CapabilityName[];
  readonly caughtBy: { readonly capability: string; readonly test: string };
}

const SAME_REQUEST = 'idempotent create: spawn of an existing uuid with the same request succeeds and changes nothing';
const OTHER_REQUEST =
  'idempotent create: spawn of an existing uuid with another flavor, name, image or NICs is INSTANCE_EXISTS';
const OTHER_VOLUMES =
  'idempotent create: spawn of an existing uuid with another volume, or its volume at another device, is ' +
  'INSTANCE_EXISTS; the same mapping succeeds';
const REBUILD_IMAGE_NICS =
  'rebuild from another image with new NICs: the instance is then what that image and those NICs make (a spawn ' +
  'retry says so), and a NIC tag it lost is gone';
const REBUILD_VOLUMES =
  'rebuild whose callbacks give back no volume leaves the old volume detached: another instance can attach it';
const EVACUATION =
  'evacuation: rebuild with recreate on a host without the instance creates it there, RUNNING, with its NICs and ' +
  'usage, calling detach before attach';
const RECREATE_IN_PLACE =
  'rebuild with recreate on the host that has the instance rebuilds it in place: one instance, RUNNING';
const FAILED_EVACUATION =
  'an evacuation (rebuild with recreate) that fails late leaves nothing on the destination; the source keeps its ' +
  'instance';
const NO_AGENT =
  'quiesce with image metadata that says there is no guest agent (hw_qemu_guest_agent no, False, 0) is refused and ' +
  'the instance stays RUNNING';
const FILE_CHECKS = 'host-boot resume, file checks and polling answer';

const REBUILD: readonly CapabilityName[] = ['lifecycle', 'lifecycle.rebuild'];

const CORPUS: readonly BrokenLifecycle[] = [
  {
    bug: 'a spawn retried from another image',
    Driver: RetryIgnoresImage,
    only: ['lifecycle'],
    caughtBy: { capability: 'lifecycle', test: OTHER_REQUEST },
  },
  {
    bug: 'a spawn retried with its NICs reordered',
    Driver: RetryComparesNicOrder,
    only: ['lifecycle'],
    caughtBy: { capability: 'lifecycle', test: SAME_REQUEST },
  },
  {
    bug: 'a spawn retried with another volume',
    Driver: RetryIgnoresVolumes,
    only: ['lifecycle', 'volume'],
    caughtBy: { capability: 'lifecycle', test: OTHER_VOLUMES },
  },
  {
    bug: 'rebuild records the old image',
    Driver: RebuildKeepsOldImage,
    only: REBUILD,
    caughtBy: { capability: 'lifecycle.rebuild', test: REBUILD_IMAGE_NICS },
  },
  {
    bug: 'rebuild ignores the new networkInfo',
    Driver: RebuildIgnoresNetworkInfo,
    only: REBUILD,
    caughtBy: { capability: 'lifecycle.rebuild', test: REBUILD_IMAGE_NICS },
  },
  {
    bug: 'rebuild keeps old NIC tags',
    Driver: RebuildKeepsNicTags,
    only: REBUILD,
    caughtBy: { capability: 'lifecycle.rebuild', test: REBUILD_IMAGE_NICS },
  },
  {
    bug: 'rebuild keeps volumes not given back',
    Driver: RebuildKeepsVolumes,
    only: [...REBUILD, 'volume'],
    caughtBy: { capability: 'lifecycle.rebuild', test: REBUILD_VOLUMES },
  },
  {
    bug: 'an evacuated instance left stopped',
    Driver: EvacuationLeavesStopped,
    only: REBUILD,
    caughtBy: { capability: 'lifecycle.rebuild', test: EVACUATION },
  },
  {
    bug: 'recreate on the host that has the instance',
    Driver: RecreateAlwaysEvacuates,
    only: REBUILD,
    caughtBy: { capability: 'lifecycle.rebuild', test: RECREATE_IN_PLACE },
  },
  {
    bug: 'a failed evacuation leaves a guest behind',
    Driver: FailedEvacuationLeftovers,
    only: REBUILD,
    caughtBy: { capability: 'lifecycle.rebuild', test: FAILED_EVACUATION },
  },
  {
    bug: 'quiesce of a guest without an agent',
    Driver: QuiesceIgnoresAgent,
    only: ['lifecycle', 'guest.quiesce'],
    caughtBy: { capability: 'guest.quiesce', test: NO_AGENT },
  },
  {
    bug: 'instanceOnDisk true for an unknown uuid',
    Driver: InstanceOnDiskAlways,
    only: ['lifecycle'],
    caughtBy: { capability: 'lifecycle', test: FILE_CHECKS },
  },
];

describe('the kit catches broken lifecycle variants of the memory driver', () => {
  it(
    'passes the correct memory driver on the same suites (no false alarm)',
    async () => expectNoFalseAlarm(CORPUS),
    60_000,
  );

  it.each(CORPUS.map((b) => [b.bug, b] as const))('%s', async (_bug, broken) => expectCaught(broken), 60_000);
});
