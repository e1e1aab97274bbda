import { randomUUID } from 'node:crypto';
import type { ServiceImpl } from '@connectrpc/connect';
import { isDriverInstance, NotFoundError, ValidationError, type DriverBase, type HostApi } from '@virtkit/core';
import type { JsonObject, JsonValue } from '@bufbuild/protobuf';
import { HarnessService } from '../gen/virtkit/v1/harness_pb.js';
import { toConnectError } from '../wire/error-codec.js';
import { fromValue, toPlainJson, toValue } from '../wire/json-value.js';
import { requireRole, type TokenAuthority } from './auth.js';
import { ServedHost } from './served-host.js';

/** What the harness serves: fresh drivers from the definition, and its kit fixtures. */
export interface HarnessOptions {
  /** Create a fresh driver (the definition's `create`). */
  create(hostApi: HostApi): DriverBase | Promise<DriverBase>;
  /** The definition's `conformance` fixtures, an object or a function returning one. */
  fixtures?: Record<string, unknown> | (() => Record<string, unknown> | Promise<Record<string, unknown>>);
  /** Release a driver the harness created. @defaultValue its `close()` when it has one */
  dispose?(driver: DriverBase): Promise<void> | void;
}

/** Server state the harness shares with the driver service. */
export interface HarnessState {
  readonly hosts: Map<string, ServedHost>;
  readonly auth: TokenAuthority;
}

/** The HarnessService: hosts opened and closed by the caller, fixtures run on the server. */
export function harnessService(
  state: HarnessState,
  options: HarnessOptions,
): ServiceImpl<typeof HarnessService> & { closeAll(): Promise<void> } {
  const releases = new Map<string, () => Promise<void> | void>();
  let fixtures: Promise<Record<string, unknown>> | undefined;
  const loadFixtures = (): Promise<Record<string, unknown>> =>
    (fixtures ??= Promise.resolve(
      typeof options.fixtures === 'function' ? options.fixtures() : (options.fixtures ?? {}),
    ));
  const dispose = async (driver: DriverBase): Promise<void> => {
    if (options.dispose) return void (await options.dispose(driver));
    const close = (driver as unknown as { close?: () => unknown }).close;
    if (typeof close === 'function') await close.call(driver);
  };
  const addHost = (driver: DriverBase, owned: boolean): string => {
    const id = `h-${randomUUID()}`;
    state.hosts.set(id, new ServedHost(id, driver, owned ? () => dispose(driver) : async () => {}));
    return id;
  };
  const closeHost = async (id: string): Promise<void> => {
    const host = state.hosts.get(id);
    if (!host || id === 'default') throw new NotFoundError('host', id);
    state.hosts.delete(id);
    host.detach();
    await host.dispose();
  };
  /** Drivers and functions in a fixture's result become handles the client can name. */
  const encode = (value: unknown, depth = 0): JsonValue => {
    if (depth > 8) return null;
    if (isDriverInstance(value)) return { $host: addHost(value, false) };
    if (typeof value === 'function') {
      const id = `r-${randomUUID()}`;
      releases.set(id, value as () => void);
      return { $release: id };
    }
    if (Array.isArray(value)) return value.map((v) => encode(v, depth + 1));
    if (value !== null && typeof value === 'object') {
      const out: Record<string, JsonValue> = {};
      for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = encode(v, depth + 1);
      return out;
    }
    return toPlainJson(value);
  };
  /** Arguments from the client: `{"$host": id}` anywhere (a migration pair's drivers) is that host's driver. */
  const decode = (value: unknown, depth = 0): unknown => {
    if (depth > 8 || value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map((v) => decode(v, depth + 1));
    const host = (value as { $host?: unknown }).$host;
    if (typeof host === 'string') {
      const served = state.hosts.get(host);
      if (!served) throw new NotFoundError('host', host);
      return served.driver;
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = decode(v, depth + 1);
    return out;
  };
  const guard = (headers: Headers, op: string): void => requireRole(state.auth.roleOf(headers), 'admin', op);
  const wrap = async <T>(body: () => Promise<T>): Promise<T> => {
    try {
      return await body();
    } catch (error) {
      throw toConnectError(error);
    }
  };

  return {
    openHost: (req, context) =>
      wrap(async () => {
        guard(context.requestHeader, 'openHost');
        const driver = await options.create(req.hostname ? { hostname: req.hostname } : {});
        return { hostId: addHost(driver, true) };
      }),
    closeHost: (req, context) =>
      wrap(async () => {
        guard(context.requestHeader, 'closeHost');
        await closeHost(req.hostId);
        return {};
      }),
    describeFixtures: (_req, context) =>
      wrap(async () => {
        guard(context.requestHeader, 'describeFixtures');
        const functions: string[] = [];
        const values = describeValues(await loadFixtures(), '', functions, 0);
        return { values: values as JsonObject, functions };
      }),
    runFixture: (req, context) =>
      wrap(async () => {
        guard(context.requestHeader, 'runFixture');
        const args = req.args.map((a) => decode(fromValue(a)));
        if (req.name === 'release') {
          const id = (args[0] as { $release?: unknown } | undefined)?.$release;
          const release = typeof id === 'string' ? releases.get(id) : undefined;
          if (!release) throw new NotFoundError('release handle', String(id));
          releases.delete(id as string);
          // A migration pair's drivers were registered as hosts: forget them with their release.
          await release();
          return {};
        }
        if (req.name === 'closeHost') {
          await closeHost(String((fromValue(req.args[0]) as { $host?: unknown } | undefined)?.$host));
          return {};
        }
        // A nested fixture (`failures.migration`) runs with its parent object as `this`, as the kit calls it.
        const path = req.name.split('.');
        let owner: unknown = await loadFixtures();
        for (const key of path.slice(0, -1))
          owner = isRecord(owner) && Object.hasOwn(owner, key) ? owner[key] : undefined;
        const last = path[path.length - 1]!;
        const fn = isRecord(owner) && Object.hasOwn(owner, last) ? owner[last] : undefined;
        if (typeof fn !== 'function')
          throw new ValidationError('runFixture', [
            { path: 'name', messages: [`the served driver has no fixture '${req.name}'`] },
          ]);
        const result = await (fn as (...a: unknown[]) => unknown).apply(owner, args);
        return { result: toValue(encode(result)) };
      }),
    async closeAll() {
      for (const release of releases.values()) await Promise.resolve(release()).catch(() => {});
      releases.clear();
      for (const id of [...state.hosts.keys()]) if (id !== 'default') await closeHost(id).catch(() => {});
    },
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * The plain values of a fixtures object (what JSON keeps), and the dotted
 * paths of its functions in `functions` (`createVolume`, `failures.snapshot`,
 * `modelBased.createMigrationPair`): plain objects are walked two levels deep.
 */
function describeValues(
  value: Record<string, unknown>,
  prefix: string,
  functions: string[],
  depth: number,
): Record<string, JsonValue> {
  const values: Record<string, JsonValue> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v === 'function') functions.push(prefix + k);
    else if (depth < 2 && isRecord(v) && Object.getPrototypeOf(v) === Object.prototype)
      values[k] = describeValues(v, `${prefix}${k}.`, functions, depth + 1);
    else if (v !== undefined) values[k] = toPlainJson(v);
  }
  return values;
}
