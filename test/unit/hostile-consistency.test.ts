// The consistency command (cli/commands/consistency.ts) on a devnet-shaped state directory: four
// in-memory-network nodes (test/consensus/harness.ts) whose stores are SqlChainStore over
// node:sqlite files where wrangler keeps NodeDO state, and an archive file made from the D1
// migration. An intact state passes; each kind of damage a crash or a bug could leave is found.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkConsistency, openSqlite, type SqliteDb, sqlHost } from "../../cli/commands/consistency.js";
import { SqlChainStore } from "../../durable/sql-chain-store.js";
import { StepKind, VoteKind, voteOf, voteSigningMessage } from "../../protocol/attestation.js";
import { blsSign } from "../../protocol/bls.js";
import { toHex } from "../../protocol/bytes.js";
import { devAccountKey, devProvisionerKey } from "../../protocol/keys.js";
import { MessageType } from "../../protocol/messages.js";
import { encodeTransaction, signTransfer, transactionIdHex } from "../../protocol/transaction.js";
import type { MemoryChainStore } from "../../workers/consensus/memory-chain-store.js";
import { CHAIN_ID, SEED, TestNetwork, testGenesis } from "../consensus/harness.js";

const genesis = testGenesis(4);
let dir: string;
const nodeFile = (i: number, root = dir) => join(root, "v3", "do", "dusk-edge-NodeDO", `node${i}.sqlite`);
const archiveFile = () => join(dir, "v3", "d1", "miniflare-D1DatabaseObject", "archive.sqlite");

async function withDb<T>(file: string, fn: (db: SqliteDb) => T): Promise<T> {
  const db = await openSqlite(file);
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

/** Four nodes on a stopped clock whose stores are SQLite files where wrangler keeps NodeDOs. */
async function sqlNetwork(root: string): Promise<{ net: TestNetwork; dbs: SqliteDb[] }> {
  mkdirSync(join(root, "v3", "do", "dusk-edge-NodeDO"), { recursive: true });
  const net = new TestNetwork(genesis, ["node-0", "node-1", "node-2", "node-3"]);
  const dbs: SqliteDb[] = [];
  for (let i = 0; i < 4; i++) {
    const db = await openSqlite(nodeFile(i, root));
    dbs.push(db);
    // The harness types its store parameter by its default; any ChainStore works.
    await net.open(i, new SqlChainStore(sqlHost(db)) as unknown as MemoryChainStore);
  }
  return { net, dbs };
}

const finalizedAll = (net: TestNetwork, h: number) => () =>
  Math.min(...[...net.nodes.values()].map((n) => n.status().finalizedHeight)) >= h;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "dusk-edge-consistency-test-"));
  mkdirSync(join(dir, "v3", "d1", "miniflare-D1DatabaseObject"), { recursive: true });
  const { net, dbs } = await sqlNetwork(dir);
  const alice = devAccountKey(SEED, 0);
  const tx = signTransfer(alice.secretKey, {
    chainId: CHAIN_ID,
    from: alice.publicKey,
    to: devAccountKey(SEED, 1).publicKey,
    amount: 9n,
    nonce: 1n,
    gasLimit: 21_000n,
    gasPrice: 2n,
    memo: new Uint8Array(0),
  });
  await net.node(0).submitTransaction(encodeTransaction(tx));
  expect(await net.runUntil(finalizedAll(net, 3), 120_000)).toBe(true);
  // The archive: node 0's final blocks, as the archiver writes them.
  await withDb(archiveFile(), (db) => {
    db.exec(readFileSync("migrations/0000_archive.sql", "utf8").replaceAll("--> statement-breakpoint", ""));
    for (let h = 1; h <= 3; h++) {
      const b = net.node(0).blockByHeight(h)!;
      db.prepare(
        "INSERT INTO blocks (height, hash, prev_hash, timestamp_ms, generator, iteration, state_root, gas_used, tx_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      ).all(
        h,
        toHex(b.hash),
        toHex(b.block.header.prevHash),
        b.block.header.timestampMs,
        toHex(b.block.header.generator),
        b.block.header.iteration,
        toHex(b.block.header.stateRoot),
        String(b.block.header.gasUsed),
        b.block.transactions.length,
      );
      b.block.transactions.forEach((t, position) => {
        db.prepare(
          "INSERT INTO transactions (id, height, position, kind, sender, amount, nonce, gas_limit, gas_price, gas_used, status) VALUES (?, ?, ?, 'transfer', ?, ?, ?, ?, ?, '21000', 'success')",
        ).all(
          transactionIdHex(t),
          h,
          position,
          toHex(t.from),
          String(t.amount),
          String(t.nonce),
          String(t.gasLimit),
          String(t.gasPrice),
        );
      });
    }
  });
  for (const db of dbs) db.close();
}, 180_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("consistency command", () => {
  it("passes an intact state: four nodes re-executed from genesis, the archive matching", async () => {
    const { findings, summary } = await checkConsistency(dir, genesis);
    expect(findings).toEqual([]);
    expect(summary.filter((l) => l.includes("re-executed from genesis"))).toHaveLength(4);
    expect(summary).toContainEqual(expect.stringMatching(/archive .*: 3 final blocks checked/));
  });

  it("finds a changed account, a changed block hash, a lost index entry, damaged signing records and a wrong archive row", async () => {
    await withDb(nodeFile(1), (db) => {
      // One balance changed by one unit (the first byte of the record is the balance's lowest).
      const [a] = db.prepare("SELECT address, record FROM accounts LIMIT 1").all() as Array<{
        address: Uint8Array;
        record: Uint8Array;
      }>;
      const record = a!.record.slice();
      record[0]! ^= 1;
      db.prepare("UPDATE accounts SET record = ? WHERE address = ?").all(record, a!.address);
    });
    await withDb(nodeFile(2), (db) => {
      db.prepare("UPDATE blocks SET hash = ? WHERE height = 2").all(new Uint8Array(32).fill(7));
      db.prepare("DELETE FROM meta WHERE key LIKE 'tx/%'").all();
    });
    await withDb(nodeFile(3), (db) => {
      const [r] = db.prepare("SELECT key, value FROM meta WHERE key LIKE 'signed/%' LIMIT 1").all() as Array<{
        key: string;
        value: Uint8Array;
      }>;
      db.prepare("UPDATE meta SET value = ? WHERE key = ?").all(r!.value.subarray(0, 100), r!.key);
      db.prepare("INSERT INTO meta (key, value) VALUES (?, ?)").all(
        "signed/0000000000000099/000/1",
        r!.value,
      );
    });
    await withDb(archiveFile(), (db) => {
      db.prepare("UPDATE blocks SET state_root = ? WHERE height = 3").all("00".repeat(32));
      db.prepare("DELETE FROM blocks WHERE height = 2").all();
    });
    const { findings } = await checkConsistency(dir, genesis);
    const has = (re: RegExp) => expect(findings).toContainEqual(expect.stringMatching(re));
    has(/node1\.sqlite: the node would not restart/);
    has(/node1\.sqlite: stored accounts and entries do not hash to the re-derived root/);
    has(/node2\.sqlite: block 2: stored hash is not the block's hash/);
    has(/node2\.sqlite: block \d+: transaction [0-9a-f]+ indexed at -1/);
    has(/archive: block 3: state root differs/);
    has(/archive: holds 2 blocks up to height 3/);
    has(/node3\.sqlite: signing record signed\/\d+\/\d+\/\d: 100 bytes, expected 128/);
    has(/node3\.sqlite: signing record signed\/0{14}99\/000\/1: round 99 beyond the round after the tip/);
    expect(findings.filter((f) => f.includes("node0.sqlite"))).toEqual([]);
  });

  it("finds a provisioner that signed twice for one slot (a proof in a block)", async () => {
    const root = mkdtempSync(join(tmpdir(), "dusk-edge-consistency-test-"));
    try {
      const { net, dbs } = await sqlNetwork(root);
      // node-2 follows its first Valid validation vote with a NoCandidate vote for the same slot,
      // as a node that lost its signing record might (test/consensus/faults-in-blocks.test.ts).
      const key = devProvisionerKey(SEED, 2);
      let injected = 0;
      net.inject = (from, m) => {
        if (from !== "node-2" || m.type !== MessageType.Validation || m.signed.vote.kind !== VoteKind.Valid)
          return [];
        if (injected++ > 0) return [];
        const vote = voteOf(VoteKind.NoCandidate);
        const signature = blsSign(
          key.secretKey,
          voteSigningMessage(CHAIN_ID, m.signed.header, StepKind.Validation, vote),
        );
        return [{ type: MessageType.Validation, signed: { ...m.signed, vote, signature } }];
      };
      const proven = () =>
        [...Array(net.node(0).status().height).keys()].some(
          (h) => (net.node(0).blockByHeight(h + 1)?.block.faults.length ?? 0) > 0,
        );
      expect(await net.runUntil(proven, 120_000)).toBe(true);
      for (const db of dbs) db.close();
      const { findings } = await checkConsistency(root, genesis);
      expect(findings).toContainEqual(
        expect.stringMatching(
          new RegExp(`node0\\.sqlite: block \\d+: proves DoubleVote by ${toHex(key.publicKey).slice(0, 16)}`),
        ),
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
