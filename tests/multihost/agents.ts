import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { supports, type DriverWith, type HostApi } from '@virtkit/core';
import { connectDriver, type RemoteDriver } from '@virtkit/remote';
import { TEST_ALLOWED_DIRS, testGuestUnavailableReason } from '../../packages/qemu/tests/helpers/test-guest.js';
import { makeAgentCerts, type AgentCerts } from './agent-certs.js';
import { createTopology, listNetns, topologyUnavailableReason, type Topology, type TopologyHost } from './topology.js';
import { waitAtMost } from './wait-at-most.js';

/** The `virtkit` command of this checkout (its built dist: agents run the CLI as operators do). */
const VIRTKIT_BIN = resolve(__dirname, '../../packages/cli/bin/virtkit.cjs');
const REPO_ROOT = resolve(__dirname, '../..');
/** The port every agent listens on (each host has its own namespace, so its own port space). */
const AGENT_PORT = 7443;

/** What the multi-host tests call on an agent: a remote QEMU driver, checked to serve these capabilities. */
export type AgentDriver = RemoteDriver &
  DriverWith<'lifecycle'> &
  DriverWith<'migration.live'> &
  DriverWith<'migration.cold'> &
  DriverWith<'console.output'> &
  DriverWith<'console.serial'>;

/** Options of {@link startAgent}. */
export interface AgentOptions {
  /** QEMU driver options on top of the host's defaults (state dir, TCP migrations on its address, ...). */
  driverOptions?: Record<string, unknown>;
}

/**
 * One host's agent: `virtkit serve --driver @virtkit/qemu` running inside the host's namespace, listening on
 * the host's management address with mutual TLS, and the orchestrator's `connectDriver` client to it.
 */
export interface Agent {
  readonly host: TopologyHost;
  /** `grpcs://<management ip>:<port>`. */
  readonly target: string;
  /** The client (replaced by {@link Agent.restart}). */
  readonly driver: AgentDriver;
  /**
   * Another client of this agent (a connection of its own, closed by its `close()`), checked to serve the
   * capabilities of {@link AgentDriver}. `hostApi.hostname` is the host's name whatever `hostApi` says.
   */
  connect(hostApi?: HostApi): Promise<AgentDriver>;
  /** The agent process's pid (node; `ip netns exec` execs it). */
  readonly pid: number;
  /** What the agent printed (stdout and stderr), for failure messages. */
  output(): string;
  /**
   * Stop the agent: SIGTERM (a graceful shutdown: in-flight calls finish or are cancelled, the driver is
   * closed; with `keepInstancesOnCleanup`, its QEMUs keep running) or SIGKILL (a crash). The client is closed.
   */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** Start the agent again on the same state directory and options; {@link Agent.driver} is the new client. */
  restart(): Promise<void>;
}

/** The driver options an agent runs with: the host's own state dir, its address for TCP migrations. */
function agentDriverOptions(host: TopologyHost, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    stateDir: host.stateDir,
    hostIp: host.ip,
    migrationTransport: 'tcp',
    allowedDirs: TEST_ALLOWED_DIRS,
    // an agent that stops (a restart, an upgrade) leaves its guests running; the next one re-adopts them
    keepInstancesOnCleanup: true,
    ...extra,
  };
}

/**
 * Start `virtkit serve` inside `host`'s namespace and connect to it over mutual TLS.
 * @throws when it does not print its address within 60 s (with its output)
 */
async function startAgent(
  host: TopologyHost,
  certs: AgentCerts,
  dir: string,
  options: AgentOptions = {},
): Promise<Agent> {
  const optionsFile = join(dir, `${host.name}-options.json`);
  writeFileSync(optionsFile, JSON.stringify(agentDriverOptions(host, options.driverOptions)), { mode: 0o600 });
  // the agent listens on the host's management address; its guests and migrations use the data network
  const address = host.mgmtIp;
  if (!address) throw new Error(`host ${host.name} has no management link: createTopology(n, { orchestrator: true })`);
  const server = certs.server[address];
  if (!server) throw new Error(`no server certificate for ${address}`);
  const target = `grpcs://${address}:${AGENT_PORT}`;
  let output = '';
  let child: ChildProcess;
  let driver: AgentDriver;

  const launch = async (): Promise<void> => {
    output = '';
    child = spawn(
      'ip',
      [
        ...['netns', 'exec', host.netns, process.execPath, VIRTKIT_BIN, 'serve', '--driver', '@virtkit/qemu'],
        ...['--listen', `${address}:${AGENT_PORT}`, '--hostname', host.name, '--driver-options', optionsFile],
        ...['--tls-cert', server.certFile, '--tls-key', server.keyFile, '--tls-client-ca', certs.caFile],
      ],
      { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const started = new Promise<void>((ready, fail) => {
      const timer = setTimeout(() => fail(new Error(`agent ${host.name} did not start in 60 s:\n${output}`)), 60_000);
      const onData = (chunk: Buffer): void => {
        output += chunk.toString();
        if (/virtkit serve: .* at /.test(output)) {
          clearTimeout(timer);
          ready();
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        fail(new Error(`agent ${host.name} exited (${code ?? signal}) before serving:\n${output}`));
      });
    });
    await started;
    driver = await connect();
  };

  const connect = async (hostApi: HostApi = {}): Promise<AgentDriver> => {
    const remote = await connectDriver(target, {
      tls: { ca: certs.ca, cert: certs.clientCert, key: certs.clientKey },
      hostApi: { ...hostApi, hostname: host.name },
    });
    for (const c of ['lifecycle', 'migration.live', 'migration.cold', 'console.output', 'console.serial'] as const) {
      if (!supports(remote, c)) {
        await remote.close();
        throw new Error(`agent ${host.name} does not serve ${c}`);
      }
    }
    return remote as AgentDriver;
  };

  const exited = (): Promise<void> =>
    child.exitCode !== null || child.signalCode !== null
      ? Promise.resolve()
      : new Promise((done) => child.once('exit', () => done()));

  await launch();
  return {
    host,
    target,
    get driver() {
      return driver;
    },
    get pid() {
      return child.pid ?? -1;
    },
    output: () => output,
    connect,
    async stop(signal = 'SIGTERM') {
      await driver.close().catch(() => undefined);
      const gone = exited();
      child.kill(signal);
      await waitAtMost(gone, 20_000);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await gone;
      }
    },
    restart: launch,
  };
}

/** Stop every agent (SIGKILL after a grace period); never throws (for afterAll and signal handlers). */
async function stopAgents(agents: readonly Agent[]): Promise<void> {
  await Promise.all(agents.map((a) => a.stop().catch(() => undefined)));
}

/** A topology whose first hosts run agents, as the agent tests set them up (see {@link startAgentHosts}). */
export interface AgentHosts {
  readonly topo: Topology;
  /** One per entry of `agentOptions`, on hosts h1, h2, ... in that order; each initialised (`initHost`). */
  readonly agents: Agent[];
  /**
   * Stop the agents and tear the topology down (idempotent; never throws).
   * @returns the namespaces of this run still present afterwards (none, unless teardown failed)
   */
  teardown(): Promise<string[]>;
}

/**
 * Build a topology of `hostCount` hosts (with management links), make the agents' certificates, start one agent
 * per entry of `agentOptions` on the first hosts and `initHost` each. On any failure what was made is torn down.
 * @throws with the reason when namespaces, QEMU or the test guest are not available here (the tests FAIL with it)
 */
export async function startAgentHosts(hostCount: number, agentOptions: readonly AgentOptions[]): Promise<AgentHosts> {
  const reason = topologyUnavailableReason() ?? testGuestUnavailableReason();
  if (reason) throw new Error(`the multi-host tests cannot run here: ${reason}`);
  const topo = createTopology(hostCount, { orchestrator: true });
  const agents: Agent[] = [];
  const teardown = async (): Promise<string[]> => {
    await stopAgents(agents.splice(0));
    topo.destroy();
    return listNetns().filter((n) => n.startsWith(topo.prefix));
  };
  try {
    const hosts = topo.hosts.slice(0, agentOptions.length);
    const certs = makeAgentCerts(
      `${topo.root}/pki`,
      hosts.map((h) => h.mgmtIp!),
    );
    for (const [i, host] of hosts.entries()) agents.push(await startAgent(host, certs, topo.root, agentOptions[i]));
    for (const a of agents) await a.driver.initHost({}, { host: a.host.name });
  } catch (error) {
    await teardown();
    throw error;
  }
  return { topo, agents: [...agents], teardown };
}
