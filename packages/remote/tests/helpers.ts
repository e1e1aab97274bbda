import { mkdtempSync, rmSync } from 'node:fs';
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

/** A spawn request with a fresh uuid. */
export function spawnRequest(overrides: Record<string, any> = {}): any {
  const uuid = randomUUID();
  return { instance: { uuid, name: `vm-${uuid.slice(0, 8)}`, flavor: FLAVOR }, imageMeta: IMAGE, ...overrides };
}
