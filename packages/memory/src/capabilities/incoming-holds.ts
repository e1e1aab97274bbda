import type { MemoryHost } from '../model/memory-host.js';

// What `preLiveMigration` holds on a destination for an instance still on its way: its resources (in
// `host.incoming`), and the filters `ensureFilteringRules` set up for it. Lifecycle and migration calls both
// give them back.

/** Give back the resources pre-migration held on `host` for the instance. Idempotent. */
export function releaseIncoming(host: MemoryHost, uuid: string): void {
  const reserved = host.incoming.get(uuid);
  if (reserved === undefined) return;
  host.incoming.delete(uuid);
  host.tracker.release(reserved);
}

/** Give back everything held on `host` for the instance: its resources and its filters. Idempotent. */
export function releaseHold(host: MemoryHost, uuid: string): void {
  releaseIncoming(host, uuid);
  host.firewall.filtered.delete(uuid);
}
