/**
 * The chain's shielded state, kept in the key-value part of the ledger state (state.ts), so the
 * state root commits to it and fork-choice undo records cover it:
 *
 *   0x10                 → u64 number of notes in the tree
 *   0x11 ‖ u8 level      → the tree's frontier: the last left node completed at `level`
 *   0x12 ‖ root          → u64 slot of a recent valid root (present = the root is accepted)
 *   0x13 ‖ u16 slot      → the root held by a ring slot (the ring evicts the oldest root)
 *   0x14                 → u64 number of roots ever recorded (next slot = count mod ring size)
 *   0x15 ‖ nullifier     → u64 height at which the nullifier was spent (the nullifier set)
 *
 * The tree is the append-only Poseidon tree of protocol/notes.ts (depth 20, empty leaves 0): with
 * the frontier an append costs `depth` Poseidon hashes and the state holds O(depth) nodes, not
 * the leaves (wallets rebuild paths from the note index the node keeps beside the chain).
 * A root is recorded once per block that added notes; proofs may use any of the last
 * RECENT_ROOTS recorded roots, so a wallet's proof stays valid while it is being made and sent.
 */

import { Reader, Writer } from "./codec.js";
import { ProtocolError } from "./errors.js";
import { NOTE_TREE_DEPTH } from "./notes.js";
import { poseidon } from "./poseidon.js";
import { bytesToBigint, fieldToBytes } from "./shielded.js";
import type { StateOverlay, StateReader } from "./state.js";

/** How many recorded roots stay valid (one per block that added notes). */
export const RECENT_ROOTS = 256;

const NOTE_COUNT = Uint8Array.of(0x10);
const FRONTIER = 0x11;
const ROOT_SLOT = 0x12;
const RING = 0x13;
const ROOT_COUNT = Uint8Array.of(0x14);
const NULLIFIER = 0x15;

const ZEROS: bigint[] = (() => {
  const z = [0n];
  for (let i = 0; i < NOTE_TREE_DEPTH; i++) z.push(poseidon([z[i]!, z[i]!]));
  return z;
})();

/** Root of the empty note tree. */
export const EMPTY_NOTE_ROOT: bigint = ZEROS[NOTE_TREE_DEPTH]!;

function key(prefix: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(1 + body.length);
  out[0] = prefix;
  out.set(body, 1);
  return out;
}

const u64 = (n: number) => new Writer(8).u64(BigInt(n)).finish();
const readU64 = (bytes: Uint8Array | undefined) =>
  bytes === undefined ? 0 : Number(new Reader(bytes).u64("shielded counter"));

export function noteCount(state: StateReader): number {
  return readU64(state.getEntry(NOTE_COUNT));
}

export function isNullifierSpent(state: StateReader, nullifier: Uint8Array): boolean {
  return state.getEntry(key(NULLIFIER, nullifier)) !== undefined;
}

export function isRecentRoot(state: StateReader, root: Uint8Array): boolean {
  return state.getEntry(key(ROOT_SLOT, root)) !== undefined;
}

/** Current root of the note tree (recomputed from the frontier: `depth` hashes). */
export function noteRoot(state: StateReader): bigint {
  const count = noteCount(state);
  if (count === 0) return EMPTY_NOTE_ROOT;
  // The last leaf's path: at each level, a right child hashes the frontier node on its left.
  let node = ZEROS[0]!;
  let index = count; // position of the next leaf; the tree is the path of an empty leaf there
  for (let level = 0; level < NOTE_TREE_DEPTH; level++) {
    node = index & 1 ? poseidon([frontier(state, level), node]) : poseidon([node, ZEROS[level]!]);
    index >>= 1;
  }
  return node;
}

function frontier(state: StateReader, level: number): bigint {
  const bytes = state.getEntry(key(FRONTIER, Uint8Array.of(level)));
  return bytes === undefined ? ZEROS[level]! : bytesToBigint(bytes);
}

/** Appends a note commitment; returns its position. */
export function appendNote(state: StateOverlay, commitment: bigint): number {
  const position = noteCount(state);
  if (position >= 2 ** NOTE_TREE_DEPTH) {
    throw new ProtocolError("NOTE_TREE_FULL", `note tree of depth ${NOTE_TREE_DEPTH} is full`, {
      depth: NOTE_TREE_DEPTH,
    });
  }
  // Walk up while the node is a right child; the first left child becomes the frontier of its
  // level (its right sibling is still empty), which is all a later append needs.
  let node = commitment;
  let index = position;
  let level = 0;
  while (index & 1) {
    node = poseidon([frontier(state, level), node]);
    index >>= 1;
    level++;
  }
  state.setEntry(key(FRONTIER, Uint8Array.of(level)), fieldToBytes(node));
  state.setEntry(NOTE_COUNT, u64(position + 1));
  return position;
}

/** Records the current root as valid (at the end of a block that added notes). */
export function recordRoot(state: StateOverlay): Uint8Array {
  const root = fieldToBytes(noteRoot(state));
  if (isRecentRoot(state, root)) return root;
  const count = readU64(state.getEntry(ROOT_COUNT));
  const slot = new Writer(2).u16(count % RECENT_ROOTS).finish();
  const evicted = state.getEntry(key(RING, slot));
  if (evicted !== undefined) state.setEntry(key(ROOT_SLOT, evicted), null);
  state.setEntry(key(RING, slot), root);
  state.setEntry(key(ROOT_SLOT, root), u64(count));
  state.setEntry(ROOT_COUNT, u64(count + 1));
  return root;
}

export function spendNullifier(state: StateOverlay, nullifier: Uint8Array, height: number): void {
  state.setEntry(key(NULLIFIER, nullifier), u64(height));
}
