/**
 * Broken variants of @virtkit/memory's rebuild (issue #10, session 7): each is one plausible bug away from the
 * correct driver and breaks "a refused rebuild changes nothing" (docs/contract.md), observable through public calls;
 * the kit test whose name says what was wrong must catch it. The correct driver passes the same suites.
 */
import type { CapabilityName, OperationContext as Ctx, RebuildRequest } from '@virtkit/core';
import { MemoryDriver } from '@virtkit/memory';
import { expectCaught, expectNoFalseAlarm, type BrokenDriver } from './broken/broken-driver';

const REFUSED =
  'a refused rebuild (an image format the driver does not boot, accelerators it lacks, a flavor no host holds) ' +
  'runs no orchestrator callback and leaves the instance as it was (docs/contract.md "A refused rebuild ' +
  'changes nothing")';
const DEVICE_TWICE =
  'a rebuild whose block-device mapping (no attach callback) uses a device twice is VALIDATION_FAILED, runs no ' +
  'callback and leaves the instance with its volume';

/** Rebuild runs the orchestrator's detach callback first, before it checks that the new flavor fits. */
class DetachesBeforeChecking extends MemoryDriver {
  protected override async _rebuild(c: Ctx, r: RebuildRequest): Promise<void> {
    await r.detachBlockDevices?.();
    await super._rebuild(c, { ...r, detachBlockDevices: undefined });
  }
}

/** Rebuild destroys the old guest, then creates the new one: a new guest that cannot be made leaves none. */
class DestroysBeforeChecking extends MemoryDriver {
  protected override async _rebuild(c: Ctx, r: RebuildRequest): Promise<void> {
    await this._destroy(c, { instance: r.instance, destroyDisks: true });
    await this._spawn(c, { ...r, powerOn: true });
  }
}

/** Without an attach callback, rebuild reads the new mapping only after the old volumes went. */
class ReadsMappingLate extends MemoryDriver {
  protected override async _rebuild(c: Ctx, r: RebuildRequest): Promise<void> {
    const info = r.blockDeviceInfo;
    await super._rebuild(c, { ...r, attachBlockDevices: r.attachBlockDevices ?? (async () => info) });
  }
}

const REBUILD: CapabilityName[] = ['lifecycle', 'lifecycle.rebuild', 'inventory'];

const CORPUS: readonly (Pick<BrokenDriver, 'Driver' | 'only' | 'caughtBy'> & { bug: string })[] = [
  {
    bug: 'a rebuild refused for its flavor ran the detach callback first',
    Driver: DetachesBeforeChecking,
    only: REBUILD,
    caughtBy: { capability: 'lifecycle.rebuild', test: REFUSED },
  },
  {
    bug: 'a rebuild refused for its flavor destroyed the instance first',
    Driver: DestroysBeforeChecking,
    only: REBUILD,
    caughtBy: { capability: 'lifecycle.rebuild', test: REFUSED },
  },
  {
    bug: 'a rebuild refused for its block-device mapping ran the detach callback first',
    Driver: ReadsMappingLate,
    only: [...REBUILD, 'volume'],
    caughtBy: { capability: 'lifecycle.rebuild', test: DEVICE_TWICE },
  },
];

describe('the kit catches rebuilds that change things before they refuse', () => {
  it(
    'passes the correct memory driver on the same suites (no false alarm)',
    async () => expectNoFalseAlarm(CORPUS),
    60_000,
  );
  it.each(CORPUS.map((b) => [b.bug, b] as const))('%s', async (_bug, broken) => expectCaught(broken), 60_000);
});
