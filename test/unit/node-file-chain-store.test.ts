// The Node host's file store (node/file-chain-store.ts): a reopened store holds what committed
// transactions wrote, a torn or corrupt last record is cut off, a rolled-back transaction leaves
// nothing, compaction keeps the state, and a node restarted on the file resumes its chain.
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BlstVoteCrypto } from "../../bench/sync-chain.js";
import { SYNC_GENESIS_MS, SYNC_SEED, syncGenesis } from "../../bench/sync-fixture.js";
import { FileChainStore } from "../../node/file-chain-store.js";
import { NobleSignatureVerifier } from "../../protocol/ed25519.js";
import { devProvisionerKey } from "../../protocol/keys.js";
import { openNode } from "../../workers/consensus/node.js";
import { Label, StoppedClock } from "../../workers/consensus/ports.js";

const dir = mkdtempSync(join(tmpdir(), "dusk-edge-file-store-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const bytes = (n: number, fill: number) => new Uint8Array(n).fill(fill);

function writeSome(store: FileChainStore, height: number): void {
  store.transaction(() => {
    store.putBlock({ height, hash: bytes(32, height), bytes: bytes(100, height), label: Label.Accepted });
    store.putAccounts([
      [bytes(32, 200 + height), { balance: 10n ** 20n + BigInt(height), nonce: BigInt(height) }],
    ]);
    store.putEntries([[bytes(8, height), bytes(3, 7)]]);
    store.putMeta(`m/${height}`, bytes(4, height));
  });
}

describe("FileChainStore", () => {
  it("reopens with every committed write and nothing of a rolled-back transaction", () => {
    const path = join(dir, "a.log");
    const s = FileChainStore.open(path);
    writeSome(s, 0);
    writeSome(s, 1);
    s.transaction(() => s.setLabel(0, Label.Final));
    expect(() =>
      s.transaction(() => {
        s.putMeta("rolled-back", bytes(1, 1));
        throw new Error("abort");
      }),
    ).toThrow("abort");
    s.putMeta("bare", bytes(2, 2)); // a write outside any transaction is its own record
    s.close();
    const r = FileChainStore.open(path);
    expect(r.report).toEqual({ records: 4, truncatedBytes: 0, compacted: false });
    expect(r.tipHeight()).toBe(1);
    expect(r.getBlock(0)?.label).toBe(Label.Final);
    expect(r.getBlockByHash(bytes(32, 1))?.bytes).toEqual(bytes(100, 1));
    expect(r.loadAccounts().map(([, a]) => a)).toEqual([
      { balance: 10n ** 20n, nonce: 0n },
      { balance: 10n ** 20n + 1n, nonce: 1n },
    ]);
    expect(r.loadEntries()).toHaveLength(2);
    expect(r.getMeta("rolled-back")).toBeUndefined();
    expect(r.getMeta("bare")).toEqual(bytes(2, 2));
    r.close();
  });

  it("cuts off a torn last record and a corrupt one, keeping the records before", () => {
    const path = join(dir, "b.log");
    const s = FileChainStore.open(path);
    writeSome(s, 0);
    writeSome(s, 1);
    s.close();
    const whole = statSync(path).size;
    // A crash mid-append: half of a third record.
    const s2 = FileChainStore.open(path);
    writeSome(s2, 2);
    s2.close();
    const third = readFileSync(path).subarray(whole);
    writeFileSync(path, readFileSync(path).subarray(0, whole));
    appendFileSync(path, third.subarray(0, third.length >> 1));
    const torn = FileChainStore.open(path);
    expect(torn.report.truncatedBytes).toBe(third.length >> 1);
    expect(torn.tipHeight()).toBe(1);
    writeSome(torn, 2); // appends after the cut: readable again
    torn.close();
    expect(FileChainStore.open(path).tipHeight()).toBe(2);
    // A flipped byte inside the last record's payload fails its checksum.
    const all = readFileSync(path);
    all[all.length - 5] = all[all.length - 5]! ^ 0xff;
    writeFileSync(path, all);
    const corrupt = FileChainStore.open(path);
    expect(corrupt.report.truncatedBytes).toBeGreaterThan(0);
    expect(corrupt.tipHeight()).toBe(1);
    corrupt.close();
  });

  it("compacts a long log into one snapshot record with the same state", () => {
    const path = join(dir, "c.log");
    const s = FileChainStore.open(path);
    for (let h = 0; h < 6; h++) writeSome(s, h);
    s.transaction(() => s.deleteBlock(5));
    s.close();
    const c = FileChainStore.open(path, { compactAfterRecords: 3 });
    expect(c.report.compacted).toBe(true);
    c.close();
    const r = FileChainStore.open(path, { compactAfterRecords: 3 });
    expect(r.report).toEqual({ records: 1, truncatedBytes: 0, compacted: false });
    expect(r.tipHeight()).toBe(4);
    expect(r.loadAccounts()).toHaveLength(6);
    expect(r.getMeta("m/5")).toEqual(bytes(4, 5));
    r.close();
  });

  it("a node restarted on its file resumes its chain and keeps producing blocks", async () => {
    const path = join(dir, "node.log");
    const genesis = syncGenesis();
    const clock = new StoppedClock(SYNC_GENESIS_MS);
    const open = (store: FileChainStore) =>
      openNode(
        { genesis, provisionerKey: devProvisionerKey(SYNC_SEED, 0) },
        {
          clock,
          store,
          transport: { broadcast: () => {}, send: () => {}, peers: () => [] },
          txVerifier: new NobleSignatureVerifier(),
          voteCrypto: new BlstVoteCrypto(),
        },
      );
    const runTo = async (node: Awaited<ReturnType<typeof open>>, height: number) => {
      while (node.status().height < height) {
        const wake = node.nextWakeMs();
        if (wake === null) throw new Error("stalled");
        if (wake > clock.now()) clock.set(wake);
        await node.onTimer();
      }
    };
    const store = FileChainStore.open(path);
    const first = await open(store);
    await runTo(first, 5);
    const before = first.blockByHeight(5)!;
    const finalBefore = first.status().finalizedHeight;
    store.close(); // as after kill -9: nothing but the file survives
    const again = await open(FileChainStore.open(path));
    expect(again.status().height).toBe(5);
    expect(again.status().finalizedHeight).toBe(finalBefore);
    expect(again.blockByHeight(5)!.hash).toEqual(before.hash);
    await runTo(again, 8);
    expect(again.blockByHeight(6)!.block.header.prevHash).toEqual(before.hash);
  });
});
