import { DriverError } from '@virtkit/core';
import { ipCommand } from './ip-command.js';
import { TAP_ALIAS_PREFIX } from './tap-devices.js';

/** Traffic counters of a tap, from the guest's side (what the tap transmits, the guest receives). */
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

interface LinkStats {
  ifname?: string;
  ifalias?: string;
  stats64?: { rx?: Record<string, number>; tx?: Record<string, number> };
}

/**
 * The kernel's counters of the taps `names` that instance `owner` made (their alias says so), all read
 * at once: one `ip -s -j link show` in the host's namespace (`ip -n <netns>`), whatever the number of
 * taps. Why netlink and not `/sys/class/net/<tap>/statistics`: sysfs shows the devices of the namespace
 * it was mounted in, so another namespace's counters need `ip netns exec` (a private mount namespace
 * and a remount of /sys for every read) or a process living inside that namespace; `ip -n` only opens
 * its netlink socket there, and returns the same 64-bit counters for every link in one answer.
 * A tap that is missing, or that is not this instance's, has no entry.
 * @throws `DRIVER_ERROR` when `ip` fails or reports a tap without statistics
 */
export async function readTapCounters(
  netns: string | undefined,
  owner: string,
  names: readonly string[],
): Promise<Map<string, TapCounters>> {
  const found = new Map<string, TapCounters>();
  if (names.length === 0) return found;
  const wanted = new Set(names);
  const links = parseLinks(await ipCommand(netns, ['-s', '-j', 'link', 'show'], 'tap counters'));
  for (const link of links) {
    if (link.ifname === undefined || !wanted.has(link.ifname)) continue;
    if (link.ifalias !== `${TAP_ALIAS_PREFIX}${owner}`) continue;
    found.set(link.ifname, guestSide(link));
  }
  return found;
}

function parseLinks(output: string): LinkStats[] {
  try {
    const parsed: unknown = JSON.parse(output);
    if (Array.isArray(parsed)) return parsed as LinkStats[];
  } catch {
    // reported below
  }
  throw new DriverError('tap counters', `ip printed no link list: ${output.slice(0, 200)}`);
}

/** The tap's counters turned to the guest's side: the guest receives what the tap transmits, and the reverse. */
function guestSide(link: LinkStats): TapCounters {
  const rx = link.stats64?.rx;
  const tx = link.stats64?.tx;
  if (!rx || !tx) throw new DriverError('tap counters', `ip reports no statistics for ${String(link.ifname)}`);
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
