import { Code, ConnectError, createClient, type Client } from '@connectrpc/connect';
import { defineDriver, type DriverDefinition, type HostApi } from '@virtkit/core';
import { HarnessService } from '../gen/virtkit/v1/harness_pb.js';
import { fromCallError } from '../wire/error-codec.js';
import { fromValue, toValue } from '../wire/json-value.js';
import { connectDriver, type ConnectDriverOptions } from './connect-driver.js';
import { RemoteDriver } from './remote-driver.js';
import { parseTarget } from './target.js';
import { createTransport } from './transport.js';

/**
 * The driver definition of a served driver, as `loadDriver('grpc://...')`
 * returns it. When the server serves the test harness, every `create` opens a
 * fresh host (a new driver instance on the server, closed with the client's
 * `close()`) and `conformance` holds the served driver's kit fixtures run on
 * the server, so the kit runs over the wire exactly as in process.
 */
export async function remoteDriverDefinition(
  target: string,
  options: ConnectDriverOptions = {},
): Promise<DriverDefinition<RemoteDriver>> {
  const probe = await connectDriver(target, options);
  const map = probe.capabilities;
  const transport = createTransport(parseTarget(target), 'grpc', options.tls);
  const harness = createClient(HarnessService, transport.transport);
  const headers: Record<string, string> =
    options.token === undefined ? {} : { authorization: `Bearer ${options.token}` };
  let fixtures: { values: Record<string, unknown>; functions: string[] } | undefined;
  try {
    const d = await harness.describeFixtures({}, { headers });
    fixtures = { values: d.values ?? {}, functions: d.functions };
  } catch (error) {
    const code = ConnectError.from(error).code;
    if (code !== Code.Unimplemented && code !== Code.NotFound && code !== Code.PermissionDenied) {
      await probe.close();
      transport.close();
      throw fromCallError(error, 'describeFixtures', target, true);
    }
  }
  await probe.close();
  if (!fixtures) transport.close();
  const openHost = async (hostApi: HostApi): Promise<RemoteDriver> => {
    if (!fixtures) return connectDriver(target, options);
    let hostId: string;
    try {
      hostId = (await harness.openHost({ hostname: hostApi.hostname ?? '' }, { headers })).hostId;
    } catch (error) {
      throw fromCallError(error, 'openHost', target, false);
    }
    return ownedHost(harness, headers, target, { ...options, hostApi: { hostname: hostApi.hostname } }, hostId);
  };
  return defineDriver<RemoteDriver>({
    name: map.driver.name,
    version: map.driver.version,
    contractVersion: map.contractVersion,
    description: `${map.driver.name} served at ${target}`,
    create: openHost,
    conformance: fixtures ? () => remoteFixtures(harness, headers, target, options, fixtures!) : undefined,
  });
}

/** A client of a host the harness opened for it; closing the client closes the host. */
async function ownedHost(
  harness: Client<typeof HarnessService>,
  headers: Record<string, string>,
  target: string,
  options: ConnectDriverOptions,
  hostId: string,
): Promise<RemoteDriver> {
  const driver = await connectDriver(target, { ...options, host: hostId });
  const close = driver.close.bind(driver);
  Object.defineProperty(driver, 'close', {
    value: async () => {
      await close();
      await harness.closeHost({ hostId }, { headers }).catch(() => {});
    },
  });
  return driver;
}

/** The served driver's kit fixtures as client-side functions. */
function remoteFixtures(
  harness: Client<typeof HarnessService>,
  headers: Record<string, string>,
  target: string,
  options: ConnectDriverOptions,
  fixtures: { values: Record<string, unknown>; functions: string[] },
): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = { ...fixtures.values };
  const run = async (name: string, args: unknown[]): Promise<unknown> => {
    try {
      const encoded = args.map((a) => toValue(handlesOf(a)) ?? toValue(null)!);
      return fromValue((await harness.runFixture({ name, args: encoded }, { headers })).result);
    } catch (error) {
      throw fromCallError(error, `fixture ${name}`, target, false);
    }
  };
  for (const name of fixtures.functions) {
    // Nested fixtures (`failures.snapshot`) go where the kit looks for them.
    const path = name.split('.');
    let owner = out;
    for (const key of path.slice(0, -1)) {
      const next = owner[key];
      owner = (owner[key] =
        next !== null && typeof next === 'object' ? { ...(next as Record<string, unknown>) } : {}) as Record<
        string,
        unknown
      >;
    }
    owner[path[path.length - 1]!] = async (...args: unknown[]) => decode(await run(name, args));
  }
  if (fixtures.functions.includes('createVif')) {
    // The kit calls createVif synchronously: serve it from a pool made on the server, refilled ahead of need.
    const pool: unknown[] = [];
    let refilling: Promise<void> | undefined;
    const refill = (n: number): Promise<void> =>
      (refilling ??= Promise.all(Array.from({ length: n }, () => run('createVif', [])))
        .then((vifs) => {
          pool.push(...vifs);
        })
        .finally(() => {
          refilling = undefined;
        }));
    out.createVif = () => {
      if (pool.length < 64) void refill(256).catch(() => {});
      const vif = pool.shift();
      if (vif === undefined) throw new Error('no VIF ready from the served createVif fixture yet');
      return vif;
    };
    return refill(256).then(() => out);
  }
  /**
   * Handles back to clients: `{$host}` -> a connected driver, `{$release}` -> a function that also closes those
   * drivers.
   */
  async function decode(value: unknown): Promise<unknown> {
    const opened: RemoteDriver[] = [];
    const walk = async (v: unknown): Promise<unknown> => {
      if (Array.isArray(v)) return Promise.all(v.map(walk));
      if (v === null || typeof v !== 'object') return v;
      const o = v as Record<string, unknown>;
      if (typeof o.$host === 'string') {
        const d = await connectDriver(target, { ...options, host: o.$host });
        opened.push(d);
        return d;
      }
      if (typeof o.$release === 'string') {
        const id = o.$release;
        return async () => {
          await run('release', [{ $release: id }]);
          for (const d of opened) {
            await d.close();
            await run('closeHost', [{ $host: hostIdOf(d) }]).catch(() => {});
          }
        };
      }
      const copy: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(o)) copy[k] = await walk(x);
      return copy;
    };
    return walk(value);
  }
  return Promise.resolve(out);
}

/**
 * An argument for the server, as data. Each remote driver in it (a pair's source and destination too) becomes
 * `{"$host": id}`; primitives, arrays and plain objects cross as they are. Behaviour stays on this side, by one
 * rule rather than by recognising particular objects: a function and a class instance (its behaviour is its
 * prototype's: the kit's `RecordingLogger`) are left out, key and all, and so is a plain object that held only
 * such members (a logger literal of methods). JSON would keep only the fields of those, and the served side
 * would get an object without its methods; left out, the served side uses its own (a served host logs where it
 * runs). A plain object that mixes data and methods crosses with its data only.
 */
function handlesOf(value: unknown, depth = 0): unknown {
  if (value instanceof RemoteDriver) return { $host: hostIdOf(value) };
  if (typeof value === 'function') return undefined;
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => handlesOf(v, depth + 1) ?? null);
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return undefined;
  const entries = Object.entries(value);
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries) {
    const data = handlesOf(v, depth + 1);
    if (data !== undefined) out[k] = data;
  }
  return entries.length > 0 && Object.keys(out).length === 0 ? undefined : out;
}

function hostIdOf(driver: RemoteDriver): string {
  return driver.hostId;
}
