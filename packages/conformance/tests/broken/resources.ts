import { PowerState } from '@virtkit/core';
import { TrackingMemory, WALK, walkUsage, type BrokenDriver } from './broken-driver';

/** Usage adds `extra` flavors to what the memory host counts, or leaves some out. */
abstract class SkewedUsage extends TrackingMemory {
  /** Flavors to add (positive) or leave out (negative) right now. */
  abstract skew(): Promise<{ sign: 1 | -1; flavor: { vcpus: number; memoryMb: number; rootGb?: number } }[]>;
  async _getAvailableResource(...args: any[]): Promise<any> {
    const r = await super._getAvailableResource(...args);
    for (const { sign, flavor } of await this.skew()) {
      r.vcpusUsed += sign * flavor.vcpus;
      r.memoryMbUsed += sign * flavor.memoryMb;
      r.localGbUsed += sign * (flavor.rootGb ?? 0);
    }
    return r;
  }
  /** Flavors of live instances whose getInfo satisfies `pick`. */
  async liveWhere(pick: (info: any) => boolean): Promise<{ vcpus: number; memoryMb: number; rootGb?: number }[]> {
    const out = [];
    for (const [uuid, flavor] of this.flavors) {
      const info = await Promise.resolve()
        .then(() => super._getInfo({ requestId: 'broken' }, { instance: { uuid } })) // may answer synchronously
        .catch(() => undefined);
      if (info && pick(info)) out.push(flavor);
    }
    return out;
  }
}

/** Usage leaves paused instances out (it counts running guests). */
class PausedNotCounted extends SkewedUsage {
  async skew() {
    return (await this.liveWhere((i) => i.state === PowerState.PAUSED)).map((flavor) => ({
      sign: -1 as const,
      flavor,
    }));
  }
}

/** Usage leaves soft-deleted instances out, although they keep their claim until destroyed. */
class SoftDeletedNotCounted extends SkewedUsage {
  async skew() {
    return (await this.liveWhere((i) => i.softDeleted === true)).map((flavor) => ({ sign: -1 as const, flavor }));
  }
}

/** The source keeps counting an instance that live-migrated away. */
class SourceKeepsLiveMigrated extends SkewedUsage {
  readonly gone: { vcpus: number; memoryMb: number; rootGb?: number }[] = [];
  async _liveMigration(c: any, r: any): Promise<void> {
    await super._liveMigration(c, r);
    this.gone.push(r.instance.flavor);
  }
  async skew() {
    return this.gone.map((flavor) => ({ sign: 1 as const, flavor }));
  }
}

/** The source keeps counting an instance whose cold migration was confirmed. */
class SourceKeepsColdMigrated extends SkewedUsage {
  readonly gone: { vcpus: number; memoryMb: number; rootGb?: number }[] = [];
  async _confirmMigration(c: any, r: any): Promise<void> {
    await super._confirmMigration(c, r);
    if (!this.gone.some((f: any) => f.uuid === r.instance.uuid))
      this.gone.push({ ...r.instance.flavor, uuid: r.instance.uuid });
  }
  async skew() {
    return this.gone.map((flavor) => ({ sign: 1 as const, flavor }));
  }
}

/** Destroy releases vCPUs and memory but not the instance's disk. */
class DestroyKeepsDisk extends SkewedUsage {
  #disk = 0;
  override async _destroy(c: any, r: any): Promise<void> {
    const flavor = this.flavors.get(r.instance.uuid);
    await super._destroy(c, r);
    if (flavor) this.#disk += flavor.rootGb ?? 0;
    this.flavors.delete(r.instance.uuid);
  }
  async skew() {
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
