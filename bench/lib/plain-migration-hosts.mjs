// Two "hosts" for the multihost figure: Linux network namespaces joined through a switch namespace (bridge
// br0, one veth per host), each with a provider bridge `brvm` holding its address and its guests' taps, the
// shape of tests/multihost/topology.ts. Nothing is made in the machine's own namespace; destroy() (also
// run when the process exits) removes the namespaces, every process left inside them and the directories.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The /24 the figure's hosts use (198.18.0.0/15 is reserved for benchmarking: never routed). */
export const BENCH_SUBNET = '198.18.43';
/** The bridge of each host that guests' taps join. */
export const BENCH_BRIDGE = 'brvm';

function ip(args) {
  return execFileSync('ip', args, { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'pipe'] });
}

function onPath(binary, args = ['--version']) {
  try {
    execFileSync(binary, args, { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

/** Why the figure cannot run here (not root, no iproute2, no QEMU), or undefined. */
export function hostsUnavailableReason() {
  if (process.getuid?.() !== 0) return 'network namespaces need root (run `npm run bench -- --only=multihost` as root)';
  if (!onPath('ip', ['-V'])) return 'iproute2 (`ip`) is not installed';
  if (!onPath('qemu-system-x86_64') || !onPath('qemu-img')) return 'qemu-system-x86_64 / qemu-img are not installed';
  return undefined;
}

function deleteNetns(netns) {
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
 * Build two hosts. @returns `{ hosts: [{ name, netns, ip, dir }], destroy() }`
 * @throws with `ip`'s message when a namespace cannot be made (what was made is removed first)
 */
export function createBenchHosts() {
  const prefix = `vkb${process.pid}x${Math.random().toString(36).slice(2, 6)}-`;
  const root = join(tmpdir(), prefix.slice(0, -1));
  const made = [];
  const hosts = [];
  const destroy = () => {
    for (const netns of made.splice(0).reverse()) deleteNetns(netns);
    if (existsSync(root)) rmSync(root, { recursive: true, force: true });
  };
  process.once('exit', destroy);
  try {
    mkdirSync(root, { mode: 0o700 });
    const sw = `${prefix}sw`;
    ip(['netns', 'add', sw]);
    made.push(sw);
    ip(['-n', sw, 'link', 'add', 'br0', 'type', 'bridge']);
    ip(['-n', sw, 'link', 'set', 'br0', 'up']);
    for (let i = 1; i <= 2; i++) {
      const name = `h${i}`;
      const netns = `${prefix}${name}`;
      ip(['netns', 'add', netns]);
      made.push(netns);
      const h = (args) => ip(['-n', netns, ...args]);
      ip(['-n', sw, 'link', 'add', `p${name}`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', netns]);
      ip(['-n', sw, 'link', 'set', `p${name}`, 'master', 'br0']);
      ip(['-n', sw, 'link', 'set', `p${name}`, 'up']);
      h(['link', 'set', 'lo', 'up']);
      h(['link', 'add', BENCH_BRIDGE, 'type', 'bridge']);
      h(['link', 'set', BENCH_BRIDGE, 'type', 'bridge', 'forward_delay', '0', 'stp_state', '0']);
      h(['link', 'set', BENCH_BRIDGE, 'address', `02:00:00:00:43:0${i}`]);
      h(['link', 'set', 'eth0', 'master', BENCH_BRIDGE]);
      h(['link', 'set', 'eth0', 'up']);
      h(['link', 'set', BENCH_BRIDGE, 'up']);
      const address = `${BENCH_SUBNET}.${i}`;
      h(['addr', 'add', `${address}/24`, 'dev', BENCH_BRIDGE]);
      const dir = join(root, name);
      mkdirSync(dir, { mode: 0o700 });
      hosts.push({ name, netns, ip: address, dir });
    }
  } catch (error) {
    destroy();
    process.removeListener('exit', destroy);
    throw error;
  }
  return {
    hosts,
    destroy: () => {
      process.removeListener('exit', destroy);
      destroy();
    },
  };
}

/** Run `ip` inside a host's namespace (`ip -n <netns> ...`); returns its output. */
export function ipIn(host, args) {
  return ip(['-n', host.netns, ...args]);
}
