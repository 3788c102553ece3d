/**
 * Shielded notes outside the circuit (circuits/notes.circom computes the same values inside):
 *
 *   owner key  = Poseidon(secret)
 *   commitment = Poseidon(value, owner key, blinding), value < 2^64
 *   nullifier  = Poseidon(secret, position)
 *   note tree  = binary Merkle tree of Poseidon(left, right), empty leaves 0, depth 20
 *
 * `NoteTree` is an append-only tree that stores only the non-empty nodes (empty subtrees are the
 * precomputed zero hashes), so memory grows with the notes, not with 2^depth.
 */

import { ProtocolError } from "./errors.js";
import { poseidon } from "./poseidon.js";

export const NOTE_TREE_DEPTH = 20;
export const NOTE_VALUE_MAX = (1n << 64n) - 1n;

export function ownerKey(secret: bigint): bigint {
  return poseidon([secret]);
}

export function noteCommitment(value: bigint, owner: bigint, blinding: bigint): bigint {
  if (value < 0n || value > NOTE_VALUE_MAX) {
    throw new ProtocolError("TX_AMOUNT_INVALID", "note value must be in [0, 2^64)", {
      value: value.toString(),
    });
  }
  return poseidon([value, owner, blinding]);
}

export function nullifier(secret: bigint, position: number): bigint {
  return poseidon([secret, BigInt(position)]);
}

export interface MerklePath {
  /** Bit i: whether the node at level i is a right child (the leaf index, least significant first). */
  readonly pathBits: number[];
  readonly siblings: bigint[];
}

export class NoteTree {
  readonly depth: number;
  /** zeros[i]: the root of an empty subtree of height i. */
  private readonly zeros: bigint[];
  /** levels[i]: the non-empty nodes of level i (0 = leaves) by index. */
  private readonly levels: Map<number, bigint>[];
  private count = 0;

  constructor(depth = NOTE_TREE_DEPTH) {
    if (!Number.isInteger(depth) || depth < 1 || depth > 32) throw new RangeError("depth must be 1..32");
    this.depth = depth;
    this.zeros = [0n];
    for (let i = 0; i < depth; i++) this.zeros.push(poseidon([this.zeros[i]!, this.zeros[i]!]));
    this.levels = Array.from({ length: depth + 1 }, () => new Map<number, bigint>());
  }

  get size(): number {
    return this.count;
  }

  /** Appends a commitment and returns its position. */
  append(leaf: bigint): number {
    if (this.count >= 2 ** this.depth) {
      throw new ProtocolError("NOTE_TREE_FULL", `note tree of depth ${this.depth} is full`, {
        depth: this.depth,
      });
    }
    const position = this.count++;
    let index = position;
    let node = leaf;
    this.levels[0]!.set(index, node);
    for (let level = 0; level < this.depth; level++) {
      const sibling = this.node(level, index ^ 1);
      node = index & 1 ? poseidon([sibling, node]) : poseidon([node, sibling]);
      index >>= 1;
      this.levels[level + 1]!.set(index, node);
    }
    return position;
  }

  root(): bigint {
    return this.node(this.depth, 0);
  }

  path(position: number): MerklePath {
    if (!Number.isInteger(position) || position < 0 || position >= this.count) {
      throw new RangeError(`no note at position ${position}`);
    }
    const pathBits: number[] = [];
    const siblings: bigint[] = [];
    let index = position;
    for (let level = 0; level < this.depth; level++) {
      pathBits.push(index & 1);
      siblings.push(this.node(level, index ^ 1));
      index >>= 1;
    }
    return { pathBits, siblings };
  }

  private node(level: number, index: number): bigint {
    return this.levels[level]!.get(index) ?? this.zeros[level]!;
  }
}

/** Root from a leaf and its path, as the circuit's MerkleRoot computes it. */
export function rootFromPath(leaf: bigint, path: MerklePath): bigint {
  let node = leaf;
  path.siblings.forEach((sibling, i) => {
    node = path.pathBits[i] ? poseidon([sibling, node]) : poseidon([node, sibling]);
  });
  return node;
}
