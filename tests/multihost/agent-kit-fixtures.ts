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
}

/**
 * The conformance kit's fixtures with a migration pair of two hosts' agents (`virtkit serve --driver @virtkit/qemu`
 * in their own namespaces), each reached only through its own `connectDriver` client over mutual TLS: no process,
 * socket path or disk shared. Images, flavor and timeouts are the QEMU driver's own kit fixtures (the no-OS image);
 * each `createMigrationPair` opens a client to each agent and `release` closes them. The leak check looks at the
 * agent's host from the orchestrator's side: processes in the host's namespace naming its state directory
 * (QEMU, `qemu-nbd`, an arrival's watchdog) and instance directories in it.
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
          await Promise.all([close(s), close(d)]);
        },
      };
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
  };
}

/** Processes in `host`'s namespace whose command line names its state directory, and instance directories there. */
export function hostLeaks(topo: Topology, host: TopologyHost): string[] {
  const problems: string[] = [];
  const marker = `${host.stateDir}/`;
  const pids = topo
    .exec(host, 'ip', ['netns', 'pids', host.netns])
    .split('\n')
    .filter(Boolean)
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker);
      } catch {
        return false; // it ended meanwhile
      }
    });
  if (pids.length > 0) problems.push(`process(es) left running on ${host.name}: ${pids.join(', ')}`);
  const dirs = readdirSync(host.stateDir).filter((d) => /^[0-9a-f-]{36}$/.test(d));
  if (dirs.length > 0) problems.push(`instance directories left on ${host.name}: ${dirs.join(', ')}`);
  return problems;
}
