// Numeric instructions against V8's native WebAssembly on random inputs (property test): every
// integer result and every non-NaN float result must be bit-identical; a NaN result must be a NaN
// in both and the canonical NaN in ours; a trap must be a trap in both. Floats cross the JS
// boundary as their bits (reinterpret inside the module), so NaN payloads are exercised too.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildModule } from "../../workers/executor/wasm/builder";
import { type FuncInst, type Value, WasmError, WasmVm } from "../../workers/executor/wasm/index";
import { F32, F64, I32, I64 } from "../../workers/executor/wasm/types";

type Sig = [number[], number];
const SIGS = new Map<number, Sig>();
const range = (from: number, to: number, sig: Sig): void => {
  for (let op = from; op <= to; op++) SIGS.set(op, sig);
};
range(0x45, 0x45, [[I32], I32]);
range(0x46, 0x4f, [[I32, I32], I32]);
range(0x50, 0x50, [[I64], I32]);
range(0x51, 0x5a, [[I64, I64], I32]);
range(0x5b, 0x60, [[F32, F32], I32]);
range(0x61, 0x66, [[F64, F64], I32]);
range(0x67, 0x69, [[I32], I32]);
range(0x6a, 0x78, [[I32, I32], I32]);
range(0x79, 0x7b, [[I64], I64]);
range(0x7c, 0x8a, [[I64, I64], I64]);
range(0x8b, 0x91, [[F32], F32]);
range(0x92, 0x98, [[F32, F32], F32]);
range(0x99, 0x9f, [[F64], F64]);
range(0xa0, 0xa6, [[F64, F64], F64]);
const CONV: [number, number, number][] = [
  [0xa7, I64, I32],
  [0xa8, F32, I32],
  [0xa9, F32, I32],
  [0xaa, F64, I32],
  [0xab, F64, I32],
  [0xac, I32, I64],
  [0xad, I32, I64],
  [0xae, F32, I64],
  [0xaf, F32, I64],
  [0xb0, F64, I64],
  [0xb1, F64, I64],
  [0xb2, I32, F32],
  [0xb3, I32, F32],
  [0xb4, I64, F32],
  [0xb5, I64, F32],
  [0xb6, F64, F32],
  [0xb7, I32, F64],
  [0xb8, I32, F64],
  [0xb9, I64, F64],
  [0xba, I64, F64],
  [0xbb, F32, F64],
  [0xc0, I32, I32],
  [0xc1, I32, I32],
  [0xc2, I64, I64],
  [0xc3, I64, I64],
  [0xc4, I64, I64],
];
for (const [op, a, b] of CONV) SIGS.set(op, [[a], b]);

const BITWISE = new Set([0x8b, 0x8c, 0x98, 0x99, 0x9a, 0xa6]);
const carrier = (t: number): number => (t === F32 ? I32 : t === F64 ? I64 : t);
const ops = [...SIGS.keys()];
const bytes = buildModule({
  types: ops.map((op) => {
    const [ins, out] = SIGS.get(op) as Sig;
    return [ins.map(carrier), [carrier(out)]];
  }),
  funcs: ops.map((op, i) => {
    const [ins, out] = SIGS.get(op) as Sig;
    const body: number[] = [];
    ins.forEach((t, k) => {
      body.push(0x20, k);
      if (t === F32) body.push(0xbe);
      if (t === F64) body.push(0xbf);
    });
    body.push(op);
    if (out === F32) body.push(0xbc);
    if (out === F64) body.push(0xbd);
    return { type: i, body };
  }),
  exports: ops.map((op, i) => ({ name: `op${op.toString(16)}`, kind: "func" as const, index: i })),
});

const isNanBits = (t: number, v: Value): boolean =>
  t === F32
    ? ((v as number) & 0x7f800000) === 0x7f800000 && ((v as number) & 0x7fffff) !== 0
    : (BigInt.asUintN(64, v as bigint) & 0x7ff0000000000000n) === 0x7ff0000000000000n &&
      (BigInt.asUintN(64, v as bigint) & 0xfffffffffffffn) !== 0n;

// Inputs biased to edges: special float bit patterns, powers of two, extremes.
const i32In = fc.oneof(
  fc.integer({ min: -2147483648, max: 2147483647 }),
  fc.constantFrom(
    0,
    1,
    -1,
    31,
    32,
    63,
    64,
    -2147483648,
    2147483647,
    0x7fc00000,
    0x7f800000,
    0xff800000 | 0,
    0x80000000 | 0,
    0x4f000000,
    0x5f000000,
  ),
);
const i64In = fc.oneof(
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  fc.constantFrom(
    0n,
    1n,
    -1n,
    63n,
    64n,
    -(2n ** 63n),
    2n ** 63n - 1n,
    0x7ff8000000000000n,
    0x7ff0000000000000n,
    0x43e0000000000000n,
    0x3ff0000000000000n,
    2n ** 53n + 1n,
    2n ** 24n + 1n,
  ),
);

describe("numeric instructions agree with native WebAssembly (property)", () => {
  it("on random and edge inputs for every plain numeric opcode", async () => {
    const native = (await WebAssembly.instantiate(bytes as BufferSource, {})) as unknown as {
      instance: { exports: Record<string, (...a: unknown[]) => unknown> };
    };
    const vm = new WasmVm();
    const inst = vm.instantiate(vm.compile(bytes), () => undefined);
    const arb = fc.tuple(fc.constantFrom(...ops), i32In, i32In, i64In, i64In);
    fc.assert(
      fc.property(arb, ([op, a32, b32, a64, b64]) => {
        const [ins, out] = SIGS.get(op) as Sig;
        const args: Value[] = ins.map((t, k) =>
          carrier(t) === I32 ? (k === 0 ? a32 : b32) : k === 0 ? a64 : b64,
        );
        const name = `op${op.toString(16)}`;
        let want: unknown;
        let nativeTrap = false;
        try {
          want = native.instance.exports[name]?.(...args);
        } catch {
          nativeTrap = true;
        }
        let got: Value | undefined;
        let ourTrap = false;
        try {
          got = vm.machine.invoke(inst.exports.get(name)?.value as FuncInst, args, 1000)[0];
        } catch (e) {
          if (!(e instanceof WasmError)) throw e;
          ourTrap = true;
        }
        expect(ourTrap, `${name}(${args}) trap`).toBe(nativeTrap);
        if (nativeTrap) return;
        // abs, neg, copysign are bit operations: exact bits even for NaNs; the rest canonicalize.
        if ((out === F32 || out === F64) && !BITWISE.has(op) && isNanBits(out, want as Value)) {
          expect(isNanBits(out, got as Value), `${name}(${args}) NaN`).toBe(true);
          if (out === F32) expect((got as number) >>> 0, `${name} canonical`).toBe(0x7fc00000);
          else expect(BigInt.asUintN(64, got as bigint), `${name} canonical`).toBe(0x7ff8000000000000n);
        } else expect(got, `${name}(${args})`).toEqual(want);
      }),
      { seed: 7, numRuns: 60_000 },
    );
  });
});
