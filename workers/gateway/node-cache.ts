/**
 * A per-isolate read cache in front of a NodeClient, so hot reads do not all queue on the
 * node's Durable Object (which runs consensus on the same thread):
 * - `latestBlock` and `status` are kept for LIVE_TTL_MS (a block takes seconds; a reader may
 *   see the tip up to that much late, never a wrong one);
 * - blocks whose label is `final` never change: kept by height and by hash (LRU, bounded).
 * Everything else passes through. The clock is injected for tests.
 */

import type { BlockJson, StatusJson } from "../../durable/node-views.js";
import type { NodeClient } from "./node-client.js";

export const LIVE_TTL_MS = 250;
export const FINAL_BLOCKS_MAX = 512;
/** Bound on cached nodes per app (one per node index). */
const NODES_MAX = 64;

interface Timed<T> {
  readonly at: number;
  readonly value: Promise<T>;
}

class NodeCache {
  latest: Timed<BlockJson | null> | undefined;
  status: Timed<StatusJson> | undefined;
  readonly byHeight = new Map<number, BlockJson>();
  readonly byHash = new Map<string, BlockJson>();

  remember(b: BlockJson | null): void {
    if (b === null || b.label !== "final") return;
    this.byHeight.set(b.height, b);
    this.byHash.set(b.hash, b);
    while (this.byHeight.size > FINAL_BLOCKS_MAX) {
      const oldest = this.byHeight.keys().next().value as number;
      const gone = this.byHeight.get(oldest);
      this.byHeight.delete(oldest);
      if (gone !== undefined) this.byHash.delete(gone.hash);
    }
  }
}

function live<T>(
  slot: Timed<T> | undefined,
  now: number,
  load: () => Promise<T>,
  set: (t: Timed<T>) => void,
): Promise<T> {
  if (slot !== undefined && now - slot.at < LIVE_TTL_MS) return slot.value;
  const value = load();
  set({ at: now, value });
  // A failed call is not cached.
  value.catch(() => set({ at: -Infinity, value }));
  return value;
}

/** The caches of one gateway app, one per node index (bounded). */
export class NodeCaches {
  private readonly caches = new Map<number, NodeCache>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Wraps `node` (index `index`) with its cache. */
  wrap(node: NodeClient, index: number): NodeClient {
    let cache = this.caches.get(index);
    if (cache === undefined) {
      if (this.caches.size >= NODES_MAX) this.caches.clear();
      cache = new NodeCache();
      this.caches.set(index, cache);
    }
    return cachedNode(node, cache, this.now);
  }
}

function cachedNode(node: NodeClient, cache: NodeCache, now: () => number): NodeClient {
  return new Proxy(node, {
    get(target, prop, receiver) {
      switch (prop) {
        case "latestBlock":
          return () =>
            live(
              cache.latest,
              now(),
              () => target.latestBlock(),
              (t) => {
                cache.latest = t;
              },
            );
        case "status":
          return () =>
            live(
              cache.status,
              now(),
              () => target.status(),
              (t) => {
                cache.status = t;
              },
            );
        case "blockByHeight":
          return async (height: number) => {
            const hit = cache.byHeight.get(height);
            if (hit !== undefined) return hit;
            const b = await target.blockByHeight(height);
            cache.remember(b);
            return b;
          };
        case "blockByHash":
          return async (hash: string) => {
            const hit = cache.byHash.get(hash);
            if (hit !== undefined) return hit;
            const b = await target.blockByHash(hash);
            cache.remember(b);
            return b;
          };
        default:
          return Reflect.get(target, prop, receiver);
      }
    },
  });
}
