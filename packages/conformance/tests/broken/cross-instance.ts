import {
  PowerState,
  type InstanceInfo,
  type InstanceRequest,
  type OperationContext as Ctx,
  type PowerOffRequest,
  type PowerOnRequest,
  type SpawnRequest,
  type SpiceConsole,
  type VncConsole,
} from '@virtkit/core';
import { MemoryDriver } from '@virtkit/memory';
import { TrackingMemory, WALK, walkBystanders, type BrokenDriver } from './broken-driver';

/** getInfo caches its last answer for a second, without keying the cache by instance. */
class UnkeyedInfoCache extends MemoryDriver {
  #last: InstanceInfo | undefined;
  #at = 0;
  // Synchronous like memory's own _getInfo (the SDK reads it before every call with a state rule).
  protected override _getInfo(c: Ctx, r: InstanceRequest): InstanceInfo {
    if (this.#last !== undefined && Date.now() - this.#at < 1000) return this.#last;
    this.#last = super._getInfo(c, r);
    this.#at = Date.now();
    return this.#last;
  }
}

/** Power off reports the new state of the most recently spawned instance as well (a stale "current instance" field). */
class LastSpawnedReport extends MemoryDriver {
  last: string | undefined;
  protected override async _spawn(c: Ctx, r: SpawnRequest): Promise<void> {
    await super._spawn(c, r);
    this.last = r.instance.uuid;
  }
  protected override async _powerOff(c: Ctx, r: PowerOffRequest): Promise<void> {
    await super._powerOff(c, r);
    if (this.last !== undefined && this.last !== r.instance.uuid) this.reportPowerState(this.last, PowerState.SHUTDOWN);
  }
}

/** The VNC console is set up once per host and handed to every instance. */
class OneVncConsolePerHost extends MemoryDriver {
  #console: VncConsole | undefined;
  protected override async _getVncConsole(c: Ctx, r: InstanceRequest): Promise<VncConsole> {
    this.#console ??= await super._getVncConsole(c, r);
    return this.#console;
  }
}

/** SPICE consoles get their own port but share one secret per host. */
class SharedSpiceSecret extends MemoryDriver {
  #secret: string | undefined;
  protected override async _getSpiceConsole(c: Ctx, r: InstanceRequest): Promise<SpiceConsole> {
    const info = await super._getSpiceConsole(c, r);
    this.#secret ??= info.secret ?? 'spice-host-secret';
    return { ...info, secret: this.#secret };
  }
}

/**
 * Power calls keep their target in a driver-wide field across an await: parallel calls on two instances act on the
 * wrong one.
 */
class RacyPowerTarget extends MemoryDriver {
  #target: string | undefined;
  protected override async _powerOff(c: Ctx, r: PowerOffRequest): Promise<void> {
    this.#target = r.instance.uuid;
    await new Promise((resolve) => setImmediate(resolve));
    return super._powerOff(c, { ...r, instance: { ...r.instance, uuid: this.#target } });
  }
  protected override async _powerOn(c: Ctx, r: PowerOnRequest): Promise<void> {
    this.#target = r.instance.uuid;
    await new Promise((resolve) => setImmediate(resolve));
    return super._powerOn(c, { ...r, instance: { ...r.instance, uuid: this.#target } });
  }
}

/** Pause of one instance also pauses the instance spawned just before it (an off-by-one in a domain list). */
class PausesNeighbour extends TrackingMemory {
  protected override async _pause(c: Ctx, r: InstanceRequest): Promise<void> {
    await super._pause(c, r);
    const uuids = [...this.flavors.keys()];
    const neighbour = uuids[uuids.indexOf(r.instance.uuid) - 1];
    if (neighbour === undefined) return;
    let info: InstanceInfo | undefined;
    try {
      info = super._getInfo(c, { instance: { uuid: neighbour } }); // memory's _getInfo answers synchronously
    } catch {
      info = undefined; // the neighbour is gone
    }
    if (info?.state === PowerState.RUNNING) await super._pause(c, { instance: { uuid: neighbour } });
  }
}

export const CROSS_INSTANCE: readonly BrokenDriver[] = [
  {
    bug: 'getInfo caches its last answer without keying it by instance',
    kind: 'cross-instance',
    Driver: UnkeyedInfoCache,
    only: ['lifecycle'],
    caughtBy: {
      capability: 'lifecycle',
      test: 'getInfo answers for the instance asked: two instances of different flavors and states each report their own',
    },
  },
  {
    bug: 'power off also reports the most recently spawned instance stopped',
    kind: 'cross-instance',
    Driver: LastSpawnedReport,
    only: ['lifecycle'],
    caughtBy: { capability: 'lifecycle', test: 'lifecycle events of two instances name the instance that changed' },
  },
  {
    bug: 'one VNC console per host, handed to every instance',
    kind: 'cross-instance',
    Driver: OneVncConsolePerHost,
    only: ['console.vnc'],
    caughtBy: { capability: 'console.vnc', test: 'two instances get different VNC consoles (endpoint and secret)' },
    reason: /both instances got the VNC console/,
  },
  {
    bug: 'SPICE consoles share one secret per host',
    kind: 'cross-instance',
    Driver: SharedSpiceSecret,
    only: ['console.spice'],
    caughtBy: { capability: 'console.spice', test: 'two instances get different SPICE consoles (endpoint and secret)' },
    reason: /same SPICE console secret/,
  },
  {
    bug: 'power calls keep their target in a driver-wide field across an await',
    kind: 'cross-instance',
    Driver: RacyPowerTarget,
    only: ['lifecycle'],
    caughtBy: { capability: 'lifecycle', test: 'parallel calls on two instances each act on their own instance' },
  },
  {
    bug: 'pause also pauses the instance spawned just before',
    kind: 'cross-instance',
    Driver: PausesNeighbour,
    only: ['lifecycle.pause'],
    caughtBy: { capability: 'lifecycle.pause', test: walkBystanders(WALK.pause) },
  },
];
