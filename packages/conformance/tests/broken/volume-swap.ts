import { ConflictError, NotFoundError, type OperationContext as Ctx, type SwapVolumeRequest } from '@virtkit/core';
import { MemoryDriver } from '@virtkit/memory';
import type { BrokenDriver } from './broken-driver';

/** The volume id a connection names (the memory fixtures put it in `data`). */
function idOf(info: SwapVolumeRequest['oldConnectionInfo']): unknown {
  return info.volumeId ?? info.data.volumeId;
}

/** The id of the volume attached at the request's mountpoint, if any. */
function idAtMountpoint(driver: SwapTracking, r: SwapVolumeRequest): string | undefined {
  return driver.volumeAt(r.instance.uuid, r.mountpoint.replace(/^\/dev\//, ''));
}

/** The memory driver with a read of its own attachments, as a driver's swap would look at its domain. */
class SwapTracking extends MemoryDriver {
  volumeAt(uuid: string, device: string): string | undefined {
    return this.hostFor('swapVolume').store.require(uuid).extras?.volumes?.get(device)?.volumeId;
  }
}

/** Swaps out whatever is at the mountpoint, whichever old volume the caller named. */
class SwapsWhateverIsThere extends SwapTracking {
  protected override async _swapVolume(c: Ctx, r: SwapVolumeRequest): Promise<void> {
    const there = idAtMountpoint(this, r);
    const oldConnectionInfo = { ...r.oldConnectionInfo, data: { ...r.oldConnectionInfo.data, volumeId: there } };
    await super._swapVolume(c, there === undefined ? r : { ...r, oldConnectionInfo });
  }
}

/** A swap of a volume for itself is refused as if the new volume were held elsewhere. */
class SelfSwapConflict extends SwapTracking {
  protected override async _swapVolume(c: Ctx, r: SwapVolumeRequest): Promise<void> {
    if (idOf(r.oldConnectionInfo) === idOf(r.newConnectionInfo))
      throw new ConflictError(`volume ${String(idOf(r.newConnectionInfo))} is already attached`);
    await super._swapVolume(c, r);
  }
}

/** Checks the old volume before anything else: a retry of a swap that landed is NOT_FOUND. */
class SwapRetryNotFound extends SwapTracking {
  protected override async _swapVolume(c: Ctx, r: SwapVolumeRequest): Promise<void> {
    if (idAtMountpoint(this, r) !== idOf(r.oldConnectionInfo))
      throw new NotFoundError('volume attachment', r.mountpoint);
    await super._swapVolume(c, r);
  }
}

const NAMED_OLD =
  'contract: swapVolume naming an old volume that is not the one at the mountpoint is NOT_FOUND and changes nothing';
const SELF_AND_RETRY =
  'contract: swapVolume of a volume for itself, and a swap repeated once it landed, succeed and change nothing';

/** The decisions of docs/contract.md "Swapping a volume". */
export const VOLUME_SWAP: readonly BrokenDriver[] = [
  {
    bug: 'swapVolume swaps out whatever is at the mountpoint, not the old volume named',
    kind: 'survival',
    Driver: SwapsWhateverIsThere,
    only: ['volume.swap'],
    caughtBy: { capability: 'volume.swap', test: NAMED_OLD },
    reason: /naming the volume attached at vdc as the old one: expected NOT_FOUND/,
  },
  {
    bug: 'a swap of a volume for itself is CONFLICT',
    kind: 'transitions',
    Driver: SelfSwapConflict,
    only: ['volume.swap'],
    caughtBy: { capability: 'volume.swap', test: SELF_AND_RETRY },
    reason: /CONFLICT/,
  },
  {
    bug: 'a retried swap that already landed is NOT_FOUND',
    kind: 'transitions',
    Driver: SwapRetryNotFound,
    only: ['volume.swap'],
    caughtBy: { capability: 'volume.swap', test: SELF_AND_RETRY },
    reason: /NOT_FOUND/,
  },
];
