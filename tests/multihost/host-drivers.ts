import { randomUUID } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import type { DriverLogger, DriverWith, ImageMeta, SpawnInstance, Vif } from '@virtkit/core';
import { QemuDriver } from '@virtkit/qemu';
import { buildTestGuest, GUEST_READY_MARKER, TEST_ALLOWED_DIRS } from '../../packages/qemu/tests/helpers/test-guest.js';
import { guestSetup, typeOnConsole, waitForConsole, type ConsoleDriver } from './guest-console.js';
import { HOST_BRIDGE, TOPOLOGY_SUBNET, type TopologyHost } from './topology.js';
import { waitAtMost } from './wait-at-most.js';

/** A log line a driver wrote (the tests read QEMU's migration figures from them). */
export interface LogLine {
  level: string;
  message: string;
  fields?: Record<string, unknown>;
}

/** A logger that keeps every line. */
export function recordingLogger(lines: LogLine[]): DriverLogger {
  const keep =
    (level: string) =>
    (message: string, fields?: Record<string, unknown>): void =>
      void lines.push({ level, message, fields });
  return { debug: keep('debug'), info: keep('info'), warn: keep('warn'), error: keep('error') } as DriverLogger;
}

/**
 * The QEMU driver of one topology host IN THIS PROCESS: its QEMUs and taps in the host's namespace, its own
 * state directory, TCP migrations on the host's address. The migration tests use agents instead
 * (agents.ts: `virtkit serve` inside the namespace, reached through `connectDriver`); this stays for the
 * guest-network tests, which check taps and counters of one host's driver directly.
 */
export function hostDriver(
  host: TopologyHost,
  logs: LogLine[] = [],
  options: Record<string, unknown> = {},
): QemuDriver {
  return new QemuDriver({
    hostname: host.name,
    logger: recordingLogger(logs),
    options: {
      stateDir: host.stateDir,
      netns: host.netns,
      hostIp: host.ip,
      migrationTransport: 'tcp',
      allowedDirs: TEST_ALLOWED_DIRS,
      ...options,
    },
  });
}

/** The test guest as an image (kernel + initramfs, console on ttyS0). */
export function testGuestImage(): ImageMeta {
  const guest = buildTestGuest();
  return {
    name: 'test-guest',
    properties: {
      virtkit_kernel: guest.kernel,
      virtkit_initrd: guest.initrd,
      virtkit_kernel_args: 'console=ttyS0 panic=-1 quiet',
    },
  };
}

/** A VIF on the hosts' provider bridge. */
export function providerVif(mac: string, devname?: string): Vif {
  return {
    id: randomUUID(),
    address: mac,
    type: 'bridge',
    network: { id: 'provider', bridge: HOST_BRIDGE },
    ...(devname ? { devname } : {}),
  };
}

/** The guest's address on the provider network. */
export const GUEST_IP = `${TOPOLOGY_SUBNET}.100`;

/** Where {@link bootNetworkedGuest} runs its guest. */
export interface GuestPlacement {
  /** The guest's address. @defaultValue {@link GUEST_IP} */
  guestIp?: string;
  /** The namespace of the driver's serial proxy (an agent's host), for typing on the console. */
  netns?: string;
}

/**
 * Spawn the test guest on `driver` with one provider VIF, wait for it to boot, give it
 * its address and start its console counter. @returns the instance and its VIFs
 */
export async function bootNetworkedGuest(
  driver: DriverWith<'lifecycle'> & ConsoleDriver,
  image: ImageMeta,
  vif: Vif,
  placement: GuestPlacement = {},
): Promise<{ instance: SpawnInstance; networkInfo: Vif[] }> {
  const { guestIp = GUEST_IP, netns } = placement;
  const uuid = randomUUID();
  const instance: SpawnInstance = {
    uuid,
    name: `mh-${uuid.slice(0, 8)}`,
    flavor: { name: 'mh', vcpus: 1, memoryMb: 256, rootGb: 1 },
  };
  await driver.spawn({}, { instance, imageMeta: image, networkInfo: [vif] });
  // the shell on ttyS0 reads only once it has printed its banner: what is typed before is lost
  await waitForConsole(
    driver,
    uuid,
    (t) => t.includes(GUEST_READY_MARKER) && t.includes("Enter 'help'"),
    90_000,
    'the guest shell',
  );
  await new Promise((r) => setTimeout(r, 300));
  for (const line of guestSetup(guestIp).split('\n').filter(Boolean))
    await typeOnConsole(driver, uuid, `${line}\n`, netns);
  await waitForConsole(
    driver,
    uuid,
    (t) => t.includes('virtkit-net-42') && /^tick 3\r?$/m.test(t),
    30_000,
    'address and counter',
  );
  return { instance, networkInfo: [vif] };
}

/** A `ping` running in a namespace until {@link Pinger.stop}; its summary gives sent and answered. */
export interface Pinger {
  stop(): Promise<{ sent: number; received: number; output: string }>;
}

/** Ping `address` every `intervalMs` from inside `netns` (iputils ping, each reply waited for at most 1 s). */
export function startPinger(netns: string, address: string, intervalMs = 100): Pinger {
  const child: ChildProcess = spawn(
    'ip',
    ['netns', 'exec', netns, 'ping', '-i', String(intervalMs / 1000), '-W', '1', address],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => void (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => void (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    async stop() {
      // SIGINT: ping prints its summary and exits (ip netns exec execs ping: the pid is ping's)
      child.kill('SIGINT');
      await waitAtMost(exited, 3000);
      if (child.exitCode === null) child.kill('SIGKILL');
      const [, sent, received] = output.match(/(\d+) packets transmitted, (\d+) received/) ?? [];
      if (sent === undefined) throw new Error(`no ping summary:\n${output.slice(-800)}`);
      return { sent: Number(sent), received: Number(received), output };
    },
  };
}
