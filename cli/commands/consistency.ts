/**
 * `dusk-edge consistency --state <dir>` (`npm run consistency -- --state <dir>`): checks a
 * devnet's persisted state (the `wrangler dev --persist-to` directory) after a crash (issue 12,
 * faults). For every NodeDO SQLite file it re-derives the chain from genesis: each block hashes
 * to its stored hash and links to its parent, re-executing its transactions from the genesis
 * state gives the state root and gas of its header, the stored account and entry tables hash to
 * the tip's root (what the node restarts from), and every transaction is indexed at its height.
 * Slashing protection: every signing record (workers/consensus/signing-guard.ts) is a digest and
 * a BLS signature, for a round the node reached and not older than the guard keeps; and no block
 * carries a double-vote or double-candidate proof (every provisioner of a devnet is one of its
 * own nodes, so a proof means a node signed twice for one slot, e.g. after forgetting a record).
 * Across nodes, final blocks of one height are one block. The D1 archive's rows must match the
 * final blocks (hash, parent, state root, transaction count and ids), with no height missing.
 * Files are copied first (with their WAL), so a running devnet is never written to.
 * Exit 0 consistent, 1 inconsistent (each finding printed), 2 error (no state found).
 */

import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Command } from "commander";
import { type DevnetVars, devnetConfig, devnetGenesis } from "../../durable/devnet-config.js";
import { SqlChainStore, type SqlStorageHost } from "../../durable/sql-chain-store.js";
import { blockHash, decodeBlock } from "../../protocol/block.js";
import { decodeSignature } from "../../protocol/bls.js";
import { bytesEqual, toHex } from "../../protocol/bytes.js";
import { NobleSignatureVerifier } from "../../protocol/ed25519.js";
import { FaultKind } from "../../protocol/fault.js";
import { type Genesis, genesisState } from "../../protocol/genesis.js";
import {
  decodeStakeRecord,
  eligibleProvisioners,
  provisionerOfStakeKey,
  type StakeRecord,
} from "../../protocol/stake.js";
import { AccountState } from "../../protocol/state.js";
import { transactionIdHex } from "../../protocol/transaction.js";
import { Chain } from "../../workers/consensus/chain.js";
import { blockIncentives } from "../../workers/consensus/incentives.js";
import { Label } from "../../workers/consensus/ports.js";
import { RoundCommittees } from "../../workers/consensus/round-committees.js";
import { executeTransactions } from "../../workers/executor/execute-block.js";
import { EXIT } from "../exit.js";

/** Every stake record in a state (the key-value entries under the stake prefix). */
function stakeRecords(state: AccountState): Array<readonly [Uint8Array, StakeRecord]> {
  const out: Array<readonly [Uint8Array, StakeRecord]> = [];
  for (const [key, value] of state.kvEntriesForExport()) {
    const owner = provisionerOfStakeKey(key);
    if (owner !== null) out.push([owner.slice(), decodeStakeRecord(value)]);
  }
  return out;
}

export interface SqliteDb {
  exec(sql: string): void;
  prepare(sql: string): { all(...params: unknown[]): Record<string, unknown>[] };
  close(): void;
}

/** node:sqlite (Node >= 22.5; npm scripts run on the node@22 devDependency). */
export async function openSqlite(path: string): Promise<SqliteDb> {
  const { DatabaseSync } = (await import("node:sqlite" as string)) as {
    DatabaseSync: new (path: string) => SqliteDb;
  };
  return new DatabaseSync(path);
}

/** Copies a SQLite file with its WAL and shared memory, so the copy holds committed writes. */
function copyDb(file: string, dir: string): string {
  const to = join(dir, `${readdirSync(dir).length}.sqlite`);
  copyFileSync(file, to);
  for (const ext of ["-wal", "-shm"]) if (existsSync(file + ext)) copyFileSync(file + ext, to + ext);
  return to;
}

/** The Durable Object `sql` API over node:sqlite: what SqlChainStore calls. */
export function sqlHost(db: SqliteDb): SqlStorageHost {
  const bind = (v: unknown) => (v instanceof ArrayBuffer ? new Uint8Array(v) : v);
  const exec = (query: string, ...params: unknown[]) => {
    let rows: Record<string, unknown>[] = [];
    if (
      params.length === 0 &&
      query
        .trim()
        .split(";")
        .filter((s) => s.trim() !== "").length > 1
    ) {
      db.exec(query);
    } else {
      rows = db.prepare(query).all(...params.map(bind));
    }
    return {
      toArray: () => rows,
      one: () => {
        if (rows.length !== 1) throw new Error(`expected one row, got ${rows.length}`);
        return rows[0];
      },
      [Symbol.iterator]: () => rows[Symbol.iterator](),
    };
  };
  return {
    sql: { exec } as unknown as SqlStorage,
    transactionSync: (fn) => fn(),
  };
}

interface NodeCheck {
  readonly file: string;
  readonly tip: number;
  readonly finalized: number;
  /** Final block hashes by height. */
  readonly final: Map<number, string>;
  readonly blocks: Map<number, { hash: string; prevHash: string; stateRoot: string; txIds: string[] }>;
}

async function checkNode(
  genesis: Genesis,
  file: string,
  db: SqliteDb,
  findings: string[],
): Promise<NodeCheck | null> {
  const store = new SqlChainStore(sqlHost(db));
  const tip = store.tipHeight();
  if (tip < 0) return null; // a node object that never started its chain
  const say = (what: string) => findings.push(`${file}: ${what}`);
  let opened: Chain | null = null;
  try {
    opened = Chain.open(genesis, store); // genesis hash + stored state root = the tip's root
  } catch (e) {
    say(`the node would not restart: ${(e as Error).message}`);
  }
  const verifier = new NobleSignatureVerifier();
  const state = genesisState(genesis);
  const stored = AccountState.from(store.loadAccounts(), store.loadEntries());
  const final = new Map<number, string>();
  const blocks: NodeCheck["blocks"] = new Map();
  let prev = store.getBlock(0)!.hash;
  let prevHeader = decodeBlock(store.getBlock(0)!.bytes).header;
  let parentCommittees: RoundCommittees | null = null;
  // Provisioner set per round: the stake records after the block below it (chain.ts setAfter).
  const sets = new Map([[1, eligibleProvisioners(stakeRecords(state), 1, genesis.params.consensus)]]);
  const setFor = (round: number) => {
    const set = sets.get(round);
    if (set === undefined) throw new Error(`no provisioner set for round ${round}`);
    return set;
  };
  let finalized = 0;
  for (let h = 1; h <= tip; h++) {
    const row = store.getBlock(h);
    if (row === undefined) {
      say(`block ${h} missing below the tip ${tip}`);
      break;
    }
    const block = decodeBlock(row.bytes);
    const hash = blockHash(block);
    if (!bytesEqual(hash, row.hash)) say(`block ${h}: stored hash is not the block's hash`);
    if (!bytesEqual(block.header.prevHash, prev)) say(`block ${h}: does not link to block ${h - 1}`);
    // Rewards and slashes as the node applied them: committees of this round and the parent's,
    // from the stake sets the re-executed state gives (workers/consensus/incentives.ts).
    const committees = new RoundCommittees(h, prevHeader.seed, setFor(h), genesis.params.consensus);
    const parent = h === 1 ? null : { committees: parentCommittees!, iteration: prevHeader.iteration };
    const result = await executeTransactions(state, block.transactions, {
      chainId: genesis.chainId,
      params: genesis.params.execution,
      verifier,
      block: { height: h, timestampMs: block.header.timestampMs },
      consensus: genesis.params.consensus,
      incentives: (fees) =>
        blockIncentives(block.header, block.faults, fees, committees, parent, genesis.devFund),
    });
    if (!bytesEqual(result.stateRoot, block.header.stateRoot))
      say(`block ${h}: re-executed state root differs`);
    if (result.gasUsed !== block.header.gasUsed) say(`block ${h}: re-executed gas used differs`);
    state.commit(result.overlay);
    sets.set(h + 1, eligibleProvisioners(stakeRecords(state), h + 1, genesis.params.consensus));
    sets.delete(h - 1);
    parentCommittees = committees;
    prevHeader = block.header;
    for (const f of block.faults) {
      const offender = f.kind === FaultKind.DoubleVote ? f.a.signer : f.a.generator;
      say(
        `block ${h}: proves ${FaultKind[f.kind]} by ${toHex(offender).slice(0, 16)}: a node signed twice for one slot`,
      );
    }
    const txIds = block.transactions.map(transactionIdHex);
    for (const id of txIds) {
      const at = store.getMeta(`tx/${id}`);
      const indexed =
        at === undefined ? -1 : Number(new DataView(at.buffer, at.byteOffset).getBigUint64(0, true));
      if (indexed !== h) say(`block ${h}: transaction ${id.slice(0, 16)} indexed at ${indexed}`);
    }
    blocks.set(h, {
      hash: toHex(hash),
      prevHash: toHex(block.header.prevHash),
      stateRoot: toHex(block.header.stateRoot),
      txIds,
    });
    if (row.label === Label.Final) {
      final.set(h, toHex(hash));
      finalized = h;
    }
    prev = row.hash;
  }
  checkSigningRecords(store, tip, say);
  if (!bytesEqual(state.root(), stored.root()))
    say(`stored accounts and entries do not hash to the re-derived root`);
  if (opened !== null && opened.finalizedHeight !== finalized) {
    say(`last-final record ${opened.finalizedHeight}, labels say ${finalized}`);
  }
  return { file, tip, finalized, final, blocks };
}

/** Records of workers/consensus/signing-guard.ts: `signed/<round:16>/<iteration:3>/<step>`. */
const SIGNED_PREFIX = "signed/";
const SIGNED_RECORD_BYTES = 32 + 96;
/** The guard keeps 8 rounds behind the current one; a crash between commit and prune adds one. */
const SIGNED_ROUNDS_KEPT = 8 + 1;

function checkSigningRecords(store: SqlChainStore, tip: number, say: (what: string) => void): void {
  for (const key of store.listMeta(SIGNED_PREFIX, 4_096)) {
    const round = Number(key.slice(SIGNED_PREFIX.length).split("/")[0]);
    const record = store.getMeta(key)!;
    if (record.length !== SIGNED_RECORD_BYTES) {
      say(`signing record ${key}: ${record.length} bytes, expected ${SIGNED_RECORD_BYTES}`);
      continue;
    }
    try {
      decodeSignature(record.subarray(32));
    } catch {
      say(`signing record ${key}: not a BLS signature`);
    }
    if (round > tip + 1) say(`signing record ${key}: round ${round} beyond the round after the tip ${tip}`);
    if (round < tip + 1 - SIGNED_ROUNDS_KEPT)
      say(`signing record ${key}: round ${round} should have been pruned`);
  }
}

function checkArchive(db: SqliteDb, nodes: readonly NodeCheck[], findings: string[]): number {
  const rows = db
    .prepare("SELECT height, hash, prev_hash, state_root, tx_count FROM blocks ORDER BY height")
    .all() as Array<{
    height: number;
    hash: string;
    prev_hash: string;
    state_root: string;
    tx_count: number;
  }>;
  const txRows = db.prepare("SELECT id, height FROM transactions ORDER BY height, position").all() as Array<{
    id: string;
    height: number;
  }>;
  const byHeight = new Map<number, string[]>();
  for (const t of txRows) byHeight.set(t.height, [...(byHeight.get(t.height) ?? []), t.id]);
  const say = (what: string) => findings.push(`archive: ${what}`);
  const top = rows.at(-1)?.height ?? 0;
  if (rows.length !== top) say(`holds ${rows.length} blocks up to height ${top}: heights are missing`);
  for (const r of rows) {
    const node = nodes.find((n) => n.final.has(r.height));
    if (node === undefined) {
      say(`block ${r.height} archived but final on no node`);
      continue;
    }
    const b = node.blocks.get(r.height)!;
    if (r.hash !== b.hash) say(`block ${r.height}: hash differs from the final block`);
    if (r.prev_hash !== b.prevHash) say(`block ${r.height}: parent differs`);
    if (r.state_root !== b.stateRoot) say(`block ${r.height}: state root differs`);
    if (r.tx_count !== b.txIds.length)
      say(`block ${r.height}: ${r.tx_count} transactions, block has ${b.txIds.length}`);
    const ids = byHeight.get(r.height) ?? [];
    if (ids.join() !== b.txIds.join()) say(`block ${r.height}: archived transaction ids differ`);
  }
  return rows.length;
}

/** Runs every check on a persisted devnet; the findings (empty when consistent) and a summary. */
export async function checkConsistency(
  stateDir: string,
  genesis: Genesis,
): Promise<{ findings: string[]; summary: string[] }> {
  const v3 = join(stateDir, "v3");
  const doDir = join(v3, "do");
  const nodeDirs = existsSync(doDir) ? readdirSync(doDir).filter((d) => d.endsWith("-NodeDO")) : [];
  const files = nodeDirs.flatMap((d) =>
    readdirSync(join(doDir, d))
      .filter((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite")
      .map((f) => join(doDir, d, f)),
  );
  if (files.length === 0) throw new Error(`no NodeDO state under ${doDir}`);
  const work = mkdtempSync(join(tmpdir(), "dusk-edge-consistency-"));
  const findings: string[] = [];
  const summary: string[] = [];
  try {
    const nodes: NodeCheck[] = [];
    for (const file of files) {
      const db = await openSqlite(copyDb(file, work));
      try {
        const n = await checkNode(genesis, file.slice(doDir.length + 1), db, findings);
        if (n !== null) nodes.push(n);
      } finally {
        db.close();
      }
    }
    for (const n of nodes)
      summary.push(`${n.file}: tip ${n.tip}, final ${n.finalized}, re-executed from genesis`);
    // Final means final everywhere: one block per height.
    const heights = new Set(nodes.flatMap((n) => [...n.final.keys()]));
    for (const h of heights) {
      const hashes = new Set(nodes.flatMap((n) => (n.final.has(h) ? [n.final.get(h)!] : [])));
      if (hashes.size > 1) findings.push(`final block ${h} differs between nodes`);
    }
    const d1Dir = join(v3, "d1", "miniflare-D1DatabaseObject");
    const d1 = existsSync(d1Dir)
      ? readdirSync(d1Dir).filter((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite")
      : [];
    for (const f of d1) {
      const db = await openSqlite(copyDb(join(d1Dir, f), work));
      try {
        const archived = checkArchive(db, nodes, findings);
        summary.push(`archive ${f.slice(0, 12)}: ${archived} final blocks checked`);
      } finally {
        db.close();
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return { findings, summary };
}

export function addConsistencyCommand(program: Command, setExit: (code: number) => void): void {
  program
    .command("consistency")
    .description(
      "re-derive a persisted devnet's chain from genesis and check it against stored roots and the archive",
    )
    .requiredOption("--state <dir>", "the wrangler dev --persist-to directory")
    .option("--config <file>", "wrangler config with the devnet vars", "wrangler.jsonc")
    .option("--nodes <n>", "DEVNET_NODES the devnet ran with (default: the config's)")
    .action(async (o: { state: string; config: string; nodes?: string }) => {
      try {
        const text = readFileSync(o.config, "utf8").replace(/^\s*\/\/.*$/gm, "");
        const vars: DevnetVars = { ...JSON.parse(text).vars, ...(o.nodes ? { DEVNET_NODES: o.nodes } : {}) };
        const { findings, summary } = await checkConsistency(
          o.state,
          devnetGenesis(devnetConfig(vars)).genesis,
        );
        for (const line of summary) process.stdout.write(`${line}\n`);
        for (const f of findings) process.stdout.write(`INCONSISTENT ${f}\n`);
        process.stdout.write(findings.length === 0 ? "consistent\n" : `${findings.length} finding(s)\n`);
        setExit(findings.length === 0 ? EXIT.ok : EXIT.negative);
      } catch (e) {
        process.stderr.write(`error: ${(e as Error).message}\n`);
        setExit(EXIT.error);
      }
    });
}
