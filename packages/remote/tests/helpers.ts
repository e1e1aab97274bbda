import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { DriverBase, Flavor, ImageMeta } from '@virtkit/core';
import { connectDriver, serveDriver, type RemoteDriver, type RemoteServer } from '@virtkit/remote';

export const FLAVOR: Flavor = { name: 'm1.small', vcpus: 1, memoryMb: 256, rootGb: 1 };
export const IMAGE: ImageMeta = { id: 'cirros', diskFormat: 'qcow2' };

/** A private temp dir for sockets; removed by the returned function. */
export function tempDir(): { dir: string; socket: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'virtkit-remote-'));
  return { dir, socket: join(dir, 'driver.sock'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** An error a test caught, with its fields. */
export type Caught = Error & Record<string, unknown>;

/** What a promise rejected with (as {@link Caught}); fails when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<Caught> {
  try {
    await promise;
  } catch (error) {
    return error as Caught;
  }
  throw new Error('expected a rejection');
}

/** A driver called by method name, bypassing its typed surface (to send what the types forbid). */
export type Untyped = Record<string, (ctx: object, request: unknown) => Promise<unknown>>;

/** A spawn request of the tests (a fresh uuid, its name and flavor), with whatever else a test adds. */
export interface TestSpawnRequest {
  instance: { uuid: string; name: string; flavor: Flavor };
  imageMeta: ImageMeta;
  [key: string]: unknown;
}

/** A spawn request with a fresh uuid. */
export function spawnRequest(overrides: Record<string, unknown> = {}): TestSpawnRequest {
  const uuid = randomUUID();
  return { instance: { uuid, name: `vm-${uuid.slice(0, 8)}`, flavor: FLAVOR }, imageMeta: IMAGE, ...overrides };
}

/**
 * POST a Connect JSON request over HTTP/1.1 to a server on a unix socket, as any plain HTTP client would.
 * @returns the status and body text
 */
export function postJson(
  socketPath: string,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { socketPath, path, method: 'POST', headers: { 'content-type': 'application/json', ...headers } },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

/** Wait until `check` holds, polling every 10 ms; fails after `ms`. */
export async function waitFor(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A served driver and a client of it, on a unix socket of its own. */
export interface Served {
  readonly server: RemoteServer;
  readonly driver: RemoteDriver;
  readonly socket: string;
}

/**
 * Serve `served` on a fresh unix socket, connect a client and run `body`. Whatever happens, the client and the server
 * are closed (`graceMs` for calls still in flight; a server `body` closed stays closed) and the socket's directory is
 * removed.
 */
export async function withServed<T>(served: DriverBase, body: (s: Served) => Promise<T>, graceMs?: number): Promise<T> {
  const tmp = tempDir();
  let server: RemoteServer | undefined;
  let driver: RemoteDriver | undefined;
  try {
    server = await serveDriver(served, { listen: `unix:${tmp.socket}` });
    driver = await connectDriver(server.target);
    return await body({ server, driver, socket: tmp.socket });
  } finally {
    await driver?.close();
    await server?.close(graceMs === undefined ? undefined : { graceMs });
    tmp.remove();
  }
}

/**
 * For a describe block: serve `served` on a fresh unix socket before its tests and connect a client; close both and
 * remove the socket's directory after them. The fields are there once the tests run.
 */
export function servedForSuite(served: DriverBase): Served {
  const tmp = tempDir();
  let server: RemoteServer | undefined;
  let driver: RemoteDriver | undefined;
  beforeAll(async () => {
    server = await serveDriver(served, { listen: `unix:${tmp.socket}` });
    driver = await connectDriver(server.target);
  });
  afterAll(async () => {
    await driver?.close();
    await server?.close();
    tmp.remove();
  });
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the suite has not started: read the fields inside tests');
    return value;
  };
  return {
    get server() {
      return ready(server);
    },
    get driver() {
      return ready(driver);
    },
    socket: tmp.socket,
  };
}
