/**
 * A wallet's view of the shielded pool (docs/SHIELDED.md, "Wallet"): it scans the node's note
 * index (GET /v1/shielded/notes), opens the notes encrypted to its view key, checks each against
 * its commitment, keeps every commitment to rebuild Merkle paths, and asks the node which of its
 * notes' nullifiers are spent. The scan position and the found notes are cached in a file beside
 * the keystore, so the next sync starts where the last one stopped; the file is written to a
 * temporary name and renamed, so a crash leaves the old cache, never half a new one.
 */

import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { fromHex, toHex } from "../../protocol/bytes.js";
import { noteCommitment, nullifier } from "../../protocol/notes.js";
import { bytesToBigint, fieldToBytes } from "../../protocol/shielded.js";
import { CliError, type NodeHttp } from "../context.js";
import type { ShieldedKeySet, ViewKey } from "./keys.js";
import { decryptNote } from "./note-crypto.js";

export interface OwnedNote {
  readonly position: number;
  readonly value: string;
  readonly blinding: string;
  readonly height: number;
  spent: boolean;
}

export interface ShieldedCache {
  readonly version: 1;
  /** The genesis the cache belongs to: a cache of another chain is discarded. */
  genesis: string;
  /** Every commitment in tree order (hex), so paths can be rebuilt. */
  commitments: string[];
  notes: OwnedNote[];
}

const PAGE = 1_000;
const NULLIFIER_BATCH = 256;

export function loadCache(path: string, genesis: string): ShieldedCache {
  if (existsSync(path)) {
    const cache = JSON.parse(readFileSync(path, "utf8")) as ShieldedCache;
    if (cache.version === 1 && cache.genesis === genesis) return cache;
  }
  return { version: 1, genesis, commitments: [], notes: [] };
}

export function saveCache(path: string, cache: ShieldedCache): void {
  writeFileSync(`${path}.tmp`, JSON.stringify(cache));
  renameSync(`${path}.tmp`, path);
}

interface NotesPage {
  count: number;
  next: number;
  complete: boolean;
  notes: Array<{ position: number; commitment: string; encryptedNote: string; height: number }>;
}

/**
 * Scans new notes into `cache`; `progress(scanned, total)` after each page. Ends at the note
 * count of the last page, which is always a block boundary, so the rebuilt root is one the chain
 * recorded (protocol/shielded-state.ts).
 */
export async function syncNotes(
  node: NodeHttp,
  view: ViewKey,
  cache: ShieldedCache,
  progress: (scanned: number, total: number) => void,
): Promise<void> {
  for (;;) {
    const from = cache.commitments.length;
    const page = await node.ok<NotesPage>(`/v1/shielded/notes?from=${from}&limit=${PAGE}`);
    if (page.count < from) {
      // The chain has fewer notes than we scanned (a reset devnet or a fork): start over.
      cache.commitments = [];
      cache.notes = [];
      continue;
    }
    for (const n of page.notes) {
      if (n.position !== cache.commitments.length) {
        throw new CliError("NODE_BAD_ANSWER", `note index gap at position ${cache.commitments.length}`);
      }
      cache.commitments.push(n.commitment);
      const opened = decryptNote(fromHex(n.encryptedNote, undefined, "encrypted note"), view.viewSecret);
      // Not ours, or worth nothing (the filler output of a withdrawal): nothing to keep.
      if (opened === null || opened.value === 0n) continue;
      const blinding = bytesToBigint(opened.blinding);
      if (
        noteCommitment(opened.value, view.ownerKey, blinding) !==
        bytesToBigint(fromHex(n.commitment, 32, "c"))
      ) {
        continue; // decrypts but commits to something else: not a note we can spend
      }
      cache.notes.push({
        position: n.position,
        value: String(opened.value),
        blinding: toHex(opened.blinding),
        height: n.height,
        spent: false,
      });
    }
    progress(cache.commitments.length, page.count);
    if (page.complete || page.notes.length === 0) return;
  }
}

/** Marks the cache's notes whose nullifiers the chain has spent (needs the spend secret). */
export async function refreshSpent(
  node: NodeHttp,
  keys: ShieldedKeySet,
  cache: ShieldedCache,
): Promise<void> {
  const open = cache.notes.filter((n) => !n.spent);
  for (let i = 0; i < open.length; i += NULLIFIER_BATCH) {
    const batch = open.slice(i, i + NULLIFIER_BATCH);
    const hexes = batch.map((n) => toHex(fieldToBytes(nullifier(keys.spendSecret, n.position))));
    const r = await node.ok<{ spent: Record<string, boolean> }>("/v1/shielded/nullifiers", {
      method: "POST",
      body: { nullifiers: hexes },
    });
    batch.forEach((n, j) => {
      n.spent = r.spent[hexes[j]!] === true;
    });
  }
}

export function unspent(cache: ShieldedCache): OwnedNote[] {
  return cache.notes.filter((n) => !n.spent);
}

export function balanceOf(notes: readonly OwnedNote[]): bigint {
  return notes.reduce((sum, n) => sum + BigInt(n.value), 0n);
}
