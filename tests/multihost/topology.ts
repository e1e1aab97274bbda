import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Test topology of "hosts" on one machine: Linux network namespaces made by the tests, never
 * touching the machine's own namespace. One switch namespace holds bridge `br0`; each host
 * namespace has an uplink veth `eth0` enslaved to its own bridge `brvm` (the provider bridge guests'
 * taps join, so a guest keeps its address wherever it runs), with the host's address on `brvm`.
 * Addresses come from {@link TOPOLOGY_SUBNET}, used only inside these namespaces.
 *
 * Every name starts with `vkt<pid>x<random>` (the run's prefix): {@link sweepLeftovers} removes
 * namespaces and state directories of runs whose process is dead (a killed test run).
 */

/** The /24 the topology's hosts and guests use (from 198.18.0.0/15, reserved for benchmarking: never routed). */
export const TOPOLOGY_SUBNET = '198.18.42';
/** The bridge of each host that guests' taps join. */
export const HOST_BRIDGE = 'brvm';

/** One host of the topology. */
export interface TopologyHost {
  /** Short name (`h1`, `h2`, `h3`). */
  name: string;
  /** Its network namespace. */
  netns: string;
  /** Its address (on {@link HOST_BRIDGE}). */
  ip: string;
  /** Its own state directory (for `stateDir`; short: QEMU's socket paths live under it). */
  stateDir: string;
  /** The veth end in the switch namespace (set it down to cut this host off). */
  switchPort: string;
  /**
   * With `orchestrator: true`: the host's address on its management link to the machine's namespace (where
   * the test, the orchestrator, runs; its agent listens there), else undefined.
   */
  mgmtIp?: string;
}

/** A built topology; {@link Topology.destroy} tears it down (idempotent). */
export interface Topology {
  prefix: string;
  switchNetns: string;
  hosts: TopologyHost[];
  /** The run's private directory (mode 0700, removed by destroy): host state dirs, certificates, agents' files. */
  root: string;
  /** Run a command inside a host's namespace; returns its stdout. */
  exec(host: TopologyHost, command: string, args: readonly string[], timeoutMs?: number): string;
  /** Cut (`down`) or restore (`up`) a host's link to the switch. */
  setLink(host: TopologyHost, state: 'up' | 'down'): void;
  destroy(): void;
}

const PREFIX_PATTERN = /^vkt(\d+)x[0-9a-z]+(?:-|$)/;

/** Why namespaces cannot be made here (not root, no `ip`), or undefined. Tests FAIL with it, never skip. */
export function topologyUnavailableReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'network namespaces need root (run the multi-host tests as root, as CI does)';
  try {
    execFileSync('ip', ['-V'], { stdio: 'ignore' });
  } catch {
    return 'iproute2 (`ip`) is not installed: apt-get install iproute2';
  }
  return undefined;
}

function ip(args: readonly string[], timeoutMs = 10_000): string {
  return execFileSync('ip', args, { encoding: 'utf8', timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'] });
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Kill every process still inside a namespace (QEMUs of a killed run), then delete it. */
function deleteNetns(netns: string): void {
  try {
    for (const pid of ip(['netns', 'pids', netns]).split('\n').filter(Boolean)) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // already gone
      }
    }
  } catch {
    // no such namespace
  }
  try {
    ip(['netns', 'del', netns]);
  } catch {
    // already gone
  }
}

/**
 * Remove what killed runs left: namespaces (with their processes, links, bridges) and state
 * directories whose prefix names a dead process. Runs of live processes are left alone.
 * @returns the names removed
 */
export function sweepLeftovers(): string[] {
  const removed: string[] = [];
  const dead = (name: string): boolean => {
    const pid = Number(name.match(PREFIX_PATTERN)?.[1]);
    return Number.isInteger(pid) && pid > 0 && !pidAlive(pid);
  };
  const namespaces = ip(['netns', 'list'])
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter((n) => PREFIX_PATTERN.test(n));
  for (const netns of namespaces.filter(dead)) {
    deleteNetns(netns);
    removed.push(netns);
  }
  for (const entry of readdirSync(tmpdir()).filter((n) => PREFIX_PATTERN.test(n) && dead(n))) {
    rmSync(join(tmpdir(), entry), { recursive: true, force: true });
    removed.push(entry);
  }
  return removed;
}

/** Options of {@link createTopology}. */
export interface TopologyOptions {
  /**
   * Give each host a management link to the machine's own namespace, where the test (the orchestrator) runs:
   * a veth pair (removed with the host's namespace) with a /30 of a random /24 of 198.19.0.0/16 (reserved for
   * benchmarking, never routed; random so that two runs in parallel do not route the same addresses). The
   * management network is not the data network: cutting a host's switch port (migration, guests) leaves the
   * orchestrator's connection to its agent up, as on real hosts with a separate management network.
   */
  orchestrator?: boolean;
}

/**
 * Build a topology of `count` hosts (2 or 3). A failure half-way tears down what was made and throws.
 * @throws when namespaces cannot be made here (with the reason)
 */
export function createTopology(count: number, options: TopologyOptions = {}): Topology {
  const reason = topologyUnavailableReason();
  if (reason) throw new Error(`cannot build the multi-host topology: ${reason}`);
  sweepLeftovers();
  const prefix = `vkt${process.pid}x${Math.random().toString(36).slice(2, 7)}-`;
  const switchNetns = `${prefix}sw`;
  const made: string[] = [];
  const root = join(tmpdir(), prefix.slice(0, -1));
  const hosts: TopologyHost[] = [];
  const mgmtNet = `198.19.${Math.floor(Math.random() * 256)}`;
  const destroy = (): void => {
    for (const netns of made.reverse()) deleteNetns(netns);
    made.length = 0;
    rmSync(root, { recursive: true, force: true });
  };
  try {
    mkdirSync(root, { mode: 0o700 });
    ip(['netns', 'add', switchNetns]);
    made.push(switchNetns);
    const sw = (args: string[]): string => ip(['-n', switchNetns, ...args]);
    sw(['link', 'add', 'br0', 'type', 'bridge']);
    sw(['link', 'set', 'br0', 'up']);
    sw(['link', 'set', 'lo', 'up']);
    for (let i = 1; i <= count; i++) {
      const name = `h${i}`;
      const netns = `${prefix}${name}`;
      ip(['netns', 'add', netns]);
      made.push(netns);
      const h = (args: string[]): string => ip(['-n', netns, ...args]);
      const switchPort = `p${name}`;
      // made in the switch namespace, one end moved into the host's: nothing ever lives in the machine's own
      sw(['link', 'add', switchPort, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', netns]);
      sw(['link', 'set', switchPort, 'master', 'br0']);
      sw(['link', 'set', switchPort, 'up']);
      h(['link', 'set', 'lo', 'up']);
      h(['link', 'add', HOST_BRIDGE, 'type', 'bridge']);
      // no STP delay: a tap joining the bridge forwards at once
      h(['link', 'set', HOST_BRIDGE, 'type', 'bridge', 'forward_delay', '0', 'stp_state', '0']);
      // a fixed address: a bridge without one takes its lowest port's, so each tap joining it (a guest
      // arriving) would change the host's MAC under its neighbours' ARP caches and cut it off for a while
      h(['link', 'set', HOST_BRIDGE, 'address', `02:00:00:00:42:${i.toString(16).padStart(2, '0')}`]);
      h(['link', 'set', 'eth0', 'master', HOST_BRIDGE]);
      h(['link', 'set', 'eth0', 'up']);
      h(['link', 'set', HOST_BRIDGE, 'up']);
      const address = `${TOPOLOGY_SUBNET}.${i}`;
      h(['addr', 'add', `${address}/24`, 'dev', HOST_BRIDGE]);
      const stateDir = join(root, name);
      mkdirSync(stateDir, { mode: 0o700 });
      let mgmtIp: string | undefined;
      if (options.orchestrator) {
        // made in the machine's namespace, one end moved into the host's: deleting that namespace deletes both
        const local = `vkm${Math.random().toString(36).slice(2, 9)}${i}`;
        mgmtIp = `${mgmtNet}.${4 * i + 2}`;
        ip(['link', 'add', local, 'type', 'veth', 'peer', 'name', 'mgmt0', 'netns', netns]);
        ip(['addr', 'add', `${mgmtNet}.${4 * i + 1}/30`, 'dev', local]);
        ip(['link', 'set', local, 'up']);
        h(['addr', 'add', `${mgmtIp}/30`, 'dev', 'mgmt0']);
        h(['link', 'set', 'mgmt0', 'up']);
      }
      hosts.push({ name, netns, ip: address, stateDir, switchPort, ...(mgmtIp ? { mgmtIp } : {}) });
    }
  } catch (error) {
    destroy();
    throw error;
  }
  // a test run that ends without its afterAll (an uncaught error, process.exit) still leaves nothing
  const onExit = (): void => destroy();
  process.once('exit', onExit);
  // nor one interrupted (Ctrl-C, a CI timeout's SIGTERM): deleting the namespaces kills what runs in them
  // (the hosts' agents and QEMUs), then the signal does what it would have done
  const onSignal = (signal: NodeJS.Signals): void => {
    destroy();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    process.kill(process.pid, signal);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return {
    prefix,
    switchNetns,
    hosts,
    root,
    destroy: () => {
      process.removeListener('exit', onExit);
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
      destroy();
    },
    exec: (host, command, args, timeoutMs = 30_000) =>
      execFileSync('ip', ['netns', 'exec', host.netns, command, ...args], {
        encoding: 'utf8',
        timeout: timeoutMs,
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    setLink: (host, state) => void ip(['-n', switchNetns, 'link', 'set', host.switchPort, state]),
  };
}

/** Names of every namespace of the machine (to check a teardown left none of a prefix). */
export function listNetns(): string[] {
  return ip(['netns', 'list'])
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter(Boolean);
}
