/**
 * The machine: one value stack (locals and operands of every frame) and one frame stack, both
 * owned here, so a call never recurses in JS and execution can stop at a host call and resume
 * (`SUSPEND`). Gas is charged per basic block (`OP_GAS`), plus per byte / page / element by the
 * bulk and grow instructions; every limit ends in a `WasmError`, never a host exception.
 */

import type { CompiledFunc } from "./compile";
import { trap, WasmError } from "./errors";
import { GAS_PER_BYTE, GAS_PER_PAGE, GAS_PER_TABLE_ELEM } from "./gas";
import type { VmLimits } from "./limits";
import {
  canonF64,
  f32FromBits,
  f32ToBits,
  f64Abs,
  f64Copysign,
  f64FromBits,
  f64Neg,
  f64ToBits,
  i32Ctz,
  i32Popcnt,
  i64Clz,
  i64Ctz,
  i64Popcnt,
  i64ToF32S,
  i64ToF32U,
  nearest,
  satI32S,
  satI32U,
  satI64S,
  satI64U,
  truncI32S,
  truncI32U,
  truncI64S,
  truncI64U,
} from "./numeric";
import {
  OP_BR,
  OP_BR_IF,
  OP_BR_TABLE,
  OP_CALL,
  OP_CALL_INDIRECT,
  OP_GAS,
  OP_IF,
  OP_JMP,
  OP_RETURN,
} from "./opcodes";
import {
  type FuncInst,
  type Instance,
  type MemInst,
  oobMemory,
  oobTable,
  type Ref,
  SUSPEND,
  tableGrow,
  type Value,
  type WasmFunc,
} from "./runtime";

// biome-ignore lint/suspicious/noExplicitAny: the hot loop reads slots whose types the validator proved.
type Hot = any;

const I64_MIN = -(2n ** 63n);
const EMPTY_BYTES = new Uint8Array(0);
const EMPTY_REFS: Ref[] = [];

export type RunResult =
  | { status: "done"; results: Value[]; gasLeft: number }
  | { status: "suspended"; host: FuncInst; args: Value[]; gasLeft: number };

const divZero = (): WasmError => trap("TRAP_DIVIDE_BY_ZERO", "integer divide by zero");
const overflow = (): WasmError => trap("TRAP_INTEGER_OVERFLOW", "integer overflow");

export class Machine {
  private readonly stack: Value[] = [null];
  private sp = 0;
  private gas = 0;
  private depth = 0;
  private stopDepth = 0;
  private readonly fFunc: WasmFunc[] = [];
  private readonly fPc: number[] = [];
  private readonly fBase: number[] = [];
  /** Results the entry function returns, while a run is in progress. */
  private entryResults = 0;
  private entrySp = 0;
  private suspendedResults = -1;

  constructor(readonly limits: VmLimits) {}

  /** Calls `func` with `args` and runs to completion; a host SUSPEND is an error here. */
  invoke(func: FuncInst, args: Value[], gasLimit: number): Value[] {
    const r = this.start(func, args, gasLimit);
    if (r.status === "suspended") throw trap("TRAP_HOST", "a host function suspended inside invoke()");
    return r.results;
  }

  /** Starts a call; it ends, or stops at a host function that returned SUSPEND. */
  start(func: FuncInst, args: Value[], gasLimit: number): RunResult {
    if (this.depth !== 0) throw trap("TRAP_HOST", "machine busy: a suspended call must be resumed first");
    this.gas = gasLimit;
    this.sp = 0;
    this.entrySp = 0;
    this.entryResults = func.type.results.length;
    if (func.kind === "host") {
      const res = this.callHost(func, args);
      if (res === SUSPEND) throw trap("TRAP_HOST", "entry host function cannot suspend");
      return { status: "done", results: res, gasLeft: this.gas };
    }
    for (const a of args) this.stack[this.sp++] = a;
    this.stopDepth = 0;
    try {
      this.enter(func);
    } catch (e) {
      this.reset();
      throw e;
    }
    return this.continue();
  }

  /** Continues a suspended run with the host function's results. */
  resume(results: Value[]): RunResult {
    if (this.suspendedResults < 0) throw trap("TRAP_HOST", "nothing to resume");
    if (results.length !== this.suspendedResults) throw trap("TRAP_HOST", "wrong number of host results");
    this.suspendedResults = -1;
    for (const v of results) this.stack[this.sp++] = v;
    return this.continue();
  }

  private continue(): RunResult {
    try {
      const host = this.run();
      if (host !== undefined) return { status: "suspended", ...host, gasLeft: this.gas };
    } catch (e) {
      this.reset();
      if (e instanceof WasmError) throw e;
      if (e instanceof RangeError)
        throw trap("TRAP_VALUE_STACK_EXHAUSTED", `host resource exhausted: ${e.message}`);
      throw trap("TRAP_HOST", `host function failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    const n = this.entryResults;
    const results = this.stack.slice(this.sp - n, this.sp);
    this.reset();
    return { status: "done", results, gasLeft: this.gas };
  }

  private reset(): void {
    this.sp = this.entrySp;
    this.depth = 0;
    this.suspendedResults = -1;
    this.fFunc.length = 0;
    this.fPc.length = 0;
    this.fBase.length = 0;
  }

  private callHost(f: FuncInst & { kind: "host" }, args: Value[]): Value[] | typeof SUSPEND {
    const res = f.call(args);
    if (res !== SUSPEND && res.length !== f.type.results.length)
      throw trap(
        "TRAP_HOST",
        `host function returned ${res.length} values, expected ${f.type.results.length}`,
      );
    return res;
  }

  /** Pushes a frame for `f`, whose arguments are on top of the stack. */
  private enter(f: WasmFunc): void {
    const b: CompiledFunc = f.body;
    if (this.depth >= this.limits.callDepthMax)
      throw trap(
        "TRAP_CALL_STACK_EXHAUSTED",
        `call stack exhausted: callDepthMax ${this.limits.callDepthMax}`,
        {
          limit: this.limits.callDepthMax,
        },
      );
    const base = this.sp - b.numParams;
    const need = base + b.numLocals + b.maxHeight;
    const s = this.stack;
    if (need > s.length) {
      if (need > this.limits.valueStackMax)
        throw trap(
          "TRAP_VALUE_STACK_EXHAUSTED",
          `value stack exhausted: valueStackMax ${this.limits.valueStackMax}`,
          {
            limit: this.limits.valueStackMax,
          },
        );
      while (s.length < need) s.push(null);
    }
    let sp = this.sp;
    const d = b.localDefaults;
    for (let i = 0; i < d.length; i++) s[sp++] = d[i] as Value;
    this.sp = sp;
    const k = this.depth++;
    this.fFunc[k] = f;
    this.fPc[k] = 0;
    this.fBase[k] = base;
  }

  /** The interpreter loop. Returns undefined when the entry frame returned, or a suspension. */
  private run(): { host: FuncInst; args: Value[] } | undefined {
    const s: Hot[] = this.stack;
    const limits = this.limits;
    let k = this.depth - 1;
    let fn = this.fFunc[k] as WasmFunc;
    let code: Hot = fn.body.code;
    let consts: Hot = fn.body.consts;
    let inst: Instance = fn.instance;
    let pc: number = this.fPc[k] as number;
    let base: number = this.fBase[k] as number;
    let sp = this.sp;
    let gas = this.gas;
    let mem: MemInst | undefined = inst.mems[0];
    let buf: Uint8Array = mem ? mem.buf : EMPTY_BYTES;
    let view: DataView = mem ? mem.view : new DataView(EMPTY_BYTES.buffer);
    let a: Hot;
    let b: Hot;
    let c: Hot;
    let ea = 0;
    try {
      for (;;) {
        switch (code[pc++]) {
          case OP_GAS:
            gas -= code[pc++];
            if (gas < 0) throw trap("OUT_OF_GAS", "out of gas");
            break;
          case 0x00:
            throw trap("TRAP_UNREACHABLE", "unreachable executed");
          case OP_IF:
            if (s[--sp] === 0) pc = code[pc];
            else pc++;
            break;
          case OP_JMP:
            pc = code[pc];
            break;
          case OP_BR_IF: {
            if (s[--sp] === 0) {
              pc += 3;
              break;
            }
            const arity: number = code[pc + 1];
            const h = base + code[pc + 2];
            if (sp - arity !== h) {
              for (let i = 0; i < arity; i++) s[h + i] = s[sp - arity + i];
            }
            sp = h + arity;
            pc = code[pc];
            break;
          }
          case OP_BR: {
            const arity: number = code[pc + 1];
            const h = base + code[pc + 2];
            if (sp - arity !== h) {
              for (let i = 0; i < arity; i++) s[h + i] = s[sp - arity + i];
            }
            sp = h + arity;
            pc = code[pc];
            break;
          }
          case OP_BR_TABLE: {
            const i = s[--sp] >>> 0;
            const n: number = code[pc];
            const arity: number = code[pc + 1];
            const e = pc + 2 + 2 * Math.min(i, n);
            const h = base + code[e + 1];
            if (sp - arity !== h) {
              for (let j = 0; j < arity; j++) s[h + j] = s[sp - arity + j];
            }
            sp = h + arity;
            pc = code[e];
            break;
          }
          case OP_RETURN: {
            const nr = fn.body.numResults;
            for (let i = 0; i < nr; i++) s[base + i] = s[sp - nr + i];
            sp = base + nr;
            k = --this.depth - 1;
            if (this.depth === this.stopDepth) return undefined;
            fn = this.fFunc[k] as WasmFunc;
            code = fn.body.code;
            consts = fn.body.consts;
            inst = fn.instance;
            pc = this.fPc[k] as number;
            base = this.fBase[k] as number;
            mem = inst.mems[0];
            if (mem) {
              buf = mem.buf;
              view = mem.view;
            }
            break;
          }
          case OP_CALL:
          case OP_CALL_INDIRECT: {
            let f: FuncInst;
            if (code[pc - 1] === OP_CALL) f = inst.funcs[code[pc++]] as FuncInst;
            else {
              const type = inst.types[code[pc++]];
              const table = inst.tables[code[pc++]];
              const i = s[--sp] >>> 0;
              if (table === undefined || type === undefined || i >= table.elements.length)
                throw trap("TRAP_UNINITIALIZED_ELEMENT", "undefined element: table index out of bounds");
              const r = table.elements[i];
              if (r === null || r === undefined)
                throw trap("TRAP_UNINITIALIZED_ELEMENT", "uninitialized element");
              f = r as FuncInst;
              if (f.type.key !== type.key)
                throw trap("TRAP_INDIRECT_CALL_TYPE", "indirect call type mismatch");
            }
            if (f.kind === "host") {
              const np = f.type.params.length;
              const args = s.slice(sp - np, sp);
              sp -= np;
              this.fPc[k] = pc;
              this.sp = sp;
              this.gas = gas;
              const res = this.callHost(f, args);
              if (res === SUSPEND) {
                this.suspendedResults = f.type.results.length;
                return { host: f, args };
              }
              for (const v of res) s[sp++] = v;
            } else {
              this.fPc[k] = pc;
              this.sp = sp;
              this.enter(f);
              k = this.depth - 1;
              sp = this.sp;
              fn = f;
              code = f.body.code;
              consts = f.body.consts;
              inst = f.instance;
              base = this.fBase[k] as number;
              pc = 0;
            }
            mem = inst.mems[0];
            if (mem) {
              buf = mem.buf;
              view = mem.view;
            }
            break;
          }
          case 0x1a:
            sp--;
            break;
          case 0x1b:
            c = s[--sp];
            b = s[--sp];
            if (c === 0) s[sp - 1] = b;
            break;
          case 0x20:
            s[sp++] = s[base + code[pc++]];
            break;
          case 0x21:
            s[base + code[pc++]] = s[--sp];
            break;
          case 0x22:
            s[base + code[pc++]] = s[sp - 1];
            break;
          case 0x23:
            s[sp++] = (inst.globals[code[pc++]] as Hot).value;
            break;
          case 0x24:
            (inst.globals[code[pc++]] as Hot).value = s[--sp];
            break;
          case 0x25: {
            const t = inst.tables[code[pc++]] as Hot;
            a = s[sp - 1] >>> 0;
            if (a >= t.elements.length) throw oobTable();
            s[sp - 1] = t.elements[a];
            break;
          }
          case 0x26: {
            const t = inst.tables[code[pc++]] as Hot;
            b = s[--sp];
            a = s[--sp] >>> 0;
            if (a >= t.elements.length) throw oobTable();
            t.elements[a] = b;
            break;
          }
          // Loads: effective address = operand (u32) + offset (u32), bounds-checked against the memory.
          case 0x28:
            ea = (s[sp - 1] >>> 0) + (code[pc++] >>> 0);
            if (ea + 4 > buf.length) throw oobMemory();
            s[sp - 1] = view.getInt32(ea, true);
            break;
          case 0x29:
            ea = (s[sp - 1] >>> 0) + (code[pc++] >>> 0);
            if (ea + 8 > buf.length) throw oobMemory();
            s[sp - 1] = view.getBigInt64(ea, true);
            break;
          case 0x2a:
            ea = (s[sp - 1] >>> 0) + (code[pc++] >>> 0);
            if (ea + 4 > buf.length) throw oobMemory();
            s[sp - 1] = view.getInt32(ea, true);
            break;
          case 0x2b:
            ea = (s[sp - 1] >>> 0) + (code[pc++] >>> 0);
            if (ea + 8 > buf.length) throw oobMemory();
            a = view.getFloat64(ea, true);
            s[sp - 1] = !Number.isNaN(a) ? a : f64FromBits(view.getBigInt64(ea, true));
            break;
          case 0x2c:
            ea = (s[sp - 1] >>> 0) + (code[pc++] >>> 0);
            if (ea + 1 > buf.length) throw oobMemory();
            s[sp - 1] = ((buf[ea] as number) << 24) >> 24;
            break;
          case 0x2d:
            ea = (s[sp - 1] >>> 0) + (code[pc++] >>> 0);
            if (ea + 1 > buf.length) throw oobMemory();
            s[sp - 1] = buf[ea];
            break;
          case 0x2e:
            ea = (s[sp - 1] >>> 0) + (code[pc++] >>> 0);
            if (ea + 2 > buf.length) throw oobMemory();
            s[sp - 1] = view.getInt16(ea, true);
            break;
          case 0x2f:
            ea = (s[sp - 1] >>> 0) + (code[pc++] >>> 0);
            if (ea + 2 > buf.length) throw oobMemory();
            s[sp - 1] = view.getUint16(ea, true);
            break;
          case 0x30:
            ea = (s[sp - 1] >>> 0) + (code[pc++] >>> 0);
            if (ea + 1 > buf.length) throw oobMemory();
            s[sp - 1] = BigInt(view.getInt8(ea));
            break;
          case 0x31:
            ea = (s[sp - 1] >>> 0) + (code[pc++] >>> 0);
            if (ea + 1 > buf.length) throw oobMemory();
            s[sp - 1] = BigInt(buf[ea] as number);
            break;
          case 0x32:
            ea = (s[sp - 1] >>> 0) + (code[pc++] >>> 0);
            if (ea + 2 > buf.length) throw oobMemory();
            s[sp - 1] = BigInt(view.getInt16(ea, true));
            break;
          case 0x33:
            ea = (s[sp - 1] >>> 0) + (code[pc++] >>> 0);
            if (ea + 2 > buf.length) throw oobMemory();
            s[sp - 1] = BigInt(view.getUint16(ea, true));
            break;
          case 0x34:
            ea = (s[sp - 1] >>> 0) + (code[pc++] >>> 0);
            if (ea + 4 > buf.length) throw oobMemory();
            s[sp - 1] = BigInt(view.getInt32(ea, true));
            break;
          case 0x35:
            ea = (s[sp - 1] >>> 0) + (code[pc++] >>> 0);
            if (ea + 4 > buf.length) throw oobMemory();
            s[sp - 1] = BigInt(view.getUint32(ea, true));
            break;
          case 0x36:
          case 0x38:
            b = s[--sp];
            ea = (s[--sp] >>> 0) + (code[pc++] >>> 0);
            if (ea + 4 > buf.length) throw oobMemory();
            view.setInt32(ea, b, true);
            break;
          case 0x37:
            b = s[--sp];
            ea = (s[--sp] >>> 0) + (code[pc++] >>> 0);
            if (ea + 8 > buf.length) throw oobMemory();
            view.setBigInt64(ea, b, true);
            break;
          case 0x39:
            b = s[--sp];
            ea = (s[--sp] >>> 0) + (code[pc++] >>> 0);
            if (ea + 8 > buf.length) throw oobMemory();
            if (typeof b === "number") view.setFloat64(ea, b, true);
            else view.setBigInt64(ea, f64ToBits(b), true);
            break;
          case 0x3a:
            b = s[--sp];
            ea = (s[--sp] >>> 0) + (code[pc++] >>> 0);
            if (ea + 1 > buf.length) throw oobMemory();
            buf[ea] = b;
            break;
          case 0x3b:
            b = s[--sp];
            ea = (s[--sp] >>> 0) + (code[pc++] >>> 0);
            if (ea + 2 > buf.length) throw oobMemory();
            view.setInt16(ea, b, true);
            break;
          case 0x3c:
            b = s[--sp];
            ea = (s[--sp] >>> 0) + (code[pc++] >>> 0);
            if (ea + 1 > buf.length) throw oobMemory();
            buf[ea] = Number(BigInt.asUintN(8, b));
            break;
          case 0x3d:
            b = s[--sp];
            ea = (s[--sp] >>> 0) + (code[pc++] >>> 0);
            if (ea + 2 > buf.length) throw oobMemory();
            view.setUint16(ea, Number(BigInt.asUintN(16, b)), true);
            break;
          case 0x3e:
            b = s[--sp];
            ea = (s[--sp] >>> 0) + (code[pc++] >>> 0);
            if (ea + 4 > buf.length) throw oobMemory();
            view.setUint32(ea, Number(BigInt.asUintN(32, b)), true);
            break;
          case 0x3f:
            s[sp++] = (mem as MemInst).pages;
            break;
          case 0x40: {
            const m = mem as MemInst;
            const delta = s[sp - 1] >>> 0;
            const old = m.grow(delta, limits.memoryPagesMax);
            if (old >= 0) {
              gas -= delta * GAS_PER_PAGE;
              if (gas < 0) throw trap("OUT_OF_GAS", "out of gas in memory.grow");
            }
            s[sp - 1] = old;
            buf = m.buf;
            view = m.view;
            break;
          }
          case 0x41:
          case 0x43:
            s[sp++] = code[pc++];
            break;
          case 0x42:
          case 0x44:
            s[sp++] = consts[code[pc++]];
            break;
          // i32 comparisons
          case 0x45:
            s[sp - 1] = s[sp - 1] === 0 ? 1 : 0;
            break;
          case 0x46:
            b = s[--sp];
            s[sp - 1] = s[sp - 1] === b ? 1 : 0;
            break;
          case 0x47:
            b = s[--sp];
            s[sp - 1] = s[sp - 1] !== b ? 1 : 0;
            break;
          case 0x48:
            b = s[--sp];
            s[sp - 1] = s[sp - 1] < b ? 1 : 0;
            break;
          case 0x49:
            b = s[--sp];
            s[sp - 1] = s[sp - 1] >>> 0 < b >>> 0 ? 1 : 0;
            break;
          case 0x4a:
            b = s[--sp];
            s[sp - 1] = s[sp - 1] > b ? 1 : 0;
            break;
          case 0x4b:
            b = s[--sp];
            s[sp - 1] = s[sp - 1] >>> 0 > b >>> 0 ? 1 : 0;
            break;
          case 0x4c:
            b = s[--sp];
            s[sp - 1] = s[sp - 1] <= b ? 1 : 0;
            break;
          case 0x4d:
            b = s[--sp];
            s[sp - 1] = s[sp - 1] >>> 0 <= b >>> 0 ? 1 : 0;
            break;
          case 0x4e:
            b = s[--sp];
            s[sp - 1] = s[sp - 1] >= b ? 1 : 0;
            break;
          case 0x4f:
            b = s[--sp];
            s[sp - 1] = s[sp - 1] >>> 0 >= b >>> 0 ? 1 : 0;
            break;
          // i64 comparisons
          case 0x50:
            s[sp - 1] = s[sp - 1] === 0n ? 1 : 0;
            break;
          case 0x51:
            b = s[--sp];
            s[sp - 1] = s[sp - 1] === b ? 1 : 0;
            break;
          case 0x52:
            b = s[--sp];
            s[sp - 1] = s[sp - 1] !== b ? 1 : 0;
            break;
          case 0x53:
            b = s[--sp];
            s[sp - 1] = s[sp - 1] < b ? 1 : 0;
            break;
          case 0x54:
            b = s[--sp];
            s[sp - 1] = BigInt.asUintN(64, s[sp - 1]) < BigInt.asUintN(64, b) ? 1 : 0;
            break;
          case 0x55:
            b = s[--sp];
            s[sp - 1] = s[sp - 1] > b ? 1 : 0;
            break;
          case 0x56:
            b = s[--sp];
            s[sp - 1] = BigInt.asUintN(64, s[sp - 1]) > BigInt.asUintN(64, b) ? 1 : 0;
            break;
          case 0x57:
            b = s[--sp];
            s[sp - 1] = s[sp - 1] <= b ? 1 : 0;
            break;
          case 0x58:
            b = s[--sp];
            s[sp - 1] = BigInt.asUintN(64, s[sp - 1]) <= BigInt.asUintN(64, b) ? 1 : 0;
            break;
          case 0x59:
            b = s[--sp];
            s[sp - 1] = s[sp - 1] >= b ? 1 : 0;
            break;
          case 0x5a:
            b = s[--sp];
            s[sp - 1] = BigInt.asUintN(64, s[sp - 1]) >= BigInt.asUintN(64, b) ? 1 : 0;
            break;
          // f32 comparisons (operands are bit patterns)
          case 0x5b:
            b = f32FromBits(s[--sp]);
            s[sp - 1] = f32FromBits(s[sp - 1]) === b ? 1 : 0;
            break;
          case 0x5c:
            b = f32FromBits(s[--sp]);
            s[sp - 1] = f32FromBits(s[sp - 1]) !== b ? 1 : 0;
            break;
          case 0x5d:
            b = f32FromBits(s[--sp]);
            s[sp - 1] = f32FromBits(s[sp - 1]) < b ? 1 : 0;
            break;
          case 0x5e:
            b = f32FromBits(s[--sp]);
            s[sp - 1] = f32FromBits(s[sp - 1]) > b ? 1 : 0;
            break;
          case 0x5f:
            b = f32FromBits(s[--sp]);
            s[sp - 1] = f32FromBits(s[sp - 1]) <= b ? 1 : 0;
            break;
          case 0x60:
            b = f32FromBits(s[--sp]);
            s[sp - 1] = f32FromBits(s[sp - 1]) >= b ? 1 : 0;
            break;
          // f64 comparisons
          case 0x61:
            b = +s[--sp];
            s[sp - 1] = +s[sp - 1] === b ? 1 : 0;
            break;
          case 0x62:
            b = +s[--sp];
            s[sp - 1] = +s[sp - 1] !== b ? 1 : 0;
            break;
          case 0x63:
            b = s[--sp];
            s[sp - 1] = s[sp - 1] < b ? 1 : 0;
            break;
          case 0x64:
            b = s[--sp];
            s[sp - 1] = s[sp - 1] > b ? 1 : 0;
            break;
          case 0x65:
            b = s[--sp];
            s[sp - 1] = s[sp - 1] <= b ? 1 : 0;
            break;
          case 0x66:
            b = s[--sp];
            s[sp - 1] = s[sp - 1] >= b ? 1 : 0;
            break;
          // i32 arithmetic
          case 0x67:
            s[sp - 1] = Math.clz32(s[sp - 1]);
            break;
          case 0x68:
            s[sp - 1] = i32Ctz(s[sp - 1]);
            break;
          case 0x69:
            s[sp - 1] = i32Popcnt(s[sp - 1]);
            break;
          case 0x6a:
            b = s[--sp];
            s[sp - 1] = (s[sp - 1] + b) | 0;
            break;
          case 0x6b:
            b = s[--sp];
            s[sp - 1] = (s[sp - 1] - b) | 0;
            break;
          case 0x6c:
            b = s[--sp];
            s[sp - 1] = Math.imul(s[sp - 1], b);
            break;
          case 0x6d:
            b = s[--sp];
            a = s[sp - 1];
            if (b === 0) throw divZero();
            if (a === -2147483648 && b === -1) throw overflow();
            s[sp - 1] = (a / b) | 0;
            break;
          case 0x6e:
            b = s[--sp];
            if (b === 0) throw divZero();
            s[sp - 1] = ((s[sp - 1] >>> 0) / (b >>> 0)) | 0;
            break;
          case 0x6f:
            b = s[--sp];
            if (b === 0) throw divZero();
            s[sp - 1] = (s[sp - 1] % b) | 0;
            break;
          case 0x70:
            b = s[--sp];
            if (b === 0) throw divZero();
            s[sp - 1] = ((s[sp - 1] >>> 0) % (b >>> 0)) | 0;
            break;
          case 0x71:
            b = s[--sp];
            s[sp - 1] &= b;
            break;
          case 0x72:
            b = s[--sp];
            s[sp - 1] |= b;
            break;
          case 0x73:
            b = s[--sp];
            s[sp - 1] ^= b;
            break;
          case 0x74:
            b = s[--sp];
            s[sp - 1] <<= b;
            break;
          case 0x75:
            b = s[--sp];
            s[sp - 1] >>= b;
            break;
          case 0x76:
            b = s[--sp];
            s[sp - 1] = (s[sp - 1] >>> b) | 0;
            break;
          case 0x77:
            b = s[--sp];
            a = s[sp - 1];
            s[sp - 1] = (a << b) | (a >>> (32 - (b & 31)));
            break;
          case 0x78:
            b = s[--sp];
            a = s[sp - 1];
            s[sp - 1] = (a >>> b) | (a << (32 - (b & 31)));
            break;
          // i64 arithmetic
          case 0x79:
            s[sp - 1] = BigInt(i64Clz(s[sp - 1]));
            break;
          case 0x7a:
            s[sp - 1] = BigInt(i64Ctz(s[sp - 1]));
            break;
          case 0x7b:
            s[sp - 1] = BigInt(i64Popcnt(s[sp - 1]));
            break;
          case 0x7c:
            b = s[--sp];
            s[sp - 1] = BigInt.asIntN(64, (s[sp - 1] as bigint) + (b as bigint));
            break;
          case 0x7d:
            b = s[--sp];
            s[sp - 1] = BigInt.asIntN(64, (s[sp - 1] as bigint) - (b as bigint));
            break;
          case 0x7e:
            b = s[--sp];
            s[sp - 1] = BigInt.asIntN(64, (s[sp - 1] as bigint) * (b as bigint));
            break;
          case 0x7f:
            b = s[--sp];
            a = s[sp - 1];
            if (b === 0n) throw divZero();
            if (a === I64_MIN && b === -1n) throw overflow();
            s[sp - 1] = a / b;
            break;
          case 0x80:
            b = s[--sp];
            if (b === 0n) throw divZero();
            s[sp - 1] = BigInt.asIntN(64, BigInt.asUintN(64, s[sp - 1]) / BigInt.asUintN(64, b));
            break;
          case 0x81:
            b = s[--sp];
            if (b === 0n) throw divZero();
            s[sp - 1] = s[sp - 1] % b;
            break;
          case 0x82:
            b = s[--sp];
            if (b === 0n) throw divZero();
            s[sp - 1] = BigInt.asIntN(64, BigInt.asUintN(64, s[sp - 1]) % BigInt.asUintN(64, b));
            break;
          case 0x83:
            b = s[--sp];
            s[sp - 1] &= b;
            break;
          case 0x84:
            b = s[--sp];
            s[sp - 1] |= b;
            break;
          case 0x85:
            b = s[--sp];
            s[sp - 1] ^= b;
            break;
          case 0x86:
            b = s[--sp];
            s[sp - 1] = BigInt.asIntN(64, s[sp - 1] << (b & 63n));
            break;
          case 0x87:
            b = s[--sp];
            s[sp - 1] = s[sp - 1] >> (b & 63n);
            break;
          case 0x88:
            b = s[--sp];
            s[sp - 1] = BigInt.asIntN(64, BigInt.asUintN(64, s[sp - 1]) >> (b & 63n));
            break;
          case 0x89:
            {
              const r = (s[--sp] as bigint) & 63n;
              const u = BigInt.asUintN(64, s[sp - 1]);
              s[sp - 1] = BigInt.asIntN(64, (u << r) | (u >> (64n - r)));
            }
            break;
          case 0x8a:
            {
              const r = (s[--sp] as bigint) & 63n;
              const u = BigInt.asUintN(64, s[sp - 1]);
              s[sp - 1] = BigInt.asIntN(64, (u >> r) | (u << (64n - r)));
            }
            break;
          // f32 arithmetic (bit patterns in, bit patterns out, NaNs canonical)
          case 0x8b:
            s[sp - 1] &= 0x7fffffff;
            break;
          case 0x8c:
            s[sp - 1] ^= 0x80000000;
            break;
          case 0x8d:
            s[sp - 1] = f32ToBits(Math.ceil(f32FromBits(s[sp - 1])));
            break;
          case 0x8e:
            s[sp - 1] = f32ToBits(Math.floor(f32FromBits(s[sp - 1])));
            break;
          case 0x8f:
            s[sp - 1] = f32ToBits(Math.trunc(f32FromBits(s[sp - 1])));
            break;
          case 0x90:
            s[sp - 1] = f32ToBits(nearest(f32FromBits(s[sp - 1])));
            break;
          case 0x91:
            s[sp - 1] = f32ToBits(Math.sqrt(f32FromBits(s[sp - 1])));
            break;
          case 0x92:
            b = f32FromBits(s[--sp]);
            s[sp - 1] = f32ToBits(f32FromBits(s[sp - 1]) + b);
            break;
          case 0x93:
            b = f32FromBits(s[--sp]);
            s[sp - 1] = f32ToBits(f32FromBits(s[sp - 1]) - b);
            break;
          case 0x94:
            b = f32FromBits(s[--sp]);
            s[sp - 1] = f32ToBits(f32FromBits(s[sp - 1]) * b);
            break;
          case 0x95:
            b = f32FromBits(s[--sp]);
            s[sp - 1] = f32ToBits(f32FromBits(s[sp - 1]) / b);
            break;
          case 0x96:
            b = f32FromBits(s[--sp]);
            s[sp - 1] = f32ToBits(Math.min(f32FromBits(s[sp - 1]), b));
            break;
          case 0x97:
            b = f32FromBits(s[--sp]);
            s[sp - 1] = f32ToBits(Math.max(f32FromBits(s[sp - 1]), b));
            break;
          case 0x98:
            b = s[--sp];
            s[sp - 1] = (s[sp - 1] & 0x7fffffff) | (b & 0x80000000);
            break;
          // f64 arithmetic
          case 0x99:
            s[sp - 1] = f64Abs(s[sp - 1]);
            break;
          case 0x9a:
            s[sp - 1] = f64Neg(s[sp - 1]);
            break;
          case 0x9b:
            s[sp - 1] = canonF64(Math.ceil(s[sp - 1]));
            break;
          case 0x9c:
            s[sp - 1] = canonF64(Math.floor(s[sp - 1]));
            break;
          case 0x9d:
            s[sp - 1] = canonF64(Math.trunc(s[sp - 1]));
            break;
          case 0x9e:
            s[sp - 1] = canonF64(nearest(+s[sp - 1]));
            break;
          case 0x9f:
            s[sp - 1] = canonF64(Math.sqrt(s[sp - 1]));
            break;
          case 0xa0:
            b = s[--sp];
            s[sp - 1] = canonF64(s[sp - 1] + b);
            break;
          case 0xa1:
            b = s[--sp];
            s[sp - 1] = canonF64(s[sp - 1] - b);
            break;
          case 0xa2:
            b = s[--sp];
            s[sp - 1] = canonF64(s[sp - 1] * b);
            break;
          case 0xa3:
            b = s[--sp];
            s[sp - 1] = canonF64(s[sp - 1] / b);
            break;
          case 0xa4:
            b = s[--sp];
            s[sp - 1] = canonF64(Math.min(s[sp - 1], b));
            break;
          case 0xa5:
            b = s[--sp];
            s[sp - 1] = canonF64(Math.max(s[sp - 1], b));
            break;
          case 0xa6:
            b = s[--sp];
            s[sp - 1] = f64Copysign(s[sp - 1], b);
            break;
          // conversions
          case 0xa7:
            s[sp - 1] = Number(BigInt.asIntN(32, s[sp - 1]));
            break;
          case 0xa8:
            s[sp - 1] = truncI32S(f32FromBits(s[sp - 1]));
            break;
          case 0xa9:
            s[sp - 1] = truncI32U(f32FromBits(s[sp - 1]));
            break;
          case 0xaa:
            s[sp - 1] = truncI32S(+s[sp - 1]);
            break;
          case 0xab:
            s[sp - 1] = truncI32U(+s[sp - 1]);
            break;
          case 0xac:
            s[sp - 1] = BigInt(s[sp - 1]);
            break;
          case 0xad:
            s[sp - 1] = BigInt(s[sp - 1] >>> 0);
            break;
          case 0xae:
            s[sp - 1] = truncI64S(f32FromBits(s[sp - 1]));
            break;
          case 0xaf:
            s[sp - 1] = truncI64U(f32FromBits(s[sp - 1]));
            break;
          case 0xb0:
            s[sp - 1] = truncI64S(+s[sp - 1]);
            break;
          case 0xb1:
            s[sp - 1] = truncI64U(+s[sp - 1]);
            break;
          case 0xb2:
            s[sp - 1] = f32ToBits(s[sp - 1]);
            break;
          case 0xb3:
            s[sp - 1] = f32ToBits(s[sp - 1] >>> 0);
            break;
          case 0xb4:
            s[sp - 1] = i64ToF32S(s[sp - 1]);
            break;
          case 0xb5:
            s[sp - 1] = i64ToF32U(s[sp - 1]);
            break;
          case 0xb6:
            s[sp - 1] = f32ToBits(+s[sp - 1]);
            break;
          case 0xb7:
            break;
          case 0xb8:
            s[sp - 1] = s[sp - 1] >>> 0;
            break;
          case 0xb9:
            s[sp - 1] = Number(s[sp - 1]);
            break;
          case 0xba:
            s[sp - 1] = Number(BigInt.asUintN(64, s[sp - 1]));
            break;
          case 0xbb:
            s[sp - 1] = canonF64(f32FromBits(s[sp - 1]));
            break;
          case 0xbc:
          case 0xbe:
            break;
          case 0xbd:
            s[sp - 1] = f64ToBits(s[sp - 1]);
            break;
          case 0xbf:
            s[sp - 1] = f64FromBits(s[sp - 1]);
            break;
          case 0xc0:
            s[sp - 1] = (s[sp - 1] << 24) >> 24;
            break;
          case 0xc1:
            s[sp - 1] = (s[sp - 1] << 16) >> 16;
            break;
          case 0xc2:
            s[sp - 1] = BigInt.asIntN(8, s[sp - 1]);
            break;
          case 0xc3:
            s[sp - 1] = BigInt.asIntN(16, s[sp - 1]);
            break;
          case 0xc4:
            s[sp - 1] = BigInt.asIntN(32, s[sp - 1]);
            break;
          // references
          case 0xd0:
            s[sp++] = null;
            break;
          case 0xd1:
            s[sp - 1] = s[sp - 1] === null ? 1 : 0;
            break;
          case 0xd2:
            s[sp++] = inst.funcs[code[pc++]];
            break;
          // saturating truncations
          case 0x100:
            s[sp - 1] = satI32S(f32FromBits(s[sp - 1]));
            break;
          case 0x101:
            s[sp - 1] = satI32U(f32FromBits(s[sp - 1]));
            break;
          case 0x102:
            s[sp - 1] = satI32S(+s[sp - 1]);
            break;
          case 0x103:
            s[sp - 1] = satI32U(+s[sp - 1]);
            break;
          case 0x104:
            s[sp - 1] = satI64S(f32FromBits(s[sp - 1]));
            break;
          case 0x105:
            s[sp - 1] = satI64U(f32FromBits(s[sp - 1]));
            break;
          case 0x106:
            s[sp - 1] = satI64S(+s[sp - 1]);
            break;
          case 0x107:
            s[sp - 1] = satI64U(+s[sp - 1]);
            break;
          // bulk memory
          case 0x108: {
            const seg = inst.datas[code[pc++]] ?? EMPTY_BYTES;
            const n = s[--sp] >>> 0;
            const src = s[--sp] >>> 0;
            const dst = s[--sp] >>> 0;
            if (src + n > seg.length || dst + n > buf.length) throw oobMemory();
            gas -= n * GAS_PER_BYTE;
            if (gas < 0) throw trap("OUT_OF_GAS", "out of gas in memory.init");
            buf.set(seg.subarray(src, src + n), dst);
            break;
          }
          case 0x109:
            inst.datas[code[pc++]] = null;
            break;
          case 0x10a: {
            const n = s[--sp] >>> 0;
            const src = s[--sp] >>> 0;
            const dst = s[--sp] >>> 0;
            if (src + n > buf.length || dst + n > buf.length) throw oobMemory();
            gas -= n * GAS_PER_BYTE;
            if (gas < 0) throw trap("OUT_OF_GAS", "out of gas in memory.copy");
            buf.copyWithin(dst, src, src + n);
            break;
          }
          case 0x10b: {
            const n = s[--sp] >>> 0;
            const v = s[--sp] & 0xff;
            const dst = s[--sp] >>> 0;
            if (dst + n > buf.length) throw oobMemory();
            gas -= n * GAS_PER_BYTE;
            if (gas < 0) throw trap("OUT_OF_GAS", "out of gas in memory.fill");
            buf.fill(v, dst, dst + n);
            break;
          }
          case 0x10c: {
            const seg = inst.elems[code[pc++]] ?? EMPTY_REFS;
            const t = inst.tables[code[pc++]] as Hot;
            const n = s[--sp] >>> 0;
            const src = s[--sp] >>> 0;
            const dst = s[--sp] >>> 0;
            if (src + n > seg.length || dst + n > t.elements.length) throw oobTable();
            gas -= n * GAS_PER_TABLE_ELEM;
            if (gas < 0) throw trap("OUT_OF_GAS", "out of gas in table.init");
            for (let i = 0; i < n; i++) t.elements[dst + i] = seg[src + i];
            break;
          }
          case 0x10d:
            inst.elems[code[pc++]] = null;
            break;
          case 0x10e: {
            const td = inst.tables[code[pc++]] as Hot;
            const ts = inst.tables[code[pc++]] as Hot;
            const n = s[--sp] >>> 0;
            const src = s[--sp] >>> 0;
            const dst = s[--sp] >>> 0;
            if (src + n > ts.elements.length || dst + n > td.elements.length) throw oobTable();
            gas -= n * GAS_PER_TABLE_ELEM;
            if (gas < 0) throw trap("OUT_OF_GAS", "out of gas in table.copy");
            if (td === ts) td.elements.copyWithin(dst, src, src + n);
            else for (let i = 0; i < n; i++) td.elements[dst + i] = ts.elements[src + i];
            break;
          }
          case 0x10f: {
            const t = inst.tables[code[pc++]] as Hot;
            const n = s[--sp] >>> 0;
            const old = tableGrow(t, n, s[sp - 1], limits.tableSizeMax);
            if (old >= 0) {
              gas -= n * GAS_PER_TABLE_ELEM;
              if (gas < 0) throw trap("OUT_OF_GAS", "out of gas in table.grow");
            }
            s[sp - 1] = old;
            break;
          }
          case 0x110:
            s[sp++] = (inst.tables[code[pc++]] as Hot).elements.length;
            break;
          case 0x111: {
            const t = inst.tables[code[pc++]] as Hot;
            const n = s[--sp] >>> 0;
            const v = s[--sp];
            const dst = s[--sp] >>> 0;
            if (dst + n > t.elements.length) throw oobTable();
            gas -= n * GAS_PER_TABLE_ELEM;
            if (gas < 0) throw trap("OUT_OF_GAS", "out of gas in table.fill");
            t.elements.fill(v, dst, dst + n);
            break;
          }
          default:
            throw trap("TRAP_HOST", `internal error: unknown internal opcode ${code[pc - 1]}`);
        }
      }
    } finally {
      this.sp = sp;
      this.gas = gas;
    }
  }
}
