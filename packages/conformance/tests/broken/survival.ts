import type {
  AttachVolumeRequest,
  DetachVolumeRequest,
  InstanceRequest,
  OperationContext as Ctx,
  PowerOffRequest,
  RebootRequest,
  RebuildRequest,
} from '@virtkit/core';
import { createMemoryDriverClass, type MemoryDriver } from '@virtkit/memory';
import { TrackingMemory, WALK, walkAttachments, type BrokenDriver } from './broken-driver';

/**
 * A memory driver of lifecycle and volumes only: no diagnostics, so the kit cannot read attachments back. Typed as
 * {@link MemoryDriver} so a subclass can override its hooks: the composed class carries memory's own hooks of the
 * capabilities it was given (createMemoryDriverClass copies them onto its prototype), and the corpus overrides only
 * lifecycle and volume hooks. Its map advertises those two capabilities alone.
 */
export const LifecycleVolumeMemory = createMemoryDriverClass(['lifecycle', 'volume']) as unknown as typeof MemoryDriver;

/** The same bug as PowerOffDropsVolumes, in a driver without diagnostics: only the CONFLICT probe can see it. */
class PowerOffDropsVolumesNoDiagnostics extends LifecycleVolumeMemory {
  readonly #volumes = new Map<string, AttachVolumeRequest[]>();
  protected override async _attachVolume(c: Ctx, r: AttachVolumeRequest): Promise<void> {
    await super._attachVolume(c, r);
    this.#volumes.set(r.instance.uuid, [...(this.#volumes.get(r.instance.uuid) ?? []), r]);
  }
  protected override async _powerOff(c: Ctx, r: PowerOffRequest): Promise<void> {
    await super._powerOff(c, r);
    for (const v of this.#volumes.get(r.instance.uuid) ?? []) await super._detachVolume(c, v).catch(() => undefined);
    this.#volumes.delete(r.instance.uuid);
  }
}

/** Volumes are attached to the live guest only, not its persistent definition: power off drops them. */
class PowerOffDropsVolumes extends TrackingMemory {
  protected override async _powerOff(c: Ctx, r: PowerOffRequest): Promise<void> {
    await super._powerOff(c, r);
    for (const v of this.volumes.get(r.instance.uuid) ?? []) await super._detachVolume(c, v).catch(() => undefined);
  }
}

/** Resume restores the saved guest without the interfaces hot-plugged before the suspend. */
class ResumeDropsInterfaces extends TrackingMemory {
  protected override async _resume(c: Ctx, r: InstanceRequest): Promise<void> {
    await super._resume(c, r);
    for (const v of this.vifs.get(r.instance.uuid) ?? []) await super._detachInterface(c, v).catch(() => undefined);
  }
}

/** Rebuild ignores the block-device mapping the orchestrator hands back: the volumes are gone afterwards. */
class RebuildDropsVolumes extends TrackingMemory {
  protected override async _rebuild(c: Ctx, r: RebuildRequest): Promise<void> {
    return super._rebuild(c, {
      ...r,
      blockDeviceInfo: undefined,
      attachBlockDevices: async () => void (await r.attachBlockDevices?.()),
    });
  }
}

/** Detaching one volume detaches every volume of the instance. */
class DetachDetachesAll extends TrackingMemory {
  protected override async _detachVolume(c: Ctx, r: DetachVolumeRequest): Promise<void> {
    await super._detachVolume(c, r);
    for (const v of this.volumes.get(r.instance.uuid) ?? []) await super._detachVolume(c, v).catch(() => undefined);
  }
}

/** A hard reboot re-creates the guest from its boot definition, without the hot-plugged interfaces. */
class HardRebootDropsInterfaces extends TrackingMemory {
  protected override async _reboot(c: Ctx, r: RebootRequest): Promise<void> {
    await super._reboot(c, r);
    if (r.rebootType !== 'HARD') return;
    for (const v of this.vifs.get(r.instance.uuid) ?? []) await super._detachInterface(c, v).catch(() => undefined);
  }
}

/** Unpause re-plugs volumes from a stale list: the volume attached is dropped. */
class UnpauseDropsVolumes extends TrackingMemory {
  protected override async _unpause(c: Ctx, r: InstanceRequest): Promise<void> {
    await super._unpause(c, r);
    for (const v of this.volumes.get(r.instance.uuid) ?? []) await super._detachVolume(c, v).catch(() => undefined);
  }
}

export const SURVIVAL: readonly BrokenDriver[] = [
  {
    bug: 'power off drops attached volumes',
    kind: 'survival',
    Driver: PowerOffDropsVolumes,
    only: ['lifecycle'],
    caughtBy: { capability: 'lifecycle', test: walkAttachments(WALK.lifecycle) },
    reason: /powerOff of vm\d+ .*the volume attached at \/dev\/vdb is gone/,
  },
  {
    bug: 'resume drops hot-plugged interfaces',
    kind: 'survival',
    Driver: ResumeDropsInterfaces,
    only: ['lifecycle.suspend'],
    caughtBy: { capability: 'lifecycle.suspend', test: walkAttachments(WALK.suspend) },
    reason: /the interface .* is gone/,
  },
  {
    bug: 'rebuild ignores the mapping handed back and drops the volumes',
    kind: 'survival',
    Driver: RebuildDropsVolumes,
    only: ['lifecycle.rebuild'],
    caughtBy: { capability: 'lifecycle.rebuild', test: walkAttachments(WALK.rebuild) },
  },
  {
    bug: 'detaching one volume detaches all of them',
    kind: 'survival',
    Driver: DetachDetachesAll,
    only: ['volume'],
    caughtBy: { capability: 'volume', test: 'detaching one volume never detaches another, in either order' },
  },
  {
    bug: 'a hard reboot drops hot-plugged interfaces',
    kind: 'survival',
    Driver: HardRebootDropsInterfaces,
    only: ['lifecycle'],
    caughtBy: { capability: 'lifecycle', test: walkAttachments(WALK.lifecycle) },
    reason: /hard reboot of vm\d+/,
  },
  {
    bug: 'power off drops attached volumes, in a driver without diagnostics',
    kind: 'survival',
    Driver: PowerOffDropsVolumesNoDiagnostics,
    only: ['lifecycle'],
    caughtBy: { capability: 'lifecycle', test: walkAttachments(WALK.lifecycle) },
    reason:
      /powerOff of vm\d+ .*the volume attached at \/dev\/vdb is gone \(attaching it again at \/dev\/vdy succeeded/,
  },
  {
    bug: 'unpause drops attached volumes',
    kind: 'survival',
    Driver: UnpauseDropsVolumes,
    only: ['lifecycle.pause'],
    caughtBy: { capability: 'lifecycle.pause', test: walkAttachments(WALK.pause) },
  },
];
