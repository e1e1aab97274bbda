import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Flavor, ImageMeta } from '@virtkit/core';

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
