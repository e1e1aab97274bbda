import type { OperationContext } from '../../../context/operation-context.js';
import type { SpawnRequest } from '../requests.js';

// The SDK's own memory of spawn requests, for drivers that do not answer `_spawnMatches` from their store.
// Issue #18 ("Creates are idempotent too"); the definition of "same request" is in docs/caller-guide.md.

/** Per driver: instance uuid → fingerprint of the request that spawned it here. */
const FINGERPRINTS = new WeakMap<object, Map<string, number>>();

/**
 * What makes two spawn requests "the same": the instance name, the flavor's
 * resources (vCPUs, memory, root, ephemeral and swap disk), the image
 * (`imageMeta.id`, else `instance.imageRef`, else `imageMeta.name`), the NICs
 * (VIF id and MAC, in any order) and the volumes (device and volume id, in
 * any order). Power-on, password, files, metadata and allocations are not part of it.
 */
function spawnIdentity(req: SpawnRequest): string {
  const { instance, imageMeta } = req;
  const f = instance.flavor;
  const nics = (req.networkInfo ?? []).map((v) => `${v.id}/${v.address.toLowerCase()}`).sort();
  const volumes = (req.blockDeviceInfo?.blockDeviceMapping ?? [])
    .map((b) => {
      const data = b.connectionInfo.data ?? {};
      const id = b.volumeId ?? b.connectionInfo.volumeId ?? data.volume_id ?? data.volumeId ?? data.path;
      return `${b.mountDevice.replace(/^\/dev\//, '')}=${String(id)}`;
    })
    .sort();
  return JSON.stringify([
    instance.name ?? null,
    f.vcpus,
    f.memoryMb,
    f.rootGb,
    f.ephemeralGb ?? 0,
    f.swapMb ?? 0,
    imageMeta.id ?? instance.imageRef ?? imageMeta.name ?? null,
    nics,
    volumes,
  ]);
}

/**
 * Remember the request that spawned `uuid` on `driver` (a 53-bit hash: a few bytes per instance), unless the
 * driver answers `_spawnMatches` itself (then the hash would cost every spawn and every instance for nothing).
 */
export function rememberSpawn(driver: object, req: SpawnRequest): void {
  if ((driver as { _spawnMatches?: unknown })._spawnMatches !== spawnMatchesByFingerprint) return;
  let map = FINGERPRINTS.get(driver);
  if (!map) FINGERPRINTS.set(driver, (map = new Map()));
  map.set(req.instance.uuid, hash53(spawnIdentity(req)));
}

/** True when `req` is the request this driver spawned `uuid` with (false when it did not spawn it). */
function sameSpawn(driver: object, req: SpawnRequest): boolean {
  return FINGERPRINTS.get(driver)?.get(req.instance.uuid) === hash53(spawnIdentity(req));
}

/** The default `_spawnMatches`: the request this driver object spawned `uuid` with, by its hash. */
export async function spawnMatchesByFingerprint(
  this: object,
  _ctx: OperationContext,
  request: SpawnRequest,
): Promise<boolean> {
  return sameSpawn(this, request);
}

/** Forget what spawned `uuid` (destroyed). */
export function forgetSpawn(driver: object, uuid: string): void {
  FINGERPRINTS.get(driver)?.delete(uuid);
}

/** cyrb53: a fast string hash with 53 bits of output. */
function hash53(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
