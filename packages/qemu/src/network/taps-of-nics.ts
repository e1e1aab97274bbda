import type { NicSpec } from '../runtime/vm-meta.js';
import { ensureTap, removeTap } from './tap-devices.js';

/**
 * The taps of these NICs exist (made when missing), each on its bridge and up; NICs without a tap
 * (user-mode networking) need nothing. @throws `CONFLICT`, `DRIVER_ERROR` (see `ensureTap`)
 */
export async function plugTaps(
  netns: string | undefined,
  owner: string,
  nics: readonly Pick<NicSpec, 'tap' | 'bridge'>[],
): Promise<void> {
  for (const nic of nics) if (nic.tap !== undefined) await ensureTap(netns, nic.tap, owner, nic.bridge);
}

/** Delete the taps of these NICs that instance `owner` made (others are left alone). @throws `DRIVER_ERROR` */
export async function unplugTaps(
  netns: string | undefined,
  owner: string,
  nics: readonly Pick<NicSpec, 'tap'>[],
): Promise<void> {
  for (const nic of nics) if (nic.tap !== undefined) await removeTap(netns, nic.tap, owner);
}
