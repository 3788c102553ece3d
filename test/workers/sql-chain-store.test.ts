// SqlChainStore on real Durable Object SQLite: round trips and all-or-nothing transactions.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { SqlChainStore } from "../../durable/sql-chain-store.js";
import { Label } from "../../workers/consensus/ports.js";

/** A fresh object per test (storage is shared within a file); names outside node-<i> start no node. */
let objects = 0;
function withStore<R>(fn: (store: SqlChainStore, storage: DurableObjectStorage) => R): Promise<R> {
  objects += 1;
  const stub = env.NODE.get(env.NODE.idFromName(`store-test-${objects}`));
  return runInDurableObject(stub, (_instance, state) => fn(new SqlChainStore(state.storage), state.storage));
}

const bytes = (n: number, fill: number) => new Uint8Array(n).fill(fill);

describe("SqlChainStore", () => {
  it("starts empty", async () => {
    await withStore((store) => {
      expect(store.tipHeight()).toBe(-1);
      expect(store.getBlock(0)).toBeUndefined();
      expect(store.getBlockByHash(bytes(32, 1))).toBeUndefined();
      expect(store.loadAccounts()).toEqual([]);
      expect(store.getMeta("x")).toBeUndefined();
      expect(store.listMeta("", 10)).toEqual([]);
    });
  });

  it("round-trips blocks, labels and the tip", async () => {
    await withStore((store) => {
      store.putBlock({ height: 0, hash: bytes(32, 10), bytes: bytes(100, 1), label: Label.Final });
      store.putBlock({ height: 1, hash: bytes(32, 11), bytes: bytes(5, 2), label: Label.Accepted });
      // A view into a larger buffer: only its own bytes may be stored.
      const big = bytes(64, 9);
      store.putBlock({
        height: 2,
        hash: big.subarray(16, 48),
        bytes: big.subarray(0, 3),
        label: Label.Attested,
      });
      expect(store.tipHeight()).toBe(2);
      const one = store.getBlock(1)!;
      expect(one.height).toBe(1);
      expect(one.hash).toEqual(bytes(32, 11));
      expect(one.bytes).toEqual(bytes(5, 2));
      expect(one.label).toBe(Label.Accepted);
      store.setLabel(1, Label.Final);
      expect(store.getBlock(1)!.label).toBe(Label.Final);
      expect(store.getBlockByHash(bytes(32, 9))!.height).toBe(2);
      expect(store.getBlock(2)!.bytes).toEqual(bytes(3, 9));
      expect(store.getBlockByHash(bytes(32, 10))!.bytes).toEqual(bytes(100, 1));
      // setLabel on a missing height changes nothing.
      store.setLabel(7, Label.Final);
      expect(store.getBlock(7)).toBeUndefined();
    });
  });

  it("round-trips accounts, overwriting changed ones", async () => {
    await withStore((store) => {
      store.putAccounts([
        [bytes(32, 2), { balance: 5n, nonce: 0n }],
        [bytes(32, 1), { balance: (1n << 64n) - 1n, nonce: 3n }],
      ]);
      store.putAccounts([[bytes(32, 2), { balance: 6n, nonce: 1n }]]);
      const all = store.loadAccounts();
      expect(all).toHaveLength(2);
      const byFirst = new Map(all.map(([a, acc]) => [a[0], acc]));
      expect(byFirst.get(1)).toEqual({ balance: (1n << 64n) - 1n, nonce: 3n });
      expect(byFirst.get(2)).toEqual({ balance: 6n, nonce: 1n });
    });
  });

  it("round-trips meta and lists keys by prefix in order, bounded", async () => {
    await withStore((store) => {
      for (const k of ["tx/b", "tx/a", "tx/c", "tw", "tx0", "chain/x", "tx/"])
        store.putMeta(k, bytes(2, k.length));
      expect(store.getMeta("tx/a")).toEqual(bytes(2, 4));
      expect(store.listMeta("tx/", 10)).toEqual(["tx/", "tx/a", "tx/b", "tx/c"]);
      expect(store.listMeta("tx/", 2)).toEqual(["tx/", "tx/a"]);
      expect(store.listMeta("", 3)).toEqual(["chain/x", "tw", "tx/"]);
      expect(store.listMeta("nope", 10)).toEqual([]);
      expect(store.listMeta("tx/", 0)).toEqual([]);
      store.deleteMeta("tx/b");
      expect(store.getMeta("tx/b")).toBeUndefined();
      expect(store.listMeta("tx/", 10)).toEqual(["tx/", "tx/a", "tx/c"]);
      store.putMeta("tx/a", bytes(1, 7));
      expect(store.getMeta("tx/a")).toEqual(bytes(1, 7));
    });
  });

  it("lists meta keys from a start key within the prefix", async () => {
    await withStore((store) => {
      for (const k of ["ev/a/001", "ev/a/002", "ev/a/010", "ev/b/001", "ev/"]) store.putMeta(k, bytes(1, 1));
      expect(store.listMeta("ev/a/", 10, "ev/a/002")).toEqual(["ev/a/002", "ev/a/010"]);
      expect(store.listMeta("ev/a/", 1, "ev/a/002")).toEqual(["ev/a/002"]);
      // A start before the prefix never reaches outside it.
      expect(store.listMeta("ev/a/", 10, "a")).toEqual(["ev/a/001", "ev/a/002", "ev/a/010"]);
      expect(store.listMeta("ev/a/", 10, "ev/a/9")).toEqual([]);
    });
  });

  it("round-trips contract-state entries; null removes, rewrites replace", async () => {
    await withStore((store) => {
      const big = bytes(64, 5);
      store.putEntries([
        [bytes(33, 2), bytes(3, 1)],
        [big.subarray(0, 33), big.subarray(10, 12)],
        [bytes(40, 1), bytes(0, 0)],
      ]);
      store.putEntries([[bytes(33, 2), bytes(2, 9)]]);
      expect(store.loadEntries()).toEqual(
        [
          [bytes(33, 2), bytes(2, 9)],
          [bytes(40, 1), bytes(0, 0)],
          [bytes(33, 5), bytes(2, 5)],
        ].sort((a, b) => a[0]![0]! - b[0]![0]!),
      );
      store.putEntries([[bytes(40, 1), null]]);
      expect(store.loadEntries().map(([k]) => k.length)).toEqual([33, 33]);
    });
  });

  it("a throw inside transaction() leaves nothing written", async () => {
    await withStore((store) => {
      store.putMeta("kept", bytes(1, 1));
      expect(() =>
        store.transaction(() => {
          store.putBlock({ height: 0, hash: bytes(32, 1), bytes: bytes(4, 1), label: Label.Final });
          store.putAccounts([[bytes(32, 3), { balance: 1n, nonce: 0n }]]);
          store.putMeta("kept", bytes(1, 2));
          store.putMeta("new", bytes(1, 3));
          store.deleteMeta("kept");
          throw new Error("crash mid-block");
        }),
      ).toThrow("crash mid-block");
      expect(store.tipHeight()).toBe(-1);
      expect(store.getBlock(0)).toBeUndefined();
      expect(store.loadAccounts()).toEqual([]);
      expect(store.getMeta("kept")).toEqual(bytes(1, 1));
      expect(store.getMeta("new")).toBeUndefined();
    });
  });

  it("commits a transaction and returns its value; nested transactions roll back alone", async () => {
    await withStore((store) => {
      const v = store.transaction(() => {
        store.putMeta("a", bytes(1, 1));
        try {
          store.transaction(() => {
            store.putMeta("b", bytes(1, 2));
            throw new Error("inner");
          });
        } catch {
          // inner rolled back
        }
        return 42;
      });
      expect(v).toBe(42);
      expect(store.getMeta("a")).toEqual(bytes(1, 1));
      expect(store.getMeta("b")).toBeUndefined();
    });
  });

  it("keeps data when the store is reopened on the same storage (schema creation is idempotent)", async () => {
    objects += 1;
    const stub = env.NODE.get(env.NODE.idFromName(`store-test-${objects}`));
    await runInDurableObject(stub, (_i, state) => {
      const store = new SqlChainStore(state.storage);
      store.putBlock({ height: 0, hash: bytes(32, 4), bytes: bytes(8, 4), label: Label.Final });
      store.putMeta("m", bytes(3, 3));
    });
    await runInDurableObject(stub, (_i, state) => {
      const store = new SqlChainStore(state.storage);
      expect(store.tipHeight()).toBe(0);
      expect(store.getMeta("m")).toEqual(bytes(3, 3));
    });
  });
});
