// Hostile modules and calls: every exceeded limit ends in a WasmError with its code (never a
// host exception, a hang or an unbounded allocation), and out of gas is deterministic.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildModule, sleb, uleb } from "../../workers/executor/wasm/builder";
import { type FuncInst, type Value, WasmError, WasmVm } from "../../workers/executor/wasm/index";
import { I32 } from "../../workers/executor/wasm/types";

const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof WasmError) return e.code;
    throw e;
  }
  return "no error";
}

function call(vm: WasmVm, bytes: Uint8Array, name: string, args: Value[], gas: number): Value[] {
  const inst = vm.instantiate(vm.compile(bytes), () => undefined);
  return vm.call(inst, name, args, gas);
}

const voidFn = (body: number[], extra: Partial<Parameters<typeof buildModule>[0]> = {}): Uint8Array =>
  buildModule({
    types: [[[], []]],
    funcs: [{ type: 0, body }],
    exports: [{ name: "f", kind: "func", index: 0 }],
    ...extra,
  });

describe("hostile modules are rejected at decode/validation with a code", () => {
  it("a section claiming more bytes than the module has: MALFORMED", () => {
    const bytes = Uint8Array.from([...HEADER, 1, ...uleb(0xfffffff0), 0x01]);
    expect(codeOf(() => new WasmVm().compile(bytes))).toBe("MALFORMED");
  });
  it("a vector claiming 2^32-1 items: LIMIT_SECTION_ITEMS before any allocation", () => {
    const body = [...uleb(0xffffffff)];
    const bytes = Uint8Array.from([...HEADER, 1, ...uleb(body.length), ...body]);
    expect(codeOf(() => new WasmVm().compile(bytes))).toBe("LIMIT_SECTION_ITEMS");
  });
  it("a vector claiming more items than bytes left: MALFORMED", () => {
    const body = [...uleb(5000)];
    const bytes = Uint8Array.from([...HEADER, 1, ...uleb(body.length), ...body]);
    expect(codeOf(() => new WasmVm().compile(bytes))).toBe("MALFORMED");
  });
  it("a module over moduleBytesMax: LIMIT_MODULE_BYTES", () => {
    const vm = new WasmVm({ moduleBytesMax: 1024 });
    const bytes = voidFn(new Array(2000).fill(0x01));
    expect(codeOf(() => vm.compile(bytes))).toBe("LIMIT_MODULE_BYTES");
  });
  it("block nesting deeper than nestingDepthMax: LIMIT_NESTING", () => {
    const depth = 5000;
    const body = [...new Array(depth).fill([0x02, 0x40]).flat(), ...new Array(depth).fill(0x0b)];
    expect(codeOf(() => new WasmVm().compile(voidFn(body)))).toBe("LIMIT_NESTING");
  });
  it("2^32-1 declared locals: LIMIT_LOCALS (or MALFORMED past 2^32) without allocating them", () => {
    const huge = buildModule({
      types: [[[], []]],
      funcs: [{ type: 0, locals: [[0xffffffff, I32]], body: [] }],
    });
    expect(codeOf(() => new WasmVm().compile(huge))).toBe("LIMIT_LOCALS");
    const over = buildModule({
      types: [[[], []]],
      funcs: [
        {
          type: 0,
          locals: [
            [0xffffffff, I32],
            [0xffffffff, I32],
          ],
          body: [],
        },
      ],
    });
    expect(codeOf(() => new WasmVm().compile(over))).toBe("MALFORMED");
  });
  it("more functions than functionsMax: LIMIT_FUNCTIONS", () => {
    const vm = new WasmVm({ functionsMax: 10 });
    const bytes = buildModule({ types: [[[], []]], funcs: new Array(11).fill({ type: 0, body: [] }) });
    expect(codeOf(() => vm.compile(bytes))).toBe("LIMIT_FUNCTIONS");
  });
  it("a function body over bodyBytesMax: LIMIT_BODY_BYTES", () => {
    const vm = new WasmVm({ bodyBytesMax: 100 });
    expect(codeOf(() => vm.compile(voidFn(new Array(200).fill(0x01))))).toBe("LIMIT_BODY_BYTES");
  });
});

describe("hostile instantiation and calls trap with a code", () => {
  it("an infinite loop runs out of gas, at the same point every time", () => {
    const loop = voidFn([0x03, 0x40, 0x0c, 0, 0x0b]);
    const vm = new WasmVm();
    expect(codeOf(() => call(vm, loop, "f", [], 100_000))).toBe("OUT_OF_GAS");
    const inst = vm.instantiate(vm.compile(loop), () => undefined);
    const f = inst.exports.get("f")?.value as FuncInst;
    const used: number[] = [];
    for (let i = 0; i < 2; i++) {
      try {
        vm.machine.invoke(f, [], 12_345);
      } catch (e) {
        used.push((e as WasmError).code === "OUT_OF_GAS" ? 1 : 0);
      }
    }
    expect(used).toEqual([1, 1]);
  });
  it("a memory declared above memoryPagesMax: LIMIT_MEMORY_PAGES at instantiation", () => {
    const vm = new WasmVm({ memoryPagesMax: 16 });
    expect(codeOf(() => call(vm, voidFn([], { memory: { min: 17 } }), "f", [], 1000))).toBe(
      "LIMIT_MEMORY_PAGES",
    );
  });
  it("a memory growth bomb: grow returns -1 at memoryPagesMax, and page growth costs gas", () => {
    // loop { if (memory.grow(1) == -1) break }  then return memory.size
    const bomb = buildModule({
      types: [[[], [I32]]],
      funcs: [
        {
          type: 0,
          body: [
            0x02,
            0x40,
            0x03,
            0x40,
            0x41,
            1,
            0x40,
            0,
            0x41,
            ...sleb(-1),
            0x46,
            0x0d,
            1,
            0x0c,
            0,
            0x0b,
            0x0b,
            0x3f,
            0,
          ],
        },
      ],
      memory: { min: 0 },
      exports: [{ name: "f", kind: "func", index: 0 }],
    });
    const vm = new WasmVm({ memoryPagesMax: 32 });
    expect(call(vm, bomb, "f", [], 10_000_000)).toEqual([32]);
    expect(codeOf(() => call(vm, bomb, "f", [], 5_000))).toBe("OUT_OF_GAS");
  });
  it("a table declared above tableSizeMax: LIMIT_TABLE_SIZE", () => {
    const vm = new WasmVm({ tableSizeMax: 100 });
    expect(codeOf(() => call(vm, voidFn([], { table: { min: 101 } }), "f", [], 1000))).toBe(
      "LIMIT_TABLE_SIZE",
    );
  });
  it("unbounded recursion: TRAP_CALL_STACK_EXHAUSTED at callDepthMax", () => {
    const rec = voidFn([0x10, 0]);
    expect(codeOf(() => call(new WasmVm(), rec, "f", [], 1e12))).toBe("TRAP_CALL_STACK_EXHAUSTED");
  });
  it("recursion with many locals: TRAP_VALUE_STACK_EXHAUSTED at valueStackMax", () => {
    const vm = new WasmVm({ valueStackMax: 100_000, callDepthMax: 100_000 });
    const rec = buildModule({
      types: [[[], []]],
      funcs: [{ type: 0, locals: [[1000, I32]], body: [0x10, 0] }],
      exports: [{ name: "f", kind: "func", index: 0 }],
    });
    expect(codeOf(() => call(vm, rec, "f", [], 1e12))).toBe("TRAP_VALUE_STACK_EXHAUSTED");
  });
  it("the machine stays usable after a trap", () => {
    const vm = new WasmVm();
    const add = buildModule({
      types: [[[I32, I32], [I32]]],
      funcs: [{ type: 0, body: [0x20, 0, 0x20, 1, 0x6d] }],
      exports: [{ name: "div", kind: "func", index: 0 }],
    });
    expect(codeOf(() => call(vm, add, "div", [1, 0], 1000))).toBe("TRAP_DIVIDE_BY_ZERO");
    expect(call(vm, add, "div", [7, 2], 1000)).toEqual([3]);
  });
});

describe("mutated modules never escape as host exceptions (property)", () => {
  const seed = buildModule({
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
          0x0b,
          0x41,
          0,
          0x36,
          2,
          0,
        ],
      },
    ],
    memory: { min: 1, max: 2 },
    exports: [{ name: "f", kind: "func", index: 0 }],
    data: [{ offset: 8, bytes: [1, 2, 3] }],
  });
  it("compile, instantiate and call either succeed or throw WasmError", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(seed.length - 1), fc.nat(255)), { minLength: 1, maxLength: 4 }),
        (edits) => {
          const bytes = Uint8Array.from(seed);
          for (const [i, b] of edits) bytes[i] = b;
          try {
            const vm = new WasmVm({ callDepthMax: 200 });
            const inst = vm.instantiate(vm.compile(bytes), () => undefined, 10_000);
            const f = inst.exports.get("f");
            if (f?.kind === "func" && f.value.type.params.length === 1)
              vm.machine.invoke(f.value, [30], 10_000);
          } catch (e) {
            if (!(e instanceof WasmError)) throw e;
          }
        },
      ),
      { seed: 5, numRuns: 2000 },
    );
  });
});
