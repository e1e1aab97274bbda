import {
  PowerState,
  type AvailableResource,
  type ConfirmMigrationRequest,
  type DestroyRequest,
  type Flavor,
  type InstanceInfo,
  type LiveMigrationRequest,
  type OperationContext as Ctx,
} from '@virtkit/core';
import { TrackingMemory, WALK, walkUsage, type BrokenDriver } from './broken-driver';

/** What an instance claims on its host. */
type Claim = Pick<Flavor, 'vcpus' | 'memoryMb'> & { rootGb?: number };
/** Claims to add (positive) or leave out (negative). */
type Skew = { sign: 1 | -1; flavor: Claim }[];

/** Usage adds `extra` flavors to what the memory host counts, or leaves some out. */
abstract class SkewedUsage extends TrackingMemory {
  /** Flavors to add (positive) or leave out (negative) right now. */
  abstract skew(): Promise<Skew>;
  protected override async _getAvailableResource(c: Ctx, r: { nodename: string }): Promise<AvailableResource> {
    const usage = await super._getAvailableResource(c, r);
    for (const { sign, flavor } of await this.skew()) {
      usage.vcpusUsed += sign * flavor.vcpus;
      usage.memoryMbUsed += sign * flavor.memoryMb;
      usage.localGbUsed += sign * (flavor.rootGb ?? 0);
    }
    return usage;
  }
  /** Flavors of live instances whose getInfo satisfies `pick`. */
  async liveWhere(pick: (info: InstanceInfo) => boolean): Promise<Claim[]> {
    const out = [];
    for (const [uuid, flavor] of this.flavors) {
      let info: InstanceInfo | undefined;
      try {
        info = super._getInfo({ requestId: 'broken' }, { instance: { uuid } }); // memory answers synchronously
      } catch {
        info = undefined; // destroyed, or migrated away
      }
      if (info && pick(info)) out.push(flavor);
    }
    return out;
  }
}

/** Usage leaves paused instances out (it counts running guests). */
class PausedNotCounted extends SkewedUsage {
  override async skew(): Promise<Skew> {
    return (await this.liveWhere((i) => i.state === PowerState.PAUSED)).map((flavor) => ({
      sign: -1 as const,
      flavor,
    }));
  }
}

/** Usage leaves soft-deleted instances out, although they keep their claim until destroyed. */
class SoftDeletedNotCounted extends SkewedUsage {
  override async skew(): Promise<Skew> {
    return (await this.liveWhere((i) => i.softDeleted === true)).map((flavor) => ({ sign: -1 as const, flavor }));
  }
}

/** The source keeps counting an instance that live-migrated away. */
class SourceKeepsLiveMigrated extends SkewedUsage {
  readonly gone: Claim[] = [];
  protected override async _liveMigration(c: Ctx, r: LiveMigrationRequest): Promise<void> {
    await super._liveMigration(c, r);
    if (r.instance.flavor) this.gone.push(r.instance.flavor);
  }
  override async skew(): Promise<Skew> {
    return this.gone.map((flavor) => ({ sign: 1 as const, flavor }));
  }
}

/** The source keeps counting an instance whose cold migration was confirmed. */
class SourceKeepsColdMigrated extends SkewedUsage {
  readonly gone: (Claim & { uuid: string })[] = [];
  protected override async _confirmMigration(c: Ctx, r: ConfirmMigrationRequest): Promise<void> {
    await super._confirmMigration(c, r);
    const { uuid, flavor } = r.instance;
    if (flavor && !this.gone.some((f) => f.uuid === uuid)) this.gone.push({ ...flavor, uuid });
  }
  override async skew(): Promise<Skew> {
    return this.gone.map((flavor) => ({ sign: 1 as const, flavor }));
  }
}

/** Destroy releases vCPUs and memory but not the instance's disk. */
class DestroyKeepsDisk extends SkewedUsage {
  #disk = 0;
  protected override async _destroy(c: Ctx, r: DestroyRequest): Promise<void> {
    const flavor = this.flavors.get(r.instance.uuid);
    await super._destroy(c, r);
    if (flavor) this.#disk += flavor.rootGb ?? 0;
    this.flavors.delete(r.instance.uuid);
  }
  override async skew(): Promise<Skew> {
    return [{ sign: 1 as const, flavor: { vcpus: 0, memoryMb: 0, rootGb: this.#disk } }];
  }
}

export const RESOURCES: readonly BrokenDriver[] = [
  {
    bug: 'usage leaves paused instances out',
    kind: 'resources',
    Driver: PausedNotCounted,
    only: ['lifecycle.pause', 'inventory'],
    caughtBy: { capability: 'lifecycle.pause', test: walkUsage(WALK.pause) },
    reason: /after pause of vm\d+ \(RUNNING\)/,
  },
  {
    bug: 'usage leaves soft-deleted instances out',
    kind: 'resources',
    Driver: SoftDeletedNotCounted,
    only: ['lifecycle.softDelete', 'inventory'],
    caughtBy: { capability: 'lifecycle.softDelete', test: walkUsage(WALK.softDelete) },
  },
  {
    bug: 'the source keeps counting an instance that live-migrated away',
    kind: 'resources',
    Driver: SourceKeepsLiveMigrated,
    only: ['inventory'],
    caughtBy: {
      capability: 'inventory',
      test: 'after a live migration, usage drops by the flavor on the source and rises by it on the destination',
    },
    reason: /source: /,
  },
  {
    bug: 'the source keeps counting an instance whose cold migration was confirmed',
    kind: 'resources',
    Driver: SourceKeepsColdMigrated,
    only: ['inventory'],
    caughtBy: {
      capability: 'inventory',
      test: 'after a cold migration is confirmed, usage drops by the flavor on the source and rises by it on the destination',
    },
    reason: /source: /,
  },
  {
    bug: 'destroy keeps the claim on the disk',
    kind: 'resources',
    Driver: DestroyKeepsDisk,
    only: ['lifecycle', 'inventory'],
    caughtBy: { capability: 'lifecycle', test: walkUsage(WALK.lifecycle) },
    reason: /after destroy of vm\d+/,
  },
];
