import { ConflictError, DriverError } from '@virtkit/core';
import { ipCommand } from './ip-command.js';

/** Marks the taps the driver made (`ip link set ... alias`): only those are deleted, and only by their instance. */
export const TAP_ALIAS_PREFIX = 'virtkit:';

/** Traffic counters of a tap, from the host's side (the guest's receive is the tap's transmit). */
export interface TapCounters {
  rxBytes: number;
  rxPackets: number;
  rxErrors: number;
  rxDropped: number;
  txBytes: number;
  txPackets: number;
  txErrors: number;
  txDropped: number;
}

interface IpLink {
  ifname: string;
  ifalias?: string;
  master?: string;
  flags?: string[];
  stats64?: { rx?: Record<string, number>; tx?: Record<string, number> };
}

/** What `ip -j link show dev <name>` says of a device, undefined when there is none. */
export async function linkInfo(netns: string | undefined, name: string, stats = false): Promise<IpLink | undefined> {
  try {
    const out = await ipCommand(netns, ['-j', ...(stats ? ['-s'] : []), 'link', 'show', 'dev', name], 'tap lookup');
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

/**
 * The kernel's counters of a tap (`ip -s -j link`), seen from the guest: what the tap transmits the
 * guest receives. Undefined when the tap does not exist.
 * @throws `DRIVER_ERROR` when `ip` fails otherwise
 */
export async function tapCounters(netns: string | undefined, name: string): Promise<TapCounters | undefined> {
  const link = await linkInfo(netns, name, true);
  if (!link) return undefined;
  const rx = link.stats64?.rx;
  const tx = link.stats64?.tx;
  if (!rx || !tx) throw new DriverError('tap counters', `ip reports no statistics for ${name}`);
  // the guest's side: its receive is the tap's transmit
  return {
    rxBytes: tx.bytes ?? 0,
    rxPackets: tx.packets ?? 0,
    rxErrors: tx.errors ?? 0,
    rxDropped: tx.dropped ?? 0,
    txBytes: rx.bytes ?? 0,
    txPackets: rx.packets ?? 0,
    txErrors: rx.errors ?? 0,
    txDropped: rx.dropped ?? 0,
  };
}
