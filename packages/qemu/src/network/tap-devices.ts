import { ConflictError } from '@virtkit/core';
import { ipCommand } from './ip-command.js';

/** Marks the taps the driver made (`ip link set ... alias`): only those are deleted, and only by their instance. */
export const TAP_ALIAS_PREFIX = 'virtkit:';

interface IpLink {
  ifname: string;
  ifalias?: string;
  master?: string;
  flags?: string[];
}

/** What `ip -j link show dev <name>` says of a device, undefined when there is none. */
export async function linkInfo(netns: string | undefined, name: string): Promise<IpLink | undefined> {
  try {
    const out = await ipCommand(netns, ['-j', 'link', 'show', 'dev', name], 'tap lookup');
    return (JSON.parse(out) as IpLink[])[0];
  } catch (error) {
    if (/does not exist|Cannot find device/i.test(String((error as Error).message))) return undefined;
    throw error;
  }
}

/**
 * Make (or find again) the persistent tap `name` of instance `owner`, enslaved to `bridge` when one
 * is named, and up. Idempotent: a tap this instance made earlier is reused (a retry, a restart after
 * QEMU was killed). QEMU opens it by name (`ifname`, `script=no`): it needs no privilege of its own.
 * @throws `CONFLICT` when a device of that name exists and is not this instance's tap; `DRIVER_ERROR`
 *   when `ip` fails (no such bridge, no privilege): a tap made by this call is removed again
 */
export async function ensureTap(
  netns: string | undefined,
  name: string,
  owner: string,
  bridge: string | undefined,
): Promise<void> {
  const alias = `${TAP_ALIAS_PREFIX}${owner}`;
  const existing = await linkInfo(netns, name);
  if (existing && existing.ifalias !== alias) {
    throw new ConflictError(`host device ${name} exists and is not a tap of instance ${owner}`);
  }
  const created = !existing;
  if (created) await ipCommand(netns, ['tuntap', 'add', 'dev', name, 'mode', 'tap'], 'plugVifs');
  try {
    await ipCommand(netns, ['link', 'set', 'dev', name, 'alias', alias], 'plugVifs');
    if (bridge !== undefined && existing?.master !== bridge) {
      await ipCommand(netns, ['link', 'set', 'dev', name, 'master', bridge], 'plugVifs');
    }
    await ipCommand(netns, ['link', 'set', 'dev', name, 'up'], 'plugVifs');
  } catch (error) {
    if (created) await ipCommand(netns, ['link', 'del', 'dev', name], 'plugVifs').catch(() => undefined);
    throw error;
  }
}

/**
 * Delete the tap `name` when it is instance `owner`'s (its alias says so); a missing tap, or a
 * device someone else made, is left alone. @throws `DRIVER_ERROR` when `ip` cannot delete it
 */
export async function removeTap(netns: string | undefined, name: string, owner: string): Promise<boolean> {
  const existing = await linkInfo(netns, name);
  if (existing?.ifalias !== `${TAP_ALIAS_PREFIX}${owner}`) return false;
  await ipCommand(netns, ['link', 'del', 'dev', name], 'unplugVifs');
  return true;
}

/** True when a device of this name exists in the namespace. */
export async function deviceExists(netns: string | undefined, name: string): Promise<boolean> {
  return (await linkInfo(netns, name)) !== undefined;
}
