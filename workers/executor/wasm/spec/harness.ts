/**
 * Runner of the official spec tests as converted by wabt's wast2json (one JSON command list per
 * .wast, binary modules beside it). Pure: the caller supplies the file loader. One result per
 * command; text-format modules (module_type "text") are skipped, everything else must pass.
 */

import { WasmError } from "../errors";
import { WasmVm } from "../index";
import { CANONICAL_F32, F64Nan, f64FromBits, f64ToBits } from "../numeric";
import {
  type ExternRef,
  type ExternVal,
  type FuncInst,
  type Instance,
  MemInst,
  type Value,
} from "../runtime";
import { EXTERNREF, F32, F64, FUNCREF, funcTypeKey, I32, I64, type ValType } from "../types";

export interface SpecValue {
  type: string;
  value?: string;
}

interface Action {
  type: "invoke" | "get";
  module?: string;
  field: string;
  args?: SpecValue[];
}

interface Command {
  type: string;
  line: number;
  name?: string;
  filename?: string;
  as?: string;
  module_type?: string;
  action?: Action;
  expected?: SpecValue[];
  text?: string;
}

export interface SpecFailure {
  folder: string;
  line: number;
  reason: string;
}

export interface SpecResult {
  passed: number;
  failed: number;
  skipped: number;
  failures: SpecFailure[];
}

/** Limits for the suite: wider than contract defaults where the tests need room. */
export const SPEC_LIMITS = {
  moduleBytesMax: 1 << 24,
  sectionItemsMax: 1 << 20,
  functionsMax: 1 << 20,
  localsMax: 1 << 20,
  nestingDepthMax: 1 << 14,
  bodyBytesMax: 1 << 24,
  memoryPagesMax: 1 << 15,
  tableSizeMax: 1 << 20,
  callDepthMax: 20_000,
  valueStackMax: 1 << 22,
};

const externs = new Map<string, ExternRef>();
function externOf(v: string): ExternRef {
  let e = externs.get(v);
  if (e === undefined) {
    e = { extern: Number(v) };
    externs.set(v, e);
  }
  return e;
}

function toValue(v: SpecValue): Value {
  const s = v.value ?? "null";
  switch (v.type) {
    case "i32":
      return Number(BigInt.asIntN(32, BigInt(s)));
    case "i64":
      return BigInt.asIntN(64, BigInt(s));
    case "f32":
      return Number(BigInt.asIntN(32, BigInt(s)));
    case "f64":
      return f64FromBits(BigInt.asIntN(64, BigInt(s)));
    case "externref":
      return s === "null" ? null : externOf(s);
    case "funcref":
      if (s === "null") return null;
      throw new Error(`funcref argument ${s} not supported`);
    default:
      throw new Error(`unknown value type ${v.type}`);
  }
}

function matches(got: Value | undefined, want: SpecValue): boolean {
  const s = want.value;
  switch (want.type) {
    case "i32":
      return typeof got === "number" && got >>> 0 === Number(BigInt.asUintN(32, BigInt(s ?? "0")));
    case "i64":
      return typeof got === "bigint" && BigInt.asUintN(64, got) === BigInt.asUintN(64, BigInt(s ?? "0"));
    case "f32": {
      if (typeof got !== "number") return false;
      if (s === "nan:canonical") return (got & 0x7fffffff) === CANONICAL_F32;
      if (s === "nan:arithmetic") return (got & 0x7fc00000) === 0x7fc00000;
      return got >>> 0 === Number(BigInt.asUintN(32, BigInt(s ?? "0")));
    }
    case "f64": {
      if (typeof got !== "number" && !(got instanceof F64Nan)) return false;
      const bits = BigInt.asUintN(64, f64ToBits(got as number));
      if (s === "nan:canonical") return (bits & 0x7fffffffffffffffn) === 0x7ff8000000000000n;
      if (s === "nan:arithmetic") return (bits & 0x7ff8000000000000n) === 0x7ff8000000000000n;
      return bits === BigInt.asUintN(64, BigInt(s ?? "0"));
    }
    case "externref":
      if (s === "null") return got === null;
      if (s === undefined) return got !== null && got !== undefined;
      return got === externOf(s);
    case "funcref":
      if (s === "null") return got === null;
      return got !== null && typeof got === "object" && "kind" in got;
    default:
      return false;
  }
}

const show = (v: Value | undefined): string =>
  typeof v === "bigint" ? `${v}n` : typeof v === "number" ? `${v}` : v === null ? "null" : typeof v;

function spectest(): Map<string, ExternVal> {
  const host = (params: ValType[]): ExternVal => ({
    kind: "func",
    value: { kind: "host", type: { params, results: [], key: funcTypeKey(params, []) }, call: () => [] },
  });
  const m = new Map<string, ExternVal>();
  m.set("print", host([]));
  m.set("print_i32", host([I32]));
  m.set("print_i64", host([I64]));
  m.set("print_f32", host([F32]));
  m.set("print_f64", host([F64]));
  m.set("print_i32_f32", host([I32, F32]));
  m.set("print_f64_f64", host([F64, F64]));
  m.set("global_i32", { kind: "global", value: { type: { type: I32, mutable: false }, value: 666 } });
  m.set("global_i64", { kind: "global", value: { type: { type: I64, mutable: false }, value: 666n } });
  m.set("global_f32", { kind: "global", value: { type: { type: F32, mutable: false }, value: 0x4426a666 } });
  m.set("global_f64", { kind: "global", value: { type: { type: F64, mutable: false }, value: 666.6 } });
  m.set("table", { kind: "table", value: { elem: FUNCREF, elements: new Array(10).fill(null), max: 20 } });
  m.set("memory", { kind: "memory", value: new MemInst(1, 2) });
  return m;
}

/** Runs one folder's commands. `load` returns the bytes of a module file of that folder. */
export function runSpecCommands(
  folder: string,
  commands: Command[],
  load: (file: string) => Uint8Array,
): SpecResult {
  const vm = new WasmVm(SPEC_LIMITS);
  const registry = new Map<string, Map<string, ExternVal>>([["spectest", spectest()]]);
  const named = new Map<string, Instance>();
  let current: Instance | undefined;
  const result: SpecResult = { passed: 0, failed: 0, skipped: 0, failures: [] };
  const fail = (line: number, reason: string): void => {
    result.failed++;
    result.failures.push({ folder, line, reason });
  };
  const resolve = (module: string, name: string): ExternVal | undefined => registry.get(module)?.get(name);
  // Finite, so a bug that loops forever ends as OUT_OF_GAS instead of hanging the run.
  const gas = 1e10;
  const instantiate = (file: string): Instance => vm.instantiate(vm.compile(load(file)), resolve, gas);
  const target = (a: Action): Instance => {
    const inst = a.module !== undefined ? named.get(a.module) : current;
    if (inst === undefined) throw new Error(`no module ${a.module ?? "(current)"}`);
    return inst;
  };
  const perform = (a: Action): Value[] => {
    const inst = target(a);
    const e = inst.exports.get(a.field);
    if (e === undefined) throw new Error(`no export ${a.field}`);
    if (a.type === "get") {
      if (e.kind !== "global") throw new Error(`${a.field} is not a global`);
      return [e.value.value];
    }
    if (e.kind !== "func") throw new Error(`${a.field} is not a function`);
    return vm.machine.invoke(e.value as FuncInst, (a.args ?? []).map(toValue), gas);
  };
  const describe = (e: unknown): string => (e instanceof Error ? e.message : String(e));

  for (const c of commands) {
    try {
      switch (c.type) {
        case "module": {
          if (c.module_type === "text") {
            result.skipped++;
            break;
          }
          current = instantiate(c.filename as string);
          if (c.name !== undefined) named.set(c.name, current);
          result.passed++;
          break;
        }
        case "register": {
          const inst = c.name !== undefined ? named.get(c.name) : current;
          if (inst === undefined) throw new Error("register: no module");
          registry.set(c.as as string, inst.exports);
          result.passed++;
          break;
        }
        case "action":
          perform(c.action as Action);
          result.passed++;
          break;
        case "assert_return": {
          const got = perform(c.action as Action);
          const want = c.expected ?? [];
          const ok = got.length === want.length && want.every((w, i) => matches(got[i], w));
          if (ok) result.passed++;
          else
            fail(
              c.line,
              `${c.action?.field}: got [${got.map(show).join(", ")}], want [${want.map((w) => `${w.type}:${w.value}`).join(", ")}]`,
            );
          break;
        }
        case "assert_trap":
        case "assert_exhaustion": {
          try {
            if (c.action !== undefined) perform(c.action);
            else instantiate(c.filename as string);
            fail(c.line, `expected trap "${c.text}", none happened`);
          } catch (e) {
            if (e instanceof WasmError && e.isTrap) {
              if (
                c.type === "assert_exhaustion" &&
                e.code !== "TRAP_CALL_STACK_EXHAUSTED" &&
                e.code !== "TRAP_VALUE_STACK_EXHAUSTED"
              )
                fail(c.line, `expected exhaustion, got ${e.message}`);
              else result.passed++;
            } else fail(c.line, `expected trap "${c.text}", got ${describe(e)}`);
          }
          break;
        }
        case "assert_invalid":
        case "assert_malformed": {
          if (c.module_type === "text") {
            result.skipped++;
            break;
          }
          try {
            vm.compile(load(c.filename as string));
            fail(c.line, `expected ${c.type.slice(7)} "${c.text}", module accepted`);
          } catch (e) {
            const want = c.type === "assert_malformed" ? "MALFORMED" : "INVALID";
            if (e instanceof WasmError && e.code === want) result.passed++;
            else fail(c.line, `expected ${c.type.slice(7)} "${c.text}", got ${describe(e)}`);
          }
          break;
        }
        case "assert_unlinkable":
        case "assert_uninstantiable": {
          try {
            instantiate(c.filename as string);
            fail(c.line, `expected ${c.type} "${c.text}", module instantiated`);
          } catch (e) {
            const ok =
              e instanceof WasmError && (c.type === "assert_unlinkable" ? e.code === "UNLINKABLE" : e.isTrap);
            if (ok) result.passed++;
            else fail(c.line, `expected ${c.type} "${c.text}", got ${describe(e)}`);
          }
          break;
        }
        default:
          fail(c.line, `unknown command ${c.type}`);
      }
    } catch (e) {
      fail(c.line, `${c.type}: ${describe(e)}`);
    }
  }
  return result;
}

export const VALUE_TYPE_CODES = { I32, I64, F32, F64, FUNCREF, EXTERNREF };
