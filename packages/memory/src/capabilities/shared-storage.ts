import { randomUUID } from 'node:crypto';
import type {
  CheckInstanceSharedStorageCleanupRequest, CheckInstanceSharedStorageLocalRequest, CheckInstanceSharedStorageRemoteRequest,
  SharedStorageCheckData,
} from '@virtkit/core';
import type { MemoryHost } from '../model/memory-host.js';
import { markerDir } from './migration-support.js';

/** Leave a marker in the instance directory as this host sees it. */
export function checkInstanceSharedStorageLocal(host: MemoryHost, req: CheckInstanceSharedStorageLocalRequest): SharedStorageCheckData {
  const path = `${markerDir(host)}/${req.instance.uuid}/.shared-${randomUUID()}`;
  host.fabric.addMarker(path, host.hostname);
  return { path, driverData: { host: host.hostname } };
}

/** True when this host sees the other host's marker (storage is shared, or it is this host's own). */
export function checkInstanceSharedStorageRemote(host: MemoryHost, req: CheckInstanceSharedStorageRemoteRequest): boolean {
  return req.data.path !== undefined && host.fabric.seesMarker(req.data.path, host.hostname);
}

/** Remove the marker. */
export function checkInstanceSharedStorageCleanup(host: MemoryHost, req: CheckInstanceSharedStorageCleanupRequest): void {
  if (req.data.path !== undefined) host.fabric.removeMarker(req.data.path);
}
