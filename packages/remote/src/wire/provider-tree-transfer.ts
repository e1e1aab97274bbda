import { ProviderTree, type ProviderData } from '@virtkit/core';

/**
 * `updateProviderTree` edits the caller's objects in place (the tree and, for
 * a reshape, the allocations). Over the wire the tree travels as its
 * providers (`{"$providerTree": [ProviderData...]}`), the server edits a tree
 * rebuilt from them, and the result carries the edited providers and
 * allocations back, which the client writes into the caller's very objects.
 */
export const IN_OUT_METHODS: ReadonlySet<string> = new Set(['updateProviderTree']);

/** Every provider of a tree, parents before children. */
export function providersOf(tree: ProviderTree): ProviderData[] {
  return tree.roots.flatMap((root) => tree.getProviderUuidsInTree(root.uuid).map((uuid) => tree.data(uuid)));
}

/** The request as sent: the tree as its providers. */
export function encodeInOut(request: Record<string, unknown>): Record<string, unknown> {
  const tree = request.providerTree;
  return tree instanceof ProviderTree ? { ...request, providerTree: { $providerTree: providersOf(tree) } } : request;
}

/** Server side: a tree rebuilt from the providers sent. */
export function decodeInOut(request: unknown): unknown {
  const r = request as Record<string, unknown> | null;
  const marker = (r?.providerTree as { $providerTree?: unknown } | undefined)?.$providerTree;
  if (!r || !Array.isArray(marker)) return request;
  const tree = new ProviderTree();
  tree.populateFromIterable(marker as ProviderData[]);
  return { ...r, providerTree: tree };
}

/** Server side: the result with the edited objects. */
export function resultWithInOut(request: unknown, result: unknown): unknown {
  const r = request as Record<string, unknown>;
  if (!(r?.providerTree instanceof ProviderTree)) return result;
  return { result: result ?? null, providerTree: providersOf(r.providerTree), allocations: r.allocations ?? null };
}

/** Client side: write the edited objects into the caller's, and return the call's own result. */
export function applyInOut(request: Record<string, unknown>, wire: unknown): unknown {
  const tree = request.providerTree;
  if (!(tree instanceof ProviderTree)) return wire;
  const w = wire as { result?: unknown; providerTree?: ProviderData[]; allocations?: Record<string, unknown> | null };
  for (const root of tree.roots) tree.remove(root.uuid);
  tree.populateFromIterable(w.providerTree ?? []);
  const allocations = request.allocations as Record<string, unknown> | undefined;
  if (allocations && w.allocations) {
    for (const key of Object.keys(allocations)) delete allocations[key];
    Object.assign(allocations, w.allocations);
  }
  return w.result === null ? undefined : w.result;
}
