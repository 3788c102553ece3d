import { describe, expect, it } from "vitest";
import { toHex } from "../../protocol/bytes.js";
import { NoteTree } from "../../protocol/notes.js";
import { fieldToBytes } from "../../protocol/shielded.js";
import {
  appendNote,
  EMPTY_NOTE_ROOT,
  isNullifierSpent,
  isRecentRoot,
  noteCount,
  noteRoot,
  RECENT_ROOTS,
  recordRoot,
  spendNullifier,
} from "../../protocol/shielded-state.js";
import { AccountState, StateOverlay } from "../../protocol/state.js";

describe("shielded state: the note tree kept as a frontier", () => {
  it("has the root of protocol/notes.ts's full tree after every append", () => {
    const state = new StateOverlay(AccountState.from([]));
    const tree = new NoteTree();
    expect(noteRoot(state)).toBe(tree.root());
    expect(noteRoot(state)).toBe(EMPTY_NOTE_ROOT);
    // 70 appends cross several carries (positions 1, 3, 7, 15, 31, 63 complete subtrees).
    for (let i = 0; i < 70; i++) {
      const leaf = BigInt(i * 7919 + 1);
      expect(appendNote(state, leaf)).toBe(tree.append(leaf));
      expect(noteRoot(state)).toBe(tree.root());
    }
    expect(noteCount(state)).toBe(70);
  });

  it("commits the tree, roots and nullifiers to the state root, and undoes with the overlay", () => {
    const base = AccountState.from([]);
    const empty = base.root();
    const block = new StateOverlay(base);
    appendNote(block, 5n);
    const root = recordRoot(block);
    spendNullifier(block, fieldToBytes(9n), 3);
    expect(toHex(base.rootWith(block))).not.toBe(toHex(empty));
    // Nothing reached the committed state until the block commits.
    expect(isRecentRoot(base, root)).toBe(false);
    base.commit(block);
    expect(isRecentRoot(base, root)).toBe(true);
    expect(isNullifierSpent(base, fieldToBytes(9n))).toBe(true);
    expect(isNullifierSpent(base, fieldToBytes(10n))).toBe(false);
  });

  it(`keeps exactly the last ${RECENT_ROOTS} recorded roots valid`, () => {
    const state = new StateOverlay(AccountState.from([]));
    const roots: Uint8Array[] = [];
    for (let i = 0; i < RECENT_ROOTS + 2; i++) {
      appendNote(state, BigInt(i + 1));
      roots.push(recordRoot(state));
    }
    expect(isRecentRoot(state, roots[0]!)).toBe(false);
    expect(isRecentRoot(state, roots[1]!)).toBe(false);
    expect(isRecentRoot(state, roots[2]!)).toBe(true);
    expect(isRecentRoot(state, roots[roots.length - 1]!)).toBe(true);
    // Recording the same root twice (a block without notes would not) keeps one slot.
    expect(recordRoot(state)).toEqual(roots[roots.length - 1]);
    expect(isRecentRoot(state, roots[2]!)).toBe(true);
  });
});
