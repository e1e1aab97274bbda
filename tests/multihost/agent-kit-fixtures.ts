import { readdirSync, readFileSync } from 'node:fs';
import type { ConformanceFixtures, KitHostApi } from '@virtkit/conformance';
import type { DriverBase } from '@virtkit/core';
import { KIT_MIGRATION_BANDWIDTH, qemuConformanceFixtures } from '@virtkit/qemu';
import type { Agent, AgentDriver } from './agents.js';
import type { Topology, TopologyHost } from './topology.js';

/**
 * Driver options of the two agents the kit runs on: the QEMU kit pair's bandwidth cap (the kit's abort and
 * force-complete tests act on a migration in flight; an uncapped no-OS guest moves in milliseconds).
 */
export const KIT_AGENT_OPTIONS = { driverOptions: { migration: { maxBandwidthBytesPerSec: KIT_MIGRATION_BANDWIDTH } } };

/** The kit's fixtures for two agents, and the clients they opened (the test checks they were all closed). */
export interface AgentKitFixtures {
  fixtures: ConformanceFixtures;
  /** Connect a client to the source agent: the kit's factory (its tests without a pair run on the source host). */
  connectSource(hostApi?: KitHostApi): Promise<AgentDriver>;
  /** Close a client these fixtures connected (the factory's `dispose`). */
  close(driver: DriverBase): Promise<void>;
  /** Clients connected and not closed yet. */
  readonly open: ReadonlySet<DriverBase>;
  /** Arriving QEMUs the `failures.migration` fixture killed mid-transfer. */
  readonly arrivalsKilled: number;
}

/**
 * The conformance kit's fixtures with a migration pair of two hosts' agents (`virtkit serve --driver @virtkit/qemu`
 * in their own namespaces), each reached only through its own `connectDriver` client over mutual TLS: no process,
 * socket path or disk shared. Images, flavor and timeouts are the QEMU driver's own kit fixtures (the no-OS image);
 * each `createMigrationPair` opens a client to each agent and `release` closes them. The leak check looks at the
 * agent's host from the orchestrator's side: processes in the host's namespace naming its state directory
 * (QEMU, `qemu-nbd`, an arrival's watchdog) and instance directories in it. `failures.migration` makes the
 * transfer fail for real (the destination's arriving QEMU is killed once fed); the other steps it cannot.
 */
export async function agentKitFixtures(topo: Topology, source: Agent, destination: Agent): Promise<AgentKitFixtures> {
  const qemu = await qemuConformanceFixtures();
  const hostOf = new WeakMap<DriverBase, TopologyHost>();
  const open = new Map<DriverBase, AgentDriver>();
  const connect = async (agent: Agent, hostApi?: KitHostApi): Promise<AgentDriver> => {
    const driver = await agent.connect(hostApi);
    hostOf.set(driver, agent.host);
    open.set(driver, driver);
    return driver;
  };
  const close = async (driver: DriverBase): Promise<void> => {
    const client = open.get(driver);
    open.delete(driver);
    await client?.close();
  };
  // the fault armed by failures.migration, stopped (if still waiting) when the pair is released
  let armed: { stop: () => void; done: Promise<boolean> } | undefined;
  let arrivalsKilled = 0;
  const disarm = async (): Promise<void> => {
    armed?.stop();
    if (await armed?.done) arrivalsKilled++;
    armed = undefined;
  };
  const fixtures: ConformanceFixtures = {
    flavor: qemu.flavor,
    imageMeta: qemu.imageMeta,
    rescueImageMeta: qemu.rescueImageMeta,
    ...(qemu.guestImageMeta ? { guestImageMeta: qemu.guestImageMeta } : {}),
    testTimeoutMs: qemu.testTimeoutMs,
    combinedWalks: qemu.combinedWalks,
    modelBased: { maxCommands: qemu.modelBased.maxCommands, exactUsage: qemu.modelBased.exactUsage },
    async createMigrationPair(hostApi) {
      const [s, d] = await Promise.all([connect(source, hostApi), connect(destination, hostApi)]);
      return {
        source: s,
        destination: d,
        sourceHost: source.host.name,
        destinationHost: destination.host.name,
        release: async () => {
          await disarm();
          await Promise.all([close(s), close(d)]);
        },
      };
    },
    failures: {
      // A real fault, not an injected one: the destination's arriving QEMU is killed once the source is connected
      // to it (disk mirror or memory stream under way). The checks and preLiveMigration cannot be made to fail on
      // demand on a real host: those tests stay unverified, with the kit's reason.
      async migration(_pair, step) {
        if (step !== 'liveMigration.transfer') return false;
        await disarm();
        armed = killArrivalOnceFed(topo, destination.host);
        return true;
      },
    },
    leakCheck: async (driver) => {
      const host = hostOf.get(driver);
      return host ? hostLeaks(topo, host) : [`a driver the agent fixtures did not connect: ${driver.constructor.name}`];
    },
  };
  return {
    fixtures,
    connectSource: (hostApi) => connect(source, hostApi),
    close,
    get open() {
      return new Set(open.keys());
    },
    get arrivalsKilled() {
      return arrivalsKilled;
    },
  };
}

/** PIDs of processes in `host`'s namespace whose command line includes every one of `needles`. */
function pidsIn(topo: Topology, host: TopologyHost, needles: readonly string[]): string[] {
  return topo
    .exec(host, 'ip', ['netns', 'pids', host.netns])
    .split('\n')
    .filter(Boolean)
    .filter((pid) => {
      try {
        const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        return needles.every((n) => args.includes(n));
      } catch {
        return false; // it ended meanwhile
      }
    });
}

/**
 * SIGKILL the QEMU arriving on `host` (`-incoming`) once it has an established TCP connection (the source's NBD
 * mirror or migration stream): polls every 50 ms for up to 120 s, or until `stop`. `done` tells whether it killed one.
 */
function killArrivalOnceFed(topo: Topology, host: TopologyHost): { stop: () => void; done: Promise<boolean> } {
  let stopped = false;
  const done = (async () => {
    const until = Date.now() + 120_000;
    while (!stopped && Date.now() < until) {
      const arrivals = pidsIn(topo, host, [`${host.stateDir}/`, '-incoming']);
      const connected = topo.exec(host, 'ss', ['-tnpH', 'state', 'established']);
      const fed = arrivals.find((pid) => connected.includes(`pid=${pid},`));
      if (fed) {
        process.kill(Number(fed), 'SIGKILL');
        return true;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    return false;
  })();
  return { stop: () => void (stopped = true), done };
}

/** Processes in `host`'s namespace whose command line names its state directory, and instance directories there. */
export function hostLeaks(topo: Topology, host: TopologyHost): string[] {
  const problems: string[] = [];
  const marker = `${host.stateDir}/`;
  const pids = pidsIn(topo, host, [marker]);
  if (pids.length > 0) problems.push(`process(es) left running on ${host.name}: ${pids.join(', ')}`);
  const dirs = readdirSync(host.stateDir).filter((d) => /^[0-9a-f-]{36}$/.test(d));
  if (dirs.length > 0) problems.push(`instance directories left on ${host.name}: ${dirs.join(', ')}`);
  return problems;
}
