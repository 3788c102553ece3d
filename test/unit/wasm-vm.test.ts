// Decoder, validator and interpreter units of the WASM VM (workers/executor/wasm).
import { describe, expect, it } from "vitest";
import { buildModule, sleb } from "../../workers/executor/wasm/builder";
import { type FuncInst, SUSPEND, type Value, WasmError, WasmVm } from "../../workers/executor/wasm/index";
import { f64ToBits } from "../../workers/executor/wasm/numeric";
import { F32, F64, I32, I64 } from "../../workers/executor/wasm/types";

const GAS = 1_000_000;

function run(bytes: Uint8Array, name: string, args: Value[], vm = new WasmVm()): Value[] {
  const inst = vm.instantiate(vm.compile(bytes), () => undefined);
  return vm.call(inst, name, args, GAS);
}

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof WasmError) return e.code;
    throw e;
  }
  return "no error";
}

const binop = (params: number[], result: number, op: number[]): Uint8Array =>
  buildModule({
    types: [[params, [result]]],
    funcs: [{ type: 0, body: [0x20, 0, 0x20, 1, ...op] }],
    exports: [{ name: "f", kind: "func", index: 0 }],
  });

describe("wasm decoder", () => {
  it("rejects a bad magic, a bad version and truncated sections as MALFORMED", () => {
    const vm = new WasmVm();
    expect(codeOf(() => vm.compile(Uint8Array.from([0, 0x61, 0x73, 0x6e, 1, 0, 0, 0])))).toBe("MALFORMED");
    expect(codeOf(() => vm.compile(Uint8Array.from([0, 0x61, 0x73, 0x6d, 2, 0, 0, 0])))).toBe("MALFORMED");
    expect(codeOf(() => vm.compile(Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 5, 1])))).toBe(
      "MALFORMED",
    );
  });
  it("accepts the empty module", () => {
    expect(new WasmVm().compile(Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0])).bodies).toEqual([]);
  });
});

describe("wasm validator", () => {
  it("rejects a type mismatch as INVALID", () => {
    const bad = buildModule({ types: [[[], [I32]]], funcs: [{ type: 0, body: [0x42, 0] }] });
    expect(codeOf(() => new WasmVm().compile(bad))).toBe("INVALID");
  });
  it("rejects an unknown local and a branch to an unknown label", () => {
    const vm = new WasmVm();
    expect(
      codeOf(() =>
        vm.compile(buildModule({ types: [[[], []]], funcs: [{ type: 0, body: [0x20, 3, 0x1a] }] })),
      ),
    ).toBe("INVALID");
    expect(
      codeOf(() => vm.compile(buildModule({ types: [[[], []]], funcs: [{ type: 0, body: [0x0c, 1] }] }))),
    ).toBe("INVALID");
  });
});

describe("wasm interpreter", () => {
  it("adds i32 with wrap-around and i64 as BigInt", () => {
    expect(run(binop([I32, I32], I32, [0x6a]), "f", [0x7fffffff, 1])).toEqual([-2147483648]);
    expect(run(binop([I64, I64], I64, [0x7e]), "f", [2n ** 62n, 4n])).toEqual([0n]);
  });
  it("traps on integer division by zero and overflow with codes", () => {
    const div = binop([I32, I32], I32, [0x6d]);
    expect(codeOf(() => run(div, "f", [1, 0]))).toBe("TRAP_DIVIDE_BY_ZERO");
    expect(codeOf(() => run(div, "f", [-2147483648, -1]))).toBe("TRAP_INTEGER_OVERFLOW");
  });
  it("produces the canonical NaN for arithmetic NaNs (f32 bits and f64)", () => {
    // f32: 0/0 -> 0x7fc00000 (positive, quiet, no payload) whatever the host produced.
    const [r32] = run(binop([F32, F32], F32, [0x95]), "f", [0, 0]);
    expect((r32 as number) >>> 0).toBe(0x7fc00000);
    const [r64] = run(binop([F64, F64], F64, [0xa1]), "f", [
      Number.POSITIVE_INFINITY,
      Number.POSITIVE_INFINITY,
    ]);
    expect(BigInt.asUintN(64, f64ToBits(r64 as number))).toBe(0x7ff8000000000000n);
  });
  it("runs recursion on its own stacks (fib 20) and counts gas deterministically", () => {
    // fib(n) = n < 2 ? n : fib(n-1) + fib(n-2)
    const bytes = buildModule({
      types: [[[I32], [I32]]],
      funcs: [
        {
          type: 0,
          body: [
            0x20,
            0,
            0x41,
            2,
            0x48,
            0x04,
            I32,
            0x20,
            0,
            0x05,
            0x20,
            0,
            0x41,
            1,
            0x6b,
            0x10,
            0,
            0x20,
            0,
            0x41,
            2,
            0x6b,
            0x10,
            0,
            0x6a,
            0x0b,
          ],
        },
      ],
      exports: [{ name: "fib", kind: "func", index: 0 }],
    });
    const vm = new WasmVm();
    const inst = vm.instantiate(vm.compile(bytes), () => undefined);
    const a = vm.machine.start(inst.exports.get("fib")?.value as FuncInst, [20], 10_000_000);
    const b = vm.machine.start(inst.exports.get("fib")?.value as FuncInst, [20], 10_000_000);
    expect(a.status === "done" && a.results).toEqual([6765]);
    expect(a.gasLeft).toBe(b.gasLeft);
    expect(a.gasLeft).toBeLessThan(10_000_000);
  });
  it("loads and stores within memory and traps out of bounds", () => {
    const bytes = buildModule({
      types: [[[I32, I32], [I32]]],
      funcs: [{ type: 0, body: [0x20, 0, 0x20, 1, 0x36, 2, 0, 0x20, 0, 0x28, 2, 0] }],
      memory: { min: 1 },
      exports: [{ name: "rw", kind: "func", index: 0 }],
    });
    expect(run(bytes, "rw", [100, 42])).toEqual([42]);
    expect(codeOf(() => run(bytes, "rw", [65533, 1]))).toBe("TRAP_MEMORY_OUT_OF_BOUNDS");
  });
  it("checks call_indirect signatures and null entries", () => {
    const bytes = buildModule({
      types: [
        [[], [I32]],
        [[I32], [I32]],
      ],
      funcs: [
        { type: 0, body: [0x41, ...sleb(7)] },
        { type: 1, body: [0x20, 0, 0x11, 0, 0] },
        { type: 1, body: [0x41, 0, 0x20, 0, 0x11, 1, 0] },
      ],
      table: { min: 2 },
      elems: [{ offset: 0, funcs: [0] }],
      exports: [
        { name: "ok", kind: "func", index: 1 },
        { name: "wrong", kind: "func", index: 2 },
      ],
    });
    expect(run(bytes, "ok", [0])).toEqual([7]);
    expect(codeOf(() => run(bytes, "wrong", [0]))).toBe("TRAP_INDIRECT_CALL_TYPE");
    expect(codeOf(() => run(bytes, "ok", [1]))).toBe("TRAP_UNINITIALIZED_ELEMENT");
    expect(codeOf(() => run(bytes, "ok", [5]))).toBe("TRAP_UNINITIALIZED_ELEMENT");
  });
  it("pauses at a host call that suspends and resumes with its result", () => {
    const bytes = buildModule({
      types: [[[I32], [I32]]],
      imports: [{ module: "env", name: "ask", type: 0 }],
      funcs: [{ type: 0, body: [0x20, 0, 0x10, 0, 0x41, 1, 0x6a] }],
      exports: [{ name: "f", kind: "func", index: 1 }],
    });
    const vm = new WasmVm();
    const ask: FuncInst = {
      kind: "host",
      type: { params: [I32], results: [I32], key: `${I32}>${I32}` },
      call: () => SUSPEND,
    };
    const inst = vm.instantiate(vm.compile(bytes), (m, n) =>
      m === "env" && n === "ask" ? { kind: "func", value: ask } : undefined,
    );
    const f = inst.exports.get("f")?.value as FuncInst;
    const first = vm.machine.start(f, [5], GAS);
    expect(first.status).toBe("suspended");
    if (first.status !== "suspended") return;
    expect(first.args).toEqual([5]);
    const done = vm.machine.resume([41]);
    expect(done.status === "done" && done.results).toEqual([42]);
  });
  it("caches compiled modules by code hash", () => {
    const vm = new WasmVm();
    const bytes = binop([I32, I32], I32, [0x6a]);
    expect(vm.compile(bytes, "h1")).toBe(vm.compile(bytes, "h1"));
  });
});

describe("wasm superinstructions agree with V8's native WebAssembly (property)", () => {
  // Each export computes `(local.get 0) (i32.const C) OP`, fused into an op with an immediate,
  // and `(local.get 0) (local.get 1) OP`, fused into LGET2; the eqz+br_if pair is fused too.
  const ops = [
    0x6a, 0x6b, 0x6c, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x46, 0x47, 0x48, 0x49, 0x4a,
  ];
  const consts = [0, 1, 31, 32, -1, -2147483648, 2147483647, 0x5bd1e995 | 0];
  const funcs: { type: number; body: number[] }[] = [];
  for (const op of ops) {
    for (const c of consts) funcs.push({ type: 0, body: [0x20, 0, 0x41, ...sleb(c), op] });
    funcs.push({ type: 0, body: [0x20, 0, 0x20, 1, op] });
    // (i32.const 3) (local.get 0) add (local.get 1) OP: the local operand forms (OPL)
    funcs.push({ type: 0, body: [0x41, 3, 0x20, 0, 0x6a, 0x20, 1, op] });
    // (local.get 0) (local.get 1) OP (local.set 1) (local.get 1): OP_SET forms
    funcs.push({ type: 0, body: [0x20, 0, 0x20, 1, op, 0x21, 1, 0x20, 1] });
  }
  // local.get 0; i32.const c; i32.add/sub; local.set 1; local.get 1: LOCAL_ADDK_SET
  for (const c of consts)
    for (const op of [0x6a, 0x6b])
      funcs.push({ type: 0, body: [0x20, 0, 0x41, ...sleb(c), op, 0x21, 1, 0x20, 1] });
  // block { br_if 0 (i32.eqz (local.get 0)); return 7 } return 9
  funcs.push({ type: 0, body: [0x02, 0x40, 0x20, 0, 0x45, 0x0d, 0, 0x41, 7, 0x0f, 0x0b, 0x41, 9] });
  const bytes = buildModule({
    types: [[[I32, I32], [I32]]],
    funcs,
    exports: funcs.map((_, i) => ({ name: `f${i}`, kind: "func" as const, index: i })),
  });
  it("for every fused op and a spread of inputs", async () => {
    const native = (await WebAssembly.instantiate(bytes as BufferSource, {})) as unknown as {
      instance: { exports: Record<string, (a: number, b: number) => number> };
    };
    const vm = new WasmVm();
    const inst = vm.instantiate(vm.compile(bytes), () => undefined);
    const inputs = [0, 1, -1, 5, 31, 33, -2147483648, 2147483647, 0x12345678, -0x789abcd];
    for (let i = 0; i < funcs.length; i++) {
      const f = inst.exports.get(`f${i}`)?.value as FuncInst;
      for (const a of inputs)
        for (const b of [3, -7, 32]) {
          const want = native.instance.exports[`f${i}`]?.(a, b);
          expect(vm.machine.invoke(f, [a, b], GAS)).toEqual([want]);
        }
    }
  });
});

describe("wasm fused array load (local.get i; i32.const 2; i32.shl; i32.load offset)", () => {
  it("reads the element and traps past the end", () => {
    const bytes = buildModule({
      types: [[[I32], [I32]]],
      funcs: [{ type: 0, body: [0x20, 0, 0x41, 2, 0x74, 0x28, 2, 8] }],
      memory: { min: 1 },
      data: [{ offset: 8, bytes: [1, 0, 0, 0, 2, 0, 0, 0, 0xff, 0xff, 0xff, 0xff] }],
      exports: [{ name: "at", kind: "func", index: 0 }],
    });
    expect(run(bytes, "at", [0])).toEqual([1]);
    expect(run(bytes, "at", [2])).toEqual([-1]);
    expect(codeOf(() => run(bytes, "at", [16382]))).toBe("TRAP_MEMORY_OUT_OF_BOUNDS");
    expect(codeOf(() => run(bytes, "at", [-1]))).toBe("TRAP_MEMORY_OUT_OF_BOUNDS");
  });
});
