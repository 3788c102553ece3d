// Shielded notes: protocol/notes.ts (tree, commitments, nullifiers) and circuits/notes.circom
// compiled by circom2 at a small tree depth; witnesses computed by snarkjs from values our TS
// computes, and checked against the r1cs. Honest transfers satisfy every constraint; each kind of
// cheating makes the witness calculator fail an assertion.

import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NoteTree, noteCommitment, nullifier, ownerKey, rootFromPath } from "../../protocol/notes.js";
import { poseidon } from "../../protocol/poseidon.js";
import { notesCircuit, releaseSnarkjs, snarkjs, ZK_CACHE } from "../zk/fixtures.js";

const DEPTH = 4;
const TRANSFER_MAIN = `pragma circom 2.0.0;
include "notes.circom";
component main {public [root, nullifiers, outCommitments, fee, withdrawal, binding]} = Transfer(${DEPTH});
`;
const DEPOSIT_MAIN = `pragma circom 2.0.0;
include "notes.circom";
component main {public [commitment, value]} = Deposit();
`;

let transfer: { r1cs: string; wasm: string };
let deposit: { r1cs: string; wasm: string };
beforeAll(async () => {
  transfer = await notesCircuit(TRANSFER_MAIN);
  deposit = await notesCircuit(DEPOSIT_MAIN);
}, 240_000);
afterAll(async () => {
  await releaseSnarkjs();
});

/** Calculates the witness and checks it against the r1cs; resolves true, or false if anything fails. */
async function satisfies(
  circuit: { r1cs: string; wasm: string },
  input: Record<string, unknown>,
): Promise<boolean> {
  const s = await snarkjs();
  const file = join(ZK_CACHE, `notes-wtns-${process.pid}-${Math.floor(Math.random() * 1e9)}.wtns`);
  const quiet = { debug() {}, info() {}, warn() {}, error() {} };
  // The witness calculator prints the failed assertion; the test only wants the verdict.
  const error = console.error;
  const log = console.log;
  console.error = () => {};
  console.log = () => {};
  try {
    try {
      await s.wtns.calculate(input, circuit.wasm, file);
    } catch {
      return false;
    } finally {
      console.error = error;
      console.log = log;
    }
    return (await s.wtns.check(circuit.r1cs, file, quiet)) === true;
  } finally {
    rmSync(file, { force: true });
  }
}

const str = (v: unknown): unknown =>
  Array.isArray(v) ? v.map(str) : typeof v === "bigint" || typeof v === "number" ? String(v) : v;

function honestTransfer() {
  const tree = new NoteTree(DEPTH);
  const alice = 0x1234567n;
  const bob = 0x7654321n;
  // some other notes first, so positions are not zero
  for (let i = 0; i < 3; i++) tree.append(noteCommitment(BigInt(i), ownerKey(99n), 5n));
  const notes = [
    { value: 700n, secret: alice, blinding: 11n },
    { value: 300n, secret: alice, blinding: 12n },
  ].map((n) => ({ ...n, position: tree.append(noteCommitment(n.value, ownerKey(n.secret), n.blinding)) }));
  const outs = [
    { value: 900n, owner: ownerKey(bob), blinding: 21n },
    { value: 60n, owner: ownerKey(alice), blinding: 22n },
  ];
  const paths = notes.map((n) => tree.path(n.position));
  return {
    root: tree.root(),
    nullifiers: notes.map((n) => nullifier(n.secret, n.position)),
    outCommitments: outs.map((o) => noteCommitment(o.value, o.owner, o.blinding)),
    fee: 15n,
    withdrawal: 25n,
    binding: 0xabcdefn,
    inValue: notes.map((n) => n.value),
    inSecret: notes.map((n) => n.secret),
    inBlinding: notes.map((n) => n.blinding),
    inPathBits: paths.map((p) => p.pathBits),
    inSiblings: paths.map((p) => p.siblings),
    outValue: outs.map((o) => o.value),
    outOwnerKey: outs.map((o) => o.owner),
    outBlinding: outs.map((o) => o.blinding),
  };
}

describe("note tree (protocol/notes.ts)", () => {
  it("matches a tree computed level by level, and every path leads to the root", () => {
    const tree = new NoteTree(DEPTH);
    const leaves = Array.from({ length: 11 }, (_, i) => poseidon([BigInt(i + 1)]));
    for (const l of leaves) tree.append(l);
    let level = [...leaves, ...Array(2 ** DEPTH - leaves.length).fill(0n)];
    while (level.length > 1) {
      const next: bigint[] = [];
      for (let i = 0; i < level.length; i += 2) next.push(poseidon([level[i]!, level[i + 1]!]));
      level = next;
    }
    expect(tree.root()).toBe(level[0]);
    leaves.forEach((l, i) => {
      expect(rootFromPath(l, tree.path(i))).toBe(level[0]);
    });
    expect(() => tree.path(11)).toThrow(RangeError);
  });

  it("a full tree refuses another note; depth 20 roots stay cheap", () => {
    const small = new NoteTree(2);
    for (let i = 0; i < 4; i++) small.append(BigInt(i));
    expect(() => small.append(5n)).toThrow(/full/);
    const big = new NoteTree(20);
    const empty = big.root();
    big.append(1n);
    expect(big.root()).not.toBe(empty);
    expect(big.path(0).siblings).toHaveLength(20);
  });

  it("note values must fit 64 bits", () => {
    expect(() => noteCommitment(1n << 64n, 1n, 1n)).toThrow(/2\^64/);
    expect(() => noteCommitment(-1n, 1n, 1n)).toThrow(/2\^64/);
  });
});

describe("circuits/notes.circom (depth 4, witness + r1cs check)", () => {
  it("an honest transfer (2 in, 2 out, fee, withdrawal) satisfies every constraint", async () => {
    expect(await satisfies(transfer, str(honestTransfer()) as Record<string, unknown>)).toBe(true);
  });

  it("cheating fails: wrong nullifier, inflation, foreign note, wrong owner, out-of-range value", async () => {
    const base = honestTransfer();
    const cases: [string, Record<string, unknown>][] = [
      [
        "nullifier of another position",
        { ...base, nullifiers: [nullifier(base.inSecret[0]!, 0), base.nullifiers[1]] },
      ],
      ["more out than in", { ...base, outValue: [901n, 60n] }],
      ["a note not in the tree", { ...base, inBlinding: [999n, base.inBlinding[1]] }],
      ["someone else's secret", { ...base, inSecret: [0x42n, base.inSecret[1]] }],
      ["wrong root", { ...base, root: base.root + 1n }],
      [
        "output commitment not matching its value",
        { ...base, outCommitments: [base.outCommitments[1], base.outCommitments[0]] },
      ],
    ];
    for (const [name, input] of cases) {
      expect(await satisfies(transfer, str(input) as Record<string, unknown>), name).toBe(false);
    }
    // A 2^64 + x output balanced by a negative (huge) other output is caught by the range checks.
    const r = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
    const wrap = {
      ...base,
      outValue: [(1n << 64n) + 900n, r - (1n << 64n) + 60n],
    };
    wrap.outCommitments = wrap.outValue.map((v, i) =>
      poseidon([v % r, base.outOwnerKey[i]!, base.outBlinding[i]!]),
    );
    expect(await satisfies(transfer, str(wrap) as Record<string, unknown>), "wrap-around").toBe(false);
  });

  it("a zero-value input needs no membership (spending one real note)", async () => {
    const base = honestTransfer();
    const dummy = {
      ...base,
      inValue: [base.inValue[0], 0n],
      inBlinding: [base.inBlinding[0], 77n],
      inSiblings: [base.inSiblings[0], Array(DEPTH).fill(5n)],
      nullifiers: [base.nullifiers[0], nullifier(base.inSecret[1]!, 0b1111)],
      inPathBits: [base.inPathBits[0], Array(DEPTH).fill(1)],
      outValue: [600n, 60n],
    };
    dummy.outCommitments = dummy.outValue.map((v, i) =>
      noteCommitment(v, base.outOwnerKey[i]!, base.outBlinding[i]!),
    );
    expect(await satisfies(transfer, str(dummy) as Record<string, unknown>)).toBe(true);
  });

  it("deposit: the commitment must commit to the public value", async () => {
    const owner = ownerKey(7n);
    const ok = { commitment: noteCommitment(500n, owner, 3n), value: 500n, ownerKey: owner, blinding: 3n };
    expect(await satisfies(deposit, str(ok) as Record<string, unknown>)).toBe(true);
    expect(await satisfies(deposit, str({ ...ok, value: 501n }) as Record<string, unknown>)).toBe(false);
  });
});
