// Poseidon (protocol/poseidon.ts) against circomlib: its own circuit's witness (circom2 + snarkjs)
// computed now for four arities and pinned for all sixteen, circomlibjs's vectors, the generated
// constants file, and the bounds.
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProtocolError } from "../../protocol/errors.js";
import { POSEIDON_MODULUS, poseidon, poseidonBytes } from "../../protocol/poseidon.js";
import { type PoseidonVector, poseidonCircuitVectors, releaseSnarkjs } from "../zk/fixtures.js";
import PINNED from "../zk/poseidon-circomlib-vectors.json" with { type: "json" };

let vectors: PoseidonVector[];
beforeAll(async () => {
  vectors = await poseidonCircuitVectors();
}, 240_000);
afterAll(async () => {
  await releaseSnarkjs();
});

const codeOf = (fn: () => unknown) => {
  try {
    fn();
    return null;
  } catch (e) {
    if (e instanceof ProtocolError) return e.code;
    throw e;
  }
};

describe("Poseidon (circomlib parameters)", () => {
  it("matches circomlib's Poseidon circuit, compiled and run now, for arities 1, 2, 3 and 16", () => {
    expect(vectors.map((v) => v.inputs.length)).toEqual([1, 2, 3, 16]);
    for (const v of vectors) {
      expect(poseidon(v.inputs.map(BigInt)).toString(), `arity ${v.inputs.length}`).toBe(v.hash);
    }
  });

  it("matches the pinned outputs of circomlib's circuit for every arity 1..16", () => {
    const pinned = PINNED.vectors;
    expect(pinned.map((v) => v.inputs.length)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    for (const v of pinned) {
      expect(poseidon(v.inputs.map(BigInt)).toString(), `arity ${v.inputs.length}`).toBe(v.hash);
    }
  });

  it("matches circomlibjs's published vectors", () => {
    // circomlibjs test/poseidon.js
    expect(poseidon([1n, 2n])).toBe(
      7853200120776062878684798364095072458815029376092732009249414926327459813530n,
    );
    expect(poseidon([1n])).toBe(
      18586133768512220936620570745912940619677854269274689475585506675881198879027n,
    );
  });

  it("bytes form: 32-byte big-endian elements in, 32-byte big-endian hash out", () => {
    const data = new Uint8Array(64);
    data[31] = 1;
    data[63] = 2;
    const out = poseidonBytes(data);
    expect(BigInt(`0x${Buffer.from(out).toString("hex")}`)).toBe(poseidon([1n, 2n]));
    expect(codeOf(() => poseidonBytes(new Uint8Array(33)))).toBe("POSEIDON_ARITY");
    expect(codeOf(() => poseidonBytes(new Uint8Array(0)))).toBe("POSEIDON_ARITY");
    expect(codeOf(() => poseidonBytes(new Uint8Array(32 * 17)))).toBe("POSEIDON_ARITY");
    expect(codeOf(() => poseidonBytes(new Uint8Array(32).fill(0xff)))).toBe("POSEIDON_INPUT_NOT_CANONICAL");
  });

  it("refuses 0 or 17 inputs and elements outside [0, r)", () => {
    expect(codeOf(() => poseidon([]))).toBe("POSEIDON_ARITY");
    expect(codeOf(() => poseidon(Array(17).fill(1n)))).toBe("POSEIDON_ARITY");
    expect(codeOf(() => poseidon([POSEIDON_MODULUS]))).toBe("POSEIDON_INPUT_NOT_CANONICAL");
    expect(codeOf(() => poseidon([-1n]))).toBe("POSEIDON_INPUT_NOT_CANONICAL");
    expect(poseidon([POSEIDON_MODULUS - 1n])).toBeLessThan(POSEIDON_MODULUS);
  });

  it("the committed constants file is what the generator makes from the installed circomlib", () => {
    const out = execFileSync(process.execPath, ["scripts/gen-poseidon-constants.mjs", "--check"], {
      encoding: "utf8",
    });
    expect(out).toContain("up to date");
  });
});
