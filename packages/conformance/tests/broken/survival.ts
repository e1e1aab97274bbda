import { createMemoryDriverClass } from '@virtkit/memory';
import { TrackingMemory, WALK, walkAttachments, type BrokenDriver } from './broken-driver';

/** A memory driver of lifecycle and volumes only: no diagnostics, so the kit cannot read attachments back. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the corpus overrides protected hooks of a composed class
export const LifecycleVolumeMemory: new (hostApi?: any, config?: any) => any = createMemoryDriverClass([
  'lifecycle',
  'volume',
]) as any;

/** The same bug as PowerOffDropsVolumes, in a driver without diagnostics: only the CONFLICT probe can see it. */
class PowerOffDropsVolumesNoDiagnostics extends LifecycleVolumeMemory {
  readonly #volumes = new Map<string, unknown[]>();
  async _attachVolume(c: any, r: any): Promise<void> {
    await super._attachVolume(c, r);
    this.#volumes.set(r.instance.uuid, [...(this.#volumes.get(r.instance.uuid) ?? []), r]);
  }
  async _powerOff(c: any, r: any): Promise<void> {
    await super._powerOff(c, r);
    for (const v of this.#volumes.get(r.instance.uuid) ?? []) await super._detachVolume(c, v).catch(() => undefined);
    this.#volumes.delete(r.instance.uuid);
  }
}

/** Volumes are attached to the live guest only, not its persistent definition: power off drops them. */
class PowerOffDropsVolumes extends TrackingMemory {
  async _powerOff(c: any, r: any): Promise<void> {
    await super._powerOff(c, r);
    for (const v of this.volumes.get(r.instance.uuid) ?? []) await super._detachVolume(c, v).catch(() => undefined);
  }
}

/** Resume restores the saved guest without the interfaces hot-plugged before the suspend. */
class ResumeDropsInterfaces extends TrackingMemory {
  async _resume(c: any, r: any): Promise<void> {
    await super._resume(c, r);
    for (const v of this.vifs.get(r.instance.uuid) ?? []) await super._detachInterface(c, v).catch(() => undefined);
  }
}

/** Rebuild ignores the block-device mapping the orchestrator hands back: the volumes are gone afterwards. */
class RebuildDropsVolumes extends TrackingMemory {
  async _rebuild(c: any, r: any): Promise<void> {
    return super._rebuild(c, {
      ...r,
      blockDeviceInfo: undefined,
      attachBlockDevices: async () => void (await r.attachBlockDevices?.()),
    });
  }
}

/** Detaching one volume detaches every volume of the instance. */
class DetachDetachesAll extends TrackingMemory {
  override async _detachVolume(c: any, r: any): Promise<void> {
    await super._detachVolume(c, r);
    for (const v of this.volumes.get(r.instance.uuid) ?? []) await super._detachVolume(c, v).catch(() => undefined);
  }
}

/** A hard reboot re-creates the guest from its boot definition, without the hot-plugged interfaces. */
class HardRebootDropsInterfaces extends TrackingMemory {
  async _reboot(c: any, r: any): Promise<void> {
    await super._reboot(c, r);
    if (r.rebootType !== 'HARD') return;
    for (const v of this.vifs.get(r.instance.uuid) ?? []) await super._detachInterface(c, v).catch(() => undefined);
  }
}

/** Unpause re-plugs volumes from a stale list: the volume attached is dropped. */
class UnpauseDropsVolumes extends TrackingMemory {
  async _unpause(c: any, r: any): Promise<void> {
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
