/**
 * The kit must catch memory variants with a volume or network bug (issue #10, session 6: the tests written against
 * the survivors of mutation testing in `volume.ts`, `network.ts` and their models). Each variant is one plausible bug
 * away from @virtkit/memory and observable through public calls only; the kit test whose name says what was wrong
 * must fail, and the correct driver must pass the same suites.
 */
import { randomUUID } from 'node:crypto';
import {
  ConflictError,
  type AttachInterfaceRequest,
  type AttachVolumeRequest,
  type DefaultDeviceNamesForInstanceRequest,
  type DefaultDeviceNamesForInstanceResult,
  type DetachInterfaceRequest,
  type DetachVolumeRequest,
  type GetDeviceNameForInstanceRequest,
  type OperationContext as Ctx,
  type SpawnRequest,
  type SwapVolumeRequest,
} from '@virtkit/core';
import { runConformance, type ConformanceReport } from '@virtkit/conformance';
import { createMemoryFixtures, MemoryDriver } from '@virtkit/memory';
import type { BrokenDriver } from './broken/broken-driver';

const bare = (device: string): string => device.replace(/^\/dev\//, '');

/** The memory driver with a read of its own attachments, as a driver would look at its domain. */
class Inspecting extends MemoryDriver {
  volumeAt(uuid: string, device: string): string | undefined {
    return this.hostFor(null).store.require(uuid).extras?.volumes?.get(bare(device))?.volumeId;
  }
  nicIds(uuid: string): string[] {
    const nics = this.hostFor(null).store.require(uuid).nics ?? [];
    return nics.filter((_, i) => i % 2 === 0);
  }
  uuids(): string[] {
    return [...this.hostFor(null).store.values()].map((r) => r.uuid);
  }
}

/** The volume id a connection names (the memory fixtures put it in `data`). */
const idOf = (info: AttachVolumeRequest['connectionInfo']): unknown => info.volumeId ?? info.data.volumeId;

/** The same volume at the same device is taken as a retry whatever the multiattach mode asked. */
class ReattachIgnoresMultiattach extends Inspecting {
  protected override async _attachVolume(c: Ctx, r: AttachVolumeRequest): Promise<void> {
    const there = this.volumeAt(r.instance.uuid, r.mountpoint);
    if (there !== undefined && there === idOf(r.connectionInfo) && r.tag === undefined) return;
    await super._attachVolume(c, r);
  }
}

/** The same volume at the same device is taken as a retry whatever tag is asked. */
class ReattachIgnoresTag extends Inspecting {
  protected override async _attachVolume(c: Ctx, r: AttachVolumeRequest): Promise<void> {
    const there = this.volumeAt(r.instance.uuid, r.mountpoint);
    if (there !== undefined && there === idOf(r.connectionInfo) && r.multiattach !== true) return;
    await super._attachVolume(c, r);
  }
}

/** A swap checks the new volume's holders as if the attachment were never multiattach. */
class SwapIgnoresMultiattach extends Inspecting {
  protected override async _swapVolume(c: Ctx, r: SwapVolumeRequest): Promise<void> {
    const newId = idOf(r.newConnectionInfo);
    const held = this.uuids().some((u) => u !== r.instance.uuid && this.#holds(u, newId));
    if (held) throw new ConflictError(`volume ${String(newId)} is attached to another instance`);
    await super._swapVolume(c, r);
  }
  #holds(uuid: string, volumeId: unknown): boolean {
    const volumes = this.hostFor(null).store.require(uuid).extras?.volumes;
    return [...(volumes?.values() ?? [])].some((a) => a.volumeId === volumeId);
  }
}

/** Detaching a shared volume from one instance lets go of it for every instance that shares it. */
class DetachReleasesSharedVolume extends Inspecting {
  protected override async _detachVolume(c: Ctx, r: DetachVolumeRequest): Promise<void> {
    await super._detachVolume(c, r);
    const volumes = this.hostFor(null).fabric.volumes;
    const id = String(idOf(r.connectionInfo));
    for (const holder of volumes.holdersOf(id)) volumes.release(id, holder);
  }
}

/** The next device name is chosen from the caller's mapping only, not from the volumes the instance has. */
class DeviceNameIgnoresAttachedVolumes extends Inspecting {
  protected override async _getDeviceNameForInstance(c: Ctx, r: GetDeviceNameForInstanceRequest): Promise<string> {
    return super._getDeviceNameForInstance(c, { ...r, instance: { ...r.instance, uuid: randomUUID() } });
  }
}

/** The wished device name is answered whenever it is not the root, even when a volume is there. */
class DeviceNameHonoursTakenWish extends Inspecting {
  protected override async _getDeviceNameForInstance(c: Ctx, r: GetDeviceNameForInstanceRequest): Promise<string> {
    const wish = r.blockDevice.deviceName;
    const root = r.instance.rootDeviceName ?? r.bdms.find((b) => b.bootIndex === 0)?.deviceName ?? '/dev/vda';
    if (wish !== undefined && bare(wish) !== bare(root)) return `/dev/${bare(wish)}`;
    return super._getDeviceNameForInstance(c, r);
  }
}

/** Default names count letters past `z` without wrapping to `aa` (`vd{`, `vd|`, ...). */
class DeviceNamesPastZ extends Inspecting {
  protected override async _defaultDeviceNamesForInstance(
    _c: Ctx,
    r: DefaultDeviceNamesForInstanceRequest,
  ): Promise<DefaultDeviceNamesForInstanceResult> {
    const prefix = bare(r.rootDeviceName).slice(0, -1);
    let next = 1;
    const name = <T extends { deviceName?: string }>(row: T): T =>
      row.deviceName ? { ...row } : { ...row, deviceName: `/dev/${prefix}${String.fromCharCode(97 + next++)}` };
    return {
      ephemerals: (r.ephemerals ?? []).map(name),
      swap: (r.swap ?? []).map(name),
      blockDeviceMapping: (r.blockDeviceMapping ?? []).map(name),
    };
  }
}

/** An attached VIF asked again with another MAC is re-plugged with that MAC instead of refused. */
class InterfaceReplugsNewMac extends Inspecting {
  protected override async _attachInterface(c: Ctx, r: AttachInterfaceRequest): Promise<void> {
    if (this.nicIds(r.instance.uuid).includes(r.vif.id)) await super._detachInterface(c, { ...r });
    await super._attachInterface(c, r);
  }
}

/** An attached VIF (same id and MAC) asked again is a retry whatever its tag. */
class InterfaceIgnoresTag extends Inspecting {
  protected override async _attachInterface(c: Ctx, r: AttachInterfaceRequest): Promise<void> {
    await super._attachInterface(c, { ...r, vif: { ...r.vif, tag: undefined } });
  }
}

/** Detaching an interface forgets the NIC but keeps its tag: the VIF attached again untagged is not the same. */
class DetachKeepsInterfaceTag extends Inspecting {
  readonly #tags = new Map<string, string>();
  protected override async _attachInterface(c: Ctx, r: AttachInterfaceRequest): Promise<void> {
    const kept = this.#tags.get(r.vif.id);
    if (kept !== undefined && r.vif.tag === undefined && !this.nicIds(r.instance.uuid).includes(r.vif.id)) {
      await super._attachInterface(c, { ...r, vif: { ...r.vif, tag: kept } });
      return;
    }
    await super._attachInterface(c, r);
    if (r.vif.tag !== undefined) this.#tags.set(r.vif.id, r.vif.tag);
  }
}

/** Detaching an interface unplugs a VIF of that id from every instance of the host. */
class DetachInterfaceEverywhere extends Inspecting {
  protected override async _detachInterface(c: Ctx, r: DetachInterfaceRequest): Promise<void> {
    for (const uuid of this.uuids()) await super._detachInterface(c, { ...r, instance: { ...r.instance, uuid } });
  }
}

/** Spawn plugs every VIF it is given, two of one MAC included. */
class SpawnAcceptsSharedMac extends Inspecting {
  protected override async _spawn(c: Ctx, r: SpawnRequest): Promise<void> {
    const vifs = r.networkInfo ?? [];
    const seen = new Set<string>();
    const unique = vifs.filter((v) => !seen.has(v.address.toLowerCase()) && seen.add(v.address.toLowerCase()));
    await super._spawn(c, { ...r, networkInfo: unique });
  }
}

const VOLUME_TESTS = {
  multiattachAgain:
    'contract: the volume asked again at its own mountpoint with another multiattach mode is CONFLICT and ' +
    'changes nothing',
  tagAgain: 'contract: the volume asked again at its own mountpoint with another tag, or none, is CONFLICT',
  swapMultiattach:
    'contract: swapping a multiattach volume for one another instance holds as multiattach succeeds; for one ' +
    'it holds without multiattach it is CONFLICT',
  freeName:
    'the device name for a new volume is free on the instance: with volumes attached and detached in different ' +
    'orders, never the root nor a device in use, and the volume attaches there',
  past26: "device names stay valid and distinct past the 26th device, whatever the root's name",
} as const;

const NETWORK_TESTS = {
  otherMac: 'contract: the same VIF id asked again with another MAC is CONFLICT and changes nothing',
  otherTag:
    'contract: an interface asked again with another tag, or none, is CONFLICT; detached and attached again, ' +
    'it takes the new tag',
  crossInstance: "attaching and detaching interfaces on one instance leaves another instance's interfaces unchanged",
  sharedMac: 'spawn with two VIFs of one MAC is CONFLICT and leaves no instance; either VIF alone spawns',
} as const;

/** The volume and network variants, by the kit test that catches each. */
const CORPUS: readonly BrokenDriver[] = [
  {
    bug: 'the same volume at the same device is a retry whatever multiattach mode is asked',
    kind: 'transitions',
    Driver: ReattachIgnoresMultiattach,
    only: ['volume'],
    caughtBy: { capability: 'volume', test: VOLUME_TESTS.multiattachAgain },
    reason: /asked there again as multiattach: expected CONFLICT/,
  },
  {
    bug: 'the same volume at the same device is a retry whatever tag is asked',
    kind: 'transitions',
    Driver: ReattachIgnoresTag,
    only: ['volume'],
    caughtBy: { capability: 'volume', test: VOLUME_TESTS.tagAgain },
    reason: /asked there again with tag kit-b: expected CONFLICT/,
  },
  {
    bug: 'detaching a shared volume from one instance lets go of it for the other instances that share it',
    kind: 'survival',
    Driver: DetachReleasesSharedVolume,
    only: ['volume'],
    caughtBy: {
      capability: 'volume',
      test: 'multiattach shares a volume only when the multiattach feature is supported',
    },
    reason: /still holds, plainly: expected CONFLICT/,
  },
  {
    bug: 'a swap refuses a volume another instance holds even when both attachments are multiattach',
    kind: 'transitions',
    Driver: SwapIgnoresMultiattach,
    only: ['volume.swap'],
    caughtBy: { capability: 'volume.swap', test: VOLUME_TESTS.swapMultiattach },
    reason: /CONFLICT/,
  },
  {
    bug: "getDeviceNameForInstance looks only at the caller's mapping, not at the volumes the instance has",
    kind: 'secondary outputs',
    Driver: DeviceNameIgnoresAttachedVolumes,
    only: ['volume.deviceNames'],
    caughtBy: { capability: 'volume.deviceNames', test: VOLUME_TESTS.freeName },
    reason: /mapping is empty\) answered \/dev\/vdb, taken/,
  },
  {
    bug: 'getDeviceNameForInstance answers the wished device even when a volume is there',
    kind: 'secondary outputs',
    Driver: DeviceNameHonoursTakenWish,
    only: ['volume.deviceNames'],
    caughtBy: { capability: 'volume.deviceNames', test: VOLUME_TESTS.freeName },
    reason: /in use, wished\) answered \/dev\/vdb, taken/,
  },
  {
    bug: 'default device names run past z (vd{, vd|, ...) instead of going on with vdaa',
    kind: 'secondary outputs',
    Driver: DeviceNamesPastZ,
    only: ['volume.deviceNames'],
    caughtBy: { capability: 'volume.deviceNames', test: VOLUME_TESTS.past26 },
    reason: /not device names: \["\/dev\/vd\{"/,
  },
  {
    bug: 'an attached interface asked again with another MAC is re-plugged with it instead of CONFLICT',
    kind: 'transitions',
    Driver: InterfaceReplugsNewMac,
    only: ['network.hotplug'],
    caughtBy: { capability: 'network.hotplug', test: NETWORK_TESTS.otherMac },
    reason: /with another MAC: expected CONFLICT/,
  },
  {
    bug: 'an attached interface asked again with another tag is a retry',
    kind: 'transitions',
    Driver: InterfaceIgnoresTag,
    only: ['network.hotplug'],
    caughtBy: { capability: 'network.hotplug', test: NETWORK_TESTS.otherTag },
    reason: /asked with tag kit-b: expected CONFLICT/,
  },
  {
    bug: 'a detached interface keeps its tag: attached again untagged, it carries the old tag',
    kind: 'survival',
    Driver: DetachKeepsInterfaceTag,
    only: ['network.hotplug'],
    caughtBy: { capability: 'network.hotplug', test: NETWORK_TESTS.otherTag },
  },
  {
    bug: 'detachInterface unplugs a VIF of that id from every instance of the host',
    kind: 'cross-instance',
    Driver: DetachInterfaceEverywhere,
    only: ['network.hotplug'],
    caughtBy: { capability: 'network.hotplug', test: NETWORK_TESTS.crossInstance },
  },
  {
    bug: 'spawn with two VIFs of one MAC plugs one of them and succeeds',
    kind: 'transitions',
    Driver: SpawnAcceptsSharedMac,
    only: ['network'],
    caughtBy: { capability: 'network', test: NETWORK_TESTS.sharedMac },
    reason: /expected CONFLICT/,
  },
];

/** The kit's report for `Driver` (memory fixtures built with it) on the suites `only` names. */
function kitOn(Driver: BrokenDriver['Driver'], only: BrokenDriver['only']): Promise<ConformanceReport> {
  const fixtures = createMemoryFixtures({ driverClass: Driver });
  return runConformance({
    factory: (api) => new Driver({ hostname: 'kit', ...api }),
    fixtures,
    only,
    modelBased: false,
  });
}

describe('the kit catches memory variants with a volume or network bug', () => {
  it('passes the correct memory driver on the same suites, planning every test of the corpus', async () => {
    const report = await kitOn(MemoryDriver, [...new Set(CORPUS.flatMap((b) => b.only))]);
    const verdicts = report.results.map((r) => `${r.capability}: ${r.name}: ${r.status}`);
    expect(verdicts.filter((v) => !v.endsWith(': passed'))).toEqual([]);
    for (const b of CORPUS) expect(verdicts).toContain(`${b.caughtBy.capability}: ${b.caughtBy.test}: passed`);
  }, 60_000);

  it.each(CORPUS.map((b) => [`${b.kind}: ${b.bug}`, b] as const))(
    '%s',
    async (_label, broken) => {
      const { capability, test } = broken.caughtBy;
      const r = (await kitOn(broken.Driver, broken.only)).results.find(
        (x) => x.capability === capability && x.name === test,
      );
      expect({ planned: `${capability}: ${test}`, status: r?.status }).toEqual({
        planned: `${capability}: ${test}`,
        status: 'failed',
      });
      expect(r?.reason).toMatch(broken.reason ?? /./);
    },
    60_000,
  );
});
