import { randomUUID } from 'node:crypto';
import {
  isVirtkitError,
  type DriverBase,
  type Flavor,
  type ImageMeta,
  type LifecycleEvent,
  type OperationContext,
  type Vif,
  type VolumeConnectionInfo,
} from '@virtkit/core';
import type { KitDriver } from '../kit/kit-context.js';
import type { ConformanceFixtures } from '../kit/types.js';
import { KitAssertionError } from '../kit/assertions.js';

const DEFAULT_FLAVOR: Flavor = { name: 'kit.tiny', vcpus: 1, memoryMb: 64, rootGb: 1 };
const DEFAULT_IMAGE: ImageMeta = { name: 'kit-image', diskFormat: 'raw' };

/** A call's result as the model compares it: success, or the error's code. */
export type CallResult = { readonly ok: true } | { readonly ok: false; readonly code: string; readonly error: unknown };

/** A divergence between the driver and the contract's model: fails the sequence, which fast-check then shrinks. */
export class ModelDivergenceError extends KitAssertionError {
  constructor(message: string) {
    super(message);
    this.name = 'ModelDivergenceError';
  }
}

/** Counters of what the model-based run did, for reports. */
export interface ModelStats {
  /** Sequences run, shrinking runs included. */
  sequences: number;
  /** Commands run against the driver. */
  commands: number;
  /** Per command name: how many succeeded and how many were refused, by code. */
  outcomes: Record<string, Record<string, number>>;
  /** Instances or claims left behind after a sequence destroyed everything. */
  leaks: string[];
}

/** Everything a sequence runs against: the hosts, fixtures, pools, and the events seen since the last check. */
export interface ModelEnv {
  readonly hosts: readonly KitDriver[];
  readonly hostNames: readonly string[];
  readonly ctx: OperationContext;
  readonly flavor: Flavor;
  readonly imageMeta: ImageMeta;
  readonly rescueImageMeta: ImageMeta;
  /** Volumes the commands attach (indices are what the model records). */
  readonly volumes: readonly VolumeConnectionInfo[];
  /** Events since the last check, with the index of the host that emitted each. */
  readonly events: { host: number; event: LifecycleEvent }[];
  /** Disks and NICs getInstanceDiagnostics showed right after spawn, by uuid. */
  readonly baseline: Map<string, { disks: number; nics: number }>;
  /** Per-instance VIFs, made on first use. */
  readonly vifs: Map<string, Vif[]>;
  /** `*Used` of getAvailableResource per host before the sequence (when inventory is advertised). */
  readonly usage: (number[] | undefined)[];
  readonly stats: ModelStats;
  readonly simulateGuest:
    ((driver: DriverBase, uuid: string, how: 'crash' | 'shutdown') => void | Promise<void>) | undefined;
  readonly exactUsage: boolean;
  readonly createVif: () => Vif;
  /** A new empty image in the driver's image service (the `createImage` fixture), released with the env. */
  readonly createImage: (driver: DriverBase) => Promise<string>;
  /** The steps run so far in this sequence, with instances named vm1, vm2, ... (shown with a divergence). */
  readonly trace: string[];
  release(): Promise<void>;
}

/** How the env is created: the hosts (one driver, or a migration pair) and the fixtures. */
export interface ModelEnvOptions {
  readonly hosts: readonly DriverBase[];
  readonly hostNames: readonly string[];
  readonly fixtures: ConformanceFixtures;
  readonly volumeCount: number;
  readonly stats: ModelStats;
  readonly simulateGuest?: ModelEnv['simulateGuest'];
  readonly exactUsage: boolean;
  readonly release: () => Promise<void>;
}

/** Initialise the hosts, make the volume pool, start recording events, read the usage baseline. */
export async function createModelEnv(o: ModelEnvOptions): Promise<ModelEnv> {
  const ctx: OperationContext = { requestId: 'kit-model' };
  const releases: (() => Promise<void>)[] = [];
  const events: ModelEnv['events'] = [];
  const listeners: [KitDriver, (e: LifecycleEvent) => void][] = [];
  // the model generates commands only for capabilities the hosts advertise (see KitDriver)
  const hosts = o.hosts as readonly KitDriver[];
  for (const [i, host] of hosts.entries()) {
    await host.initHost(ctx, { host: o.hostNames[i]! });
    const listener = (event: LifecycleEvent): void => void events.push({ host: i, event });
    host.on('lifecycle', listener);
    listeners.push([host, listener]);
  }
  const volumes: VolumeConnectionInfo[] = [];
  for (let v = 0; v < o.volumeCount && o.fixtures.createVolume; v++) {
    const created = await o.fixtures.createVolume(1024 ** 3);
    volumes.push(created.connectionInfo);
    releases.push(() => created.release());
  }
  const usage = await Promise.all(hosts.map((h) => usedResources(ctx, h)));
  return {
    hosts,
    hostNames: o.hostNames,
    ctx,
    volumes,
    events,
    usage,
    stats: o.stats,
    flavor: o.fixtures.flavor ?? DEFAULT_FLAVOR,
    imageMeta: o.fixtures.imageMeta ?? DEFAULT_IMAGE,
    rescueImageMeta: o.fixtures.rescueImageMeta ?? o.fixtures.imageMeta ?? DEFAULT_IMAGE,
    baseline: new Map(),
    vifs: new Map(),
    simulateGuest: o.simulateGuest?.bind(o),
    exactUsage: o.exactUsage,
    createVif: o.fixtures.createVif ?? defaultVif,
    async createImage(driver) {
      if (o.fixtures.createImage === undefined)
        throw new Error('the model snapshots only with the createImage fixture');
      const image = await o.fixtures.createImage(driver);
      releases.push(() => image.release());
      return image.imageId;
    },
    trace: [],
    async release() {
      for (const [host, listener] of listeners) host.off('lifecycle', listener);
      for (const r of releases.reverse()) await r();
      await o.release();
    },
  };
}

/** Throw the divergence that fails (and shrinks) the sequence, with the steps that led to it. */
export function diverge(env: ModelEnv, message: string): never {
  throw new ModelDivergenceError(`${message}\n  sequence: ${env.trace.join('; ')}`);
}

/** Run a call and report success or its error code; never throws. */
export async function attempt(call: () => Promise<unknown>): Promise<CallResult> {
  try {
    await call();
    return { ok: true };
  } catch (error) {
    return { ok: false, code: isVirtkitError(error) ? error.code : `non-virtkit error (${String(error)})`, error };
  }
}

/** vcpusUsed, memoryMbUsed, localGbUsed of a host's first node, when it advertises `inventory`. */
export async function usedResources(ctx: OperationContext, driver: KitDriver): Promise<number[] | undefined> {
  if (driver.capabilities.capabilities.inventory !== true) return undefined;
  const [nodename] = await driver.getAvailableNodes(ctx, { refresh: false });
  const r = await driver.getAvailableResource(ctx, { nodename });
  return [r.vcpusUsed, r.memoryMbUsed, r.localGbUsed];
}

/** Count one command's result. */
export function countOutcome(stats: ModelStats, name: string, result: CallResult): void {
  stats.commands += 1;
  const byCode = (stats.outcomes[name] ??= {});
  const key = result.ok ? 'ok' : result.code;
  byCode[key] = (byCode[key] ?? 0) + 1;
}

function defaultVif(): Vif {
  const hex = randomUUID().replace(/-/g, '');
  return {
    id: randomUUID(),
    address: `52:54:00:${hex.slice(0, 2)}:${hex.slice(2, 4)}:${hex.slice(4, 6)}`,
    type: 'user',
    network: { id: 'kit-net', label: 'kit' },
  };
}
