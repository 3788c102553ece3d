/**
 * The machine: one value stack (locals and operands of every frame) and one frame stack, both
 * owned here, so a call never recurses in JS and execution can stop at a host call and resume
 * (`SUSPEND`). Gas is charged per basic block (`OP_GAS`), plus per byte / page / element by the
 * bulk and grow instructions; every limit ends in a `WasmError`, never a host exception.
 */

import { type CompiledFunc, inInt32 } from "./compile";
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
// Case labels are numeric literals (internal opcodes in ./opcodes.ts, named in comments):
// V8 compiles a switch to a jump table only when every label is a literal.
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
import type { ValType } from "./types";

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
  /** i32 and f32 (bits) slots. */
  private n = new Int32Array(4096);
  /** i64, f64 and reference slots (same indices as `n`; a slot is used in one of them). */
  private readonly o: Value[] = new Array<Value>(4096).fill(null);
  private entryTypes: ValType[] = [];
  private suspendedTypes: ValType[] = [];
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
    this.entryTypes = func.type.results;
    if (func.kind === "host") {
      const res = this.callHost(func, args);
      if (res === SUSPEND) throw trap("TRAP_HOST", "entry host function cannot suspend");
      return { status: "done", results: res, gasLeft: this.gas };
    }
    const params = func.type.params;
    if (args.length !== params.length)
      throw trap("TRAP_HOST", `expected ${params.length} arguments, got ${args.length}`);
    this.ensure(args.length);
    for (let i = 0; i < args.length; i++) this.pushValue(params[i] as ValType, args[i] as Value);
    this.stopDepth = 0;
    try {
      this.enter(func);
    } catch (e) {
      this.reset();
      throw e;
    }
    return this.continue();
  }

  /** Gas left in the current call; host functions read it while the machine runs. */
  gasLeft(): number {
    return this.gas;
  }

  /**
   * Charges gas from inside a host function (storage, hashing, nested calls: docs/CONTRACTS.md).
   * Not enough gas left is the same deterministic OUT_OF_GAS trap as for instructions.
   */
  charge(amount: number): void {
    if (!(amount <= this.gas)) {
      this.gas = 0;
      throw trap("OUT_OF_GAS", `out of gas: host function needs ${amount}`);
    }
    this.gas -= amount;
  }

  /** Continues a suspended run with the host function's results. */
  resume(results: Value[]): RunResult {
    if (this.suspendedResults < 0) throw trap("TRAP_HOST", "nothing to resume");
    if (results.length !== this.suspendedResults) throw trap("TRAP_HOST", "wrong number of host results");
    this.suspendedResults = -1;
    for (let i = 0; i < results.length; i++)
      this.pushValue(this.suspendedTypes[i] as ValType, results[i] as Value);
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
    const results: Value[] = [];
    for (let i = 0; i < n; i++) results.push(this.valueAt(this.entryTypes[i] as ValType, this.sp - n + i));
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

  /** Makes room for `extra` more slots above sp (callers check valueStackMax first). */
  private ensure(extra: number): void {
    const need = this.sp + extra;
    if (need <= this.n.length) return;
    const size = Math.max(need, this.n.length * 2);
    const next = new Int32Array(size);
    next.set(this.n);
    this.n = next;
    while (this.o.length < size) this.o.push(null);
  }

  private pushValue(t: ValType, v: Value): void {
    if (inInt32(t)) this.n[this.sp] = v as number;
    else this.o[this.sp] = v;
    this.sp++;
  }

  private valueAt(t: ValType, i: number): Value {
    return inInt32(t) ? (this.n[i] as number) : (this.o[i] as Value);
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
    if (need > this.n.length) {
      if (need > this.limits.valueStackMax)
        throw trap(
          "TRAP_VALUE_STACK_EXHAUSTED",
          `value stack exhausted: valueStackMax ${this.limits.valueStackMax}`,
          {
            limit: this.limits.valueStackMax,
          },
        );
      this.ensure(need - this.sp);
    }
    let sp = this.sp;
    const d = b.localDefaults;
    const kinds = b.localInt32;
    for (let i = 0; i < d.length; i++) {
      if (kinds[i] === 1) this.n[sp] = 0;
      else this.o[sp] = d[i] as Value;
      sp++;
    }
    this.sp = sp;
    const k = this.depth++;
    this.fFunc[k] = f;
    this.fPc[k] = 0;
    this.fBase[k] = base;
  }

  /** The interpreter loop. Returns undefined when the entry frame returned, or a suspension. */
  private run(): { host: FuncInst; args: Value[] } | undefined {
    let n: Hot = this.n;
    const o: Hot[] = this.o;
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
          case 0x07: // OP_GAS
            gas -= code[pc++];
            if (gas < 0) throw trap("OUT_OF_GAS", "out of gas");
            break;
          case 0x00:
            throw trap("TRAP_UNREACHABLE", "unreachable executed");
          case 0x04: // OP_IF
            if (n[--sp] === 0) pc = code[pc];
            else pc++;
            break;
          case 0x06: // OP_JMP
            pc = code[pc];
            break;
          case 0x0d: {
            // OP_BR_IF
            if (n[--sp] === 0) {
              pc += 3;
              break;
            }
            const arity: number = code[pc + 1];
            const h = base + code[pc + 2];
            if (sp - arity !== h) {
              for (let i = 0; i < arity; i++) {
                n[h + i] = n[sp - arity + i];
                o[h + i] = o[sp - arity + i];
              }
            }
            sp = h + arity;
            pc = code[pc];
            break;
          }
          case 0xde: {
            // OP_BR_UNLESS (i32.eqz; br_if)
            if (n[--sp] !== 0) {
              pc += 3;
              break;
            }
            const arity: number = code[pc + 1];
            const h = base + code[pc + 2];
            if (sp - arity !== h) {
              for (let i = 0; i < arity; i++) {
                n[h + i] = n[sp - arity + i];
                o[h + i] = o[sp - arity + i];
              }
            }
            sp = h + arity;
            pc = code[pc];
            break;
          }
          case 0x18: // i32.add L
            n[sp - 1] += n[base + code[pc++]];
            break;
          case 0x19: // i32.sub L
            n[sp - 1] -= n[base + code[pc++]];
            break;
          case 0x1d: // i32.mul L
            n[sp - 1] = Math.imul(n[sp - 1], n[base + code[pc++]]);
            break;
          case 0x1e: // i32.and L
            n[sp - 1] &= n[base + code[pc++]];
            break;
          case 0x1f: // i32.or L
            n[sp - 1] |= n[base + code[pc++]];
            break;
          case 0x27: // i32.xor L
            n[sp - 1] ^= n[base + code[pc++]];
            break;
          case 0xdf: // local.get x; i32.rotr K
            a = n[base + code[pc]];
            b = code[pc + 1];
            pc += 2;
            n[sp++] = (a >>> b) | (a << (32 - b));
            break;
          case 0xf2: // local.get x; i32.shl K
            n[sp++] = n[base + code[pc]] << code[pc + 1];
            pc += 2;
            break;
          case 0xf3: // local.get x; i32.add K
            n[sp++] = n[base + code[pc]] + code[pc + 1];
            pc += 2;
            break;
          case 0xf4: // i32.add; local.set x
            sp -= 2;
            n[base + code[pc++]] = n[sp] + n[sp + 1];
            break;
          case 0xf5: // i32.sub; local.set x
            sp -= 2;
            n[base + code[pc++]] = n[sp] - n[sp + 1];
            break;
          case 0xf6: // i32.mul; local.set x
            sp -= 2;
            n[base + code[pc++]] = Math.imul(n[sp], n[sp + 1]);
            break;
          case 0xf7: // i32.and; local.set x
            sp -= 2;
            n[base + code[pc++]] = n[sp] & n[sp + 1];
            break;
          case 0xf8: // i32.or; local.set x
            sp -= 2;
            n[base + code[pc++]] = n[sp] | n[sp + 1];
            break;
          case 0xf9: // i32.xor; local.set x
            sp -= 2;
            n[base + code[pc++]] = n[sp] ^ n[sp + 1];
            break;
          case 0xfa: // local.get x; i32.const c; i32.add; local.set y
            n[base + code[pc + 2]] = n[base + code[pc]] + code[pc + 1];
            pc += 3;
            break;
          case 0xfb: // local.get x; i32.const k; i32.shl; i32.load off
            ea = ((n[base + code[pc]] << code[pc + 1]) >>> 0) + (code[pc + 2] >>> 0);
            pc += 3;
            if (ea + 4 > buf.length) throw oobMemory();
            n[sp++] = view.getInt32(ea, true);
            break;
          case 0xdc: // OP_LGET2
            n[sp] = n[base + code[pc]];
            n[sp + 1] = n[base + code[pc + 1]];
            sp += 2;
            pc += 2;
            break;
          case 0xdd: // OP_LLOAD_I32
            ea = (n[base + code[pc]] >>> 0) + (code[pc + 1] >>> 0);
            pc += 2;
            if (ea + 4 > buf.length) throw oobMemory();
            n[sp++] = view.getInt32(ea, true);
            break;
          case 0xc5: // i32.add K
            n[sp - 1] += code[pc++];
            break;
          case 0xc6: // i32.mul K
            n[sp - 1] = Math.imul(n[sp - 1], code[pc++]);
            break;
          case 0xc7: // i32.and K
            n[sp - 1] &= code[pc++];
            break;
          case 0xc8: // i32.or K
            n[sp - 1] |= code[pc++];
            break;
          case 0xc9: // i32.xor K
            n[sp - 1] ^= code[pc++];
            break;
          case 0xca: // i32.shl K
            n[sp - 1] <<= code[pc++];
            break;
          case 0xcb: // i32.shr_s K
            n[sp - 1] >>= code[pc++];
            break;
          case 0xcc: // i32.shr_u K
            n[sp - 1] = n[sp - 1] >>> code[pc++];
            break;
          case 0xcd: // i32.rotr K
            a = n[sp - 1];
            b = code[pc++];
            n[sp - 1] = (a >>> b) | (a << (32 - b));
            break;
          case 0xce: // i32.eq K
            n[sp - 1] = n[sp - 1] === code[pc++] ? 1 : 0;
            break;
          case 0xcf: // i32.ne K
            n[sp - 1] = n[sp - 1] !== code[pc++] ? 1 : 0;
            break;
          case 0xd3: // i32.lt_s K
            n[sp - 1] = n[sp - 1] < code[pc++] ? 1 : 0;
            break;
          case 0xd4: // i32.lt_u K
            n[sp - 1] = n[sp - 1] >>> 0 < code[pc++] >>> 0 ? 1 : 0;
            break;
          case 0xd5: // i32.gt_s K
            n[sp - 1] = n[sp - 1] > code[pc++] ? 1 : 0;
            break;
          case 0xd6: // i32.gt_u K
            n[sp - 1] = n[sp - 1] >>> 0 > code[pc++] >>> 0 ? 1 : 0;
            break;
          case 0xd7: // i32.le_s K
            n[sp - 1] = n[sp - 1] <= code[pc++] ? 1 : 0;
            break;
          case 0xd8: // i32.le_u K
            n[sp - 1] = n[sp - 1] >>> 0 <= code[pc++] >>> 0 ? 1 : 0;
            break;
          case 0xd9: // i32.ge_s K
            n[sp - 1] = n[sp - 1] >= code[pc++] ? 1 : 0;
            break;
          case 0xda: // i32.ge_u K
            n[sp - 1] = n[sp - 1] >>> 0 >= code[pc++] >>> 0 ? 1 : 0;
            break;
          case 0x0c: {
            // OP_BR
            const arity: number = code[pc + 1];
            const h = base + code[pc + 2];
            if (sp - arity !== h) {
              for (let i = 0; i < arity; i++) {
                n[h + i] = n[sp - arity + i];
                o[h + i] = o[sp - arity + i];
              }
            }
            sp = h + arity;
            pc = code[pc];
            break;
          }
          case 0x0e: {
            // OP_BR_TABLE
            const i = n[--sp] >>> 0;
            const cnt: number = code[pc];
            const arity: number = code[pc + 1];
            const e = pc + 2 + 2 * Math.min(i, cnt);
            const h = base + code[e + 1];
            if (sp - arity !== h) {
              for (let j = 0; j < arity; j++) {
                n[h + j] = n[sp - arity + j];
                o[h + j] = o[sp - arity + j];
              }
            }
            sp = h + arity;
            pc = code[e];
            break;
          }
          case 0x0f: {
            // OP_RETURN
            const nr = fn.body.numResults;
            for (let i = 0; i < nr; i++) {
              n[base + i] = n[sp - nr + i];
              o[base + i] = o[sp - nr + i];
            }
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
          case 0x10: // OP_CALL
          case 0x11: {
            // OP_CALL_INDIRECT
            let f: FuncInst;
            if (code[pc - 1] === 0x10) f = inst.funcs[code[pc++]] as FuncInst;
            else {
              const type = inst.types[code[pc++]];
              const table = inst.tables[code[pc++]];
              const i = n[--sp] >>> 0;
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
              const ps = f.type.params;
              const np = ps.length;
              const args: Value[] = [];
              for (let i = 0; i < np; i++) args.push(this.valueAt(ps[i] as ValType, sp - np + i));
              sp -= np;
              this.fPc[k] = pc;
              this.sp = sp;
              this.gas = gas;
              const res = this.callHost(f, args);
              // A host function may have charged gas (Machine.charge).
              gas = this.gas;
              if (res === SUSPEND) {
                this.suspendedResults = f.type.results.length;
                this.suspendedTypes = f.type.results;
                return { host: f, args };
              }
              const rs = f.type.results;
              for (let i = 0; i < res.length; i++) {
                if (inInt32(rs[i] as ValType)) n[sp++] = res[i];
                else o[sp++] = res[i];
              }
            } else {
              this.fPc[k] = pc;
              this.sp = sp;
              this.enter(f);
              n = this.n;
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
            c = n[--sp];
            b = n[--sp];
            if (c === 0) n[sp - 1] = b;
            break;
          case 0x17: // OP_SELECT_O
            c = n[--sp];
            b = o[--sp];
            if (c === 0) o[sp - 1] = b;
            break;
          case 0x20:
            n[sp++] = n[base + code[pc++]];
            break;
          case 0x12: // OP_LOCAL_GET_O
            o[sp++] = o[base + code[pc++]];
            break;
          case 0x21:
            n[base + code[pc++]] = n[--sp];
            break;
          case 0x13: // OP_LOCAL_SET_O
            o[base + code[pc++]] = o[--sp];
            break;
          case 0x22:
            n[base + code[pc++]] = n[sp - 1];
            break;
          case 0x14: // OP_LOCAL_TEE_O
            o[base + code[pc++]] = o[sp - 1];
            break;
          case 0x23:
            n[sp++] = (inst.globals[code[pc++]] as Hot).value;
            break;
          case 0x15: // OP_GLOBAL_GET_O
            o[sp++] = (inst.globals[code[pc++]] as Hot).value;
            break;
          case 0x24:
            (inst.globals[code[pc++]] as Hot).value = n[--sp];
            break;
          case 0x16: // OP_GLOBAL_SET_O
            (inst.globals[code[pc++]] as Hot).value = o[--sp];
            break;
          case 0x25: {
            const t = inst.tables[code[pc++]] as Hot;
            a = n[sp - 1] >>> 0;
            if (a >= t.elements.length) throw oobTable();
            o[sp - 1] = t.elements[a];
            break;
          }
          case 0x26: {
            const t = inst.tables[code[pc++]] as Hot;
            b = o[--sp];
            a = n[--sp] >>> 0;
            if (a >= t.elements.length) throw oobTable();
            t.elements[a] = b;
            break;
          }
          // Loads: effective address = operand (u32) + offset (u32), bounds-checked against the memory.
          case 0x28:
            ea = (n[sp - 1] >>> 0) + (code[pc++] >>> 0);
            if (ea + 4 > buf.length) throw oobMemory();
            n[sp - 1] = view.getInt32(ea, true);
            break;
          case 0x29:
            ea = (n[sp - 1] >>> 0) + (code[pc++] >>> 0);
            if (ea + 8 > buf.length) throw oobMemory();
            o[sp - 1] = view.getBigInt64(ea, true);
            break;
          case 0x2a:
            ea = (n[sp - 1] >>> 0) + (code[pc++] >>> 0);
            if (ea + 4 > buf.length) throw oobMemory();
            n[sp - 1] = view.getInt32(ea, true);
            break;
          case 0x2b:
            ea = (n[sp - 1] >>> 0) + (code[pc++] >>> 0);
            if (ea + 8 > buf.length) throw oobMemory();
            a = view.getFloat64(ea, true);
            o[sp - 1] = !Number.isNaN(a) ? a : f64FromBits(view.getBigInt64(ea, true));
            break;
          case 0x2c:
            ea = (n[sp - 1] >>> 0) + (code[pc++] >>> 0);
            if (ea + 1 > buf.length) throw oobMemory();
            n[sp - 1] = ((buf[ea] as number) << 24) >> 24;
            break;
          case 0x2d:
            ea = (n[sp - 1] >>> 0) + (code[pc++] >>> 0);
            if (ea + 1 > buf.length) throw oobMemory();
            n[sp - 1] = buf[ea];
            break;
          case 0x2e:
            ea = (n[sp - 1] >>> 0) + (code[pc++] >>> 0);
            if (ea + 2 > buf.length) throw oobMemory();
            n[sp - 1] = view.getInt16(ea, true);
            break;
          case 0x2f:
            ea = (n[sp - 1] >>> 0) + (code[pc++] >>> 0);
            if (ea + 2 > buf.length) throw oobMemory();
            n[sp - 1] = view.getUint16(ea, true);
            break;
          case 0x30:
            ea = (n[sp - 1] >>> 0) + (code[pc++] >>> 0);
            if (ea + 1 > buf.length) throw oobMemory();
            o[sp - 1] = BigInt(view.getInt8(ea));
            break;
          case 0x31:
            ea = (n[sp - 1] >>> 0) + (code[pc++] >>> 0);
            if (ea + 1 > buf.length) throw oobMemory();
            o[sp - 1] = BigInt(buf[ea] as number);
            break;
          case 0x32:
            ea = (n[sp - 1] >>> 0) + (code[pc++] >>> 0);
            if (ea + 2 > buf.length) throw oobMemory();
            o[sp - 1] = BigInt(view.getInt16(ea, true));
            break;
          case 0x33:
            ea = (n[sp - 1] >>> 0) + (code[pc++] >>> 0);
            if (ea + 2 > buf.length) throw oobMemory();
            o[sp - 1] = BigInt(view.getUint16(ea, true));
            break;
          case 0x34:
            ea = (n[sp - 1] >>> 0) + (code[pc++] >>> 0);
            if (ea + 4 > buf.length) throw oobMemory();
            o[sp - 1] = BigInt(view.getInt32(ea, true));
            break;
          case 0x35:
            ea = (n[sp - 1] >>> 0) + (code[pc++] >>> 0);
            if (ea + 4 > buf.length) throw oobMemory();
            o[sp - 1] = BigInt(view.getUint32(ea, true));
            break;
          case 0x36:
          case 0x38:
            b = n[--sp];
            ea = (n[--sp] >>> 0) + (code[pc++] >>> 0);
            if (ea + 4 > buf.length) throw oobMemory();
            view.setInt32(ea, b, true);
            break;
          case 0x37:
            b = o[--sp];
            ea = (n[--sp] >>> 0) + (code[pc++] >>> 0);
            if (ea + 8 > buf.length) throw oobMemory();
            view.setBigInt64(ea, b, true);
            break;
          case 0x39:
            b = o[--sp];
            ea = (n[--sp] >>> 0) + (code[pc++] >>> 0);
            if (ea + 8 > buf.length) throw oobMemory();
            if (typeof b === "number") view.setFloat64(ea, b, true);
            else view.setBigInt64(ea, f64ToBits(b), true);
            break;
          case 0x3a:
            b = n[--sp];
            ea = (n[--sp] >>> 0) + (code[pc++] >>> 0);
            if (ea + 1 > buf.length) throw oobMemory();
            buf[ea] = b;
            break;
          case 0x3b:
            b = n[--sp];
            ea = (n[--sp] >>> 0) + (code[pc++] >>> 0);
            if (ea + 2 > buf.length) throw oobMemory();
            view.setInt16(ea, b, true);
            break;
          case 0x3c:
            b = o[--sp];
            ea = (n[--sp] >>> 0) + (code[pc++] >>> 0);
            if (ea + 1 > buf.length) throw oobMemory();
            buf[ea] = Number(BigInt.asUintN(8, b));
            break;
          case 0x3d:
            b = o[--sp];
            ea = (n[--sp] >>> 0) + (code[pc++] >>> 0);
            if (ea + 2 > buf.length) throw oobMemory();
            view.setUint16(ea, Number(BigInt.asUintN(16, b)), true);
            break;
          case 0x3e:
            b = o[--sp];
            ea = (n[--sp] >>> 0) + (code[pc++] >>> 0);
            if (ea + 4 > buf.length) throw oobMemory();
            view.setUint32(ea, Number(BigInt.asUintN(32, b)), true);
            break;
          case 0x3f:
            n[sp++] = (mem as MemInst).pages;
            break;
          case 0x40: {
            const m = mem as MemInst;
            const delta = n[sp - 1] >>> 0;
            const old = m.grow(delta, limits.memoryPagesMax);
            if (old >= 0) {
              gas -= delta * GAS_PER_PAGE;
              if (gas < 0) throw trap("OUT_OF_GAS", "out of gas in memory.grow");
            }
            n[sp - 1] = old;
            buf = m.buf;
            view = m.view;
            break;
          }
          case 0x41:
          case 0x43:
            n[sp++] = code[pc++];
            break;
          case 0x42:
          case 0x44:
            o[sp++] = consts[code[pc++]];
            break;
          // i32 comparisons
          case 0x45:
            n[sp - 1] = n[sp - 1] === 0 ? 1 : 0;
            break;
          case 0x46:
            b = n[--sp];
            n[sp - 1] = n[sp - 1] === b ? 1 : 0;
            break;
          case 0x47:
            b = n[--sp];
            n[sp - 1] = n[sp - 1] !== b ? 1 : 0;
            break;
          case 0x48:
            b = n[--sp];
            n[sp - 1] = n[sp - 1] < b ? 1 : 0;
            break;
          case 0x49:
            b = n[--sp];
            n[sp - 1] = n[sp - 1] >>> 0 < b >>> 0 ? 1 : 0;
            break;
          case 0x4a:
            b = n[--sp];
            n[sp - 1] = n[sp - 1] > b ? 1 : 0;
            break;
          case 0x4b:
            b = n[--sp];
            n[sp - 1] = n[sp - 1] >>> 0 > b >>> 0 ? 1 : 0;
            break;
          case 0x4c:
            b = n[--sp];
            n[sp - 1] = n[sp - 1] <= b ? 1 : 0;
            break;
          case 0x4d:
            b = n[--sp];
            n[sp - 1] = n[sp - 1] >>> 0 <= b >>> 0 ? 1 : 0;
            break;
          case 0x4e:
            b = n[--sp];
            n[sp - 1] = n[sp - 1] >= b ? 1 : 0;
            break;
          case 0x4f:
            b = n[--sp];
            n[sp - 1] = n[sp - 1] >>> 0 >= b >>> 0 ? 1 : 0;
            break;
          // i64 comparisons
          case 0x50:
            n[sp - 1] = o[sp - 1] === 0n ? 1 : 0;
            break;
          case 0x51:
            b = o[--sp];
            n[sp - 1] = o[sp - 1] === b ? 1 : 0;
            break;
          case 0x52:
            b = o[--sp];
            n[sp - 1] = o[sp - 1] !== b ? 1 : 0;
            break;
          case 0x53:
            b = o[--sp];
            n[sp - 1] = o[sp - 1] < b ? 1 : 0;
            break;
          case 0x54:
            b = o[--sp];
            n[sp - 1] = BigInt.asUintN(64, o[sp - 1]) < BigInt.asUintN(64, b) ? 1 : 0;
            break;
          case 0x55:
            b = o[--sp];
            n[sp - 1] = o[sp - 1] > b ? 1 : 0;
            break;
          case 0x56:
            b = o[--sp];
            n[sp - 1] = BigInt.asUintN(64, o[sp - 1]) > BigInt.asUintN(64, b) ? 1 : 0;
            break;
          case 0x57:
            b = o[--sp];
            n[sp - 1] = o[sp - 1] <= b ? 1 : 0;
            break;
          case 0x58:
            b = o[--sp];
            n[sp - 1] = BigInt.asUintN(64, o[sp - 1]) <= BigInt.asUintN(64, b) ? 1 : 0;
            break;
          case 0x59:
            b = o[--sp];
            n[sp - 1] = o[sp - 1] >= b ? 1 : 0;
            break;
          case 0x5a:
            b = o[--sp];
            n[sp - 1] = BigInt.asUintN(64, o[sp - 1]) >= BigInt.asUintN(64, b) ? 1 : 0;
            break;
          // f32 comparisons (operands are bit patterns)
          case 0x5b:
            b = f32FromBits(n[--sp]);
            n[sp - 1] = f32FromBits(n[sp - 1]) === b ? 1 : 0;
            break;
          case 0x5c:
            b = f32FromBits(n[--sp]);
            n[sp - 1] = f32FromBits(n[sp - 1]) !== b ? 1 : 0;
            break;
          case 0x5d:
            b = f32FromBits(n[--sp]);
            n[sp - 1] = f32FromBits(n[sp - 1]) < b ? 1 : 0;
            break;
          case 0x5e:
            b = f32FromBits(n[--sp]);
            n[sp - 1] = f32FromBits(n[sp - 1]) > b ? 1 : 0;
            break;
          case 0x5f:
            b = f32FromBits(n[--sp]);
            n[sp - 1] = f32FromBits(n[sp - 1]) <= b ? 1 : 0;
            break;
          case 0x60:
            b = f32FromBits(n[--sp]);
            n[sp - 1] = f32FromBits(n[sp - 1]) >= b ? 1 : 0;
            break;
          // f64 comparisons
          case 0x61:
            b = +o[--sp];
            n[sp - 1] = +o[sp - 1] === b ? 1 : 0;
            break;
          case 0x62:
            b = +o[--sp];
            n[sp - 1] = +o[sp - 1] !== b ? 1 : 0;
            break;
          case 0x63:
            b = o[--sp];
            n[sp - 1] = o[sp - 1] < b ? 1 : 0;
            break;
          case 0x64:
            b = o[--sp];
            n[sp - 1] = o[sp - 1] > b ? 1 : 0;
            break;
          case 0x65:
            b = o[--sp];
            n[sp - 1] = o[sp - 1] <= b ? 1 : 0;
            break;
          case 0x66:
            b = o[--sp];
            n[sp - 1] = o[sp - 1] >= b ? 1 : 0;
            break;
          // i32 arithmetic
          case 0x67:
            n[sp - 1] = Math.clz32(n[sp - 1]);
            break;
          case 0x68:
            n[sp - 1] = i32Ctz(n[sp - 1]);
            break;
          case 0x69:
            n[sp - 1] = i32Popcnt(n[sp - 1]);
            break;
          case 0x6a:
            b = n[--sp];
            n[sp - 1] = (n[sp - 1] + b) | 0;
            break;
          case 0x6b:
            b = n[--sp];
            n[sp - 1] = (n[sp - 1] - b) | 0;
            break;
          case 0x6c:
            b = n[--sp];
            n[sp - 1] = Math.imul(n[sp - 1], b);
            break;
          case 0x6d:
            b = n[--sp];
            a = n[sp - 1];
            if (b === 0) throw divZero();
            if (a === -2147483648 && b === -1) throw overflow();
            n[sp - 1] = (a / b) | 0;
            break;
          case 0x6e:
            b = n[--sp];
            if (b === 0) throw divZero();
            n[sp - 1] = ((n[sp - 1] >>> 0) / (b >>> 0)) | 0;
            break;
          case 0x6f:
            b = n[--sp];
            if (b === 0) throw divZero();
            n[sp - 1] = (n[sp - 1] % b) | 0;
            break;
          case 0x70:
            b = n[--sp];
            if (b === 0) throw divZero();
            n[sp - 1] = ((n[sp - 1] >>> 0) % (b >>> 0)) | 0;
            break;
          case 0x71:
            b = n[--sp];
            n[sp - 1] &= b;
            break;
          case 0x72:
            b = n[--sp];
            n[sp - 1] |= b;
            break;
          case 0x73:
            b = n[--sp];
            n[sp - 1] ^= b;
            break;
          case 0x74:
            b = n[--sp];
            n[sp - 1] <<= b;
            break;
          case 0x75:
            b = n[--sp];
            n[sp - 1] >>= b;
            break;
          case 0x76:
            b = n[--sp];
            n[sp - 1] = (n[sp - 1] >>> b) | 0;
            break;
          case 0x77:
            b = n[--sp];
            a = n[sp - 1];
            n[sp - 1] = (a << b) | (a >>> (32 - (b & 31)));
            break;
          case 0x78:
            b = n[--sp];
            a = n[sp - 1];
            n[sp - 1] = (a >>> b) | (a << (32 - (b & 31)));
            break;
          // i64 arithmetic
          case 0x79:
            o[sp - 1] = BigInt(i64Clz(o[sp - 1]));
            break;
          case 0x7a:
            o[sp - 1] = BigInt(i64Ctz(o[sp - 1]));
            break;
          case 0x7b:
            o[sp - 1] = BigInt(i64Popcnt(o[sp - 1]));
            break;
          case 0x7c:
            b = o[--sp];
            o[sp - 1] = BigInt.asIntN(64, (o[sp - 1] as bigint) + (b as bigint));
            break;
          case 0x7d:
            b = o[--sp];
            o[sp - 1] = BigInt.asIntN(64, (o[sp - 1] as bigint) - (b as bigint));
            break;
          case 0x7e:
            b = o[--sp];
            o[sp - 1] = BigInt.asIntN(64, (o[sp - 1] as bigint) * (b as bigint));
            break;
          case 0x7f:
            b = o[--sp];
            a = o[sp - 1];
            if (b === 0n) throw divZero();
            if (a === I64_MIN && b === -1n) throw overflow();
            o[sp - 1] = a / b;
            break;
          case 0x80:
            b = o[--sp];
            if (b === 0n) throw divZero();
            o[sp - 1] = BigInt.asIntN(64, BigInt.asUintN(64, o[sp - 1]) / BigInt.asUintN(64, b));
            break;
          case 0x81:
            b = o[--sp];
            if (b === 0n) throw divZero();
            o[sp - 1] = o[sp - 1] % b;
            break;
          case 0x82:
            b = o[--sp];
            if (b === 0n) throw divZero();
            o[sp - 1] = BigInt.asIntN(64, BigInt.asUintN(64, o[sp - 1]) % BigInt.asUintN(64, b));
            break;
          case 0x83:
            b = o[--sp];
            o[sp - 1] &= b;
            break;
          case 0x84:
            b = o[--sp];
            o[sp - 1] |= b;
            break;
          case 0x85:
            b = o[--sp];
            o[sp - 1] ^= b;
            break;
          case 0x86:
            b = o[--sp];
            o[sp - 1] = BigInt.asIntN(64, o[sp - 1] << (b & 63n));
            break;
          case 0x87:
            b = o[--sp];
            o[sp - 1] = o[sp - 1] >> (b & 63n);
            break;
          case 0x88:
            b = o[--sp];
            o[sp - 1] = BigInt.asIntN(64, BigInt.asUintN(64, o[sp - 1]) >> (b & 63n));
            break;
          case 0x89:
            {
              const r = (o[--sp] as bigint) & 63n;
              const u = BigInt.asUintN(64, o[sp - 1]);
              o[sp - 1] = BigInt.asIntN(64, (u << r) | (u >> (64n - r)));
            }
            break;
          case 0x8a:
            {
              const r = (o[--sp] as bigint) & 63n;
              const u = BigInt.asUintN(64, o[sp - 1]);
              o[sp - 1] = BigInt.asIntN(64, (u >> r) | (u << (64n - r)));
            }
            break;
          // f32 arithmetic (bit patterns in, bit patterns out, NaNs canonical)
          case 0x8b:
            n[sp - 1] &= 0x7fffffff;
            break;
          case 0x8c:
            n[sp - 1] ^= 0x80000000;
            break;
          case 0x8d:
            n[sp - 1] = f32ToBits(Math.ceil(f32FromBits(n[sp - 1])));
            break;
          case 0x8e:
            n[sp - 1] = f32ToBits(Math.floor(f32FromBits(n[sp - 1])));
            break;
          case 0x8f:
            n[sp - 1] = f32ToBits(Math.trunc(f32FromBits(n[sp - 1])));
            break;
          case 0x90:
            n[sp - 1] = f32ToBits(nearest(f32FromBits(n[sp - 1])));
            break;
          case 0x91:
            n[sp - 1] = f32ToBits(Math.sqrt(f32FromBits(n[sp - 1])));
            break;
          case 0x92:
            b = f32FromBits(n[--sp]);
            n[sp - 1] = f32ToBits(f32FromBits(n[sp - 1]) + b);
            break;
          case 0x93:
            b = f32FromBits(n[--sp]);
            n[sp - 1] = f32ToBits(f32FromBits(n[sp - 1]) - b);
            break;
          case 0x94:
            b = f32FromBits(n[--sp]);
            n[sp - 1] = f32ToBits(f32FromBits(n[sp - 1]) * b);
            break;
          case 0x95:
            b = f32FromBits(n[--sp]);
            n[sp - 1] = f32ToBits(f32FromBits(n[sp - 1]) / b);
            break;
          case 0x96:
            b = f32FromBits(n[--sp]);
            n[sp - 1] = f32ToBits(Math.min(f32FromBits(n[sp - 1]), b));
            break;
          case 0x97:
            b = f32FromBits(n[--sp]);
            n[sp - 1] = f32ToBits(Math.max(f32FromBits(n[sp - 1]), b));
            break;
          case 0x98:
            b = n[--sp];
            n[sp - 1] = (n[sp - 1] & 0x7fffffff) | (b & 0x80000000);
            break;
          // f64 arithmetic
          case 0x99:
            o[sp - 1] = f64Abs(o[sp - 1]);
            break;
          case 0x9a:
            o[sp - 1] = f64Neg(o[sp - 1]);
            break;
          case 0x9b:
            o[sp - 1] = canonF64(Math.ceil(o[sp - 1]));
            break;
          case 0x9c:
            o[sp - 1] = canonF64(Math.floor(o[sp - 1]));
            break;
          case 0x9d:
            o[sp - 1] = canonF64(Math.trunc(o[sp - 1]));
            break;
          case 0x9e:
            o[sp - 1] = canonF64(nearest(+o[sp - 1]));
            break;
          case 0x9f:
            o[sp - 1] = canonF64(Math.sqrt(o[sp - 1]));
            break;
          case 0xa0:
            b = o[--sp];
            o[sp - 1] = canonF64(o[sp - 1] + b);
            break;
          case 0xa1:
            b = o[--sp];
            o[sp - 1] = canonF64(o[sp - 1] - b);
            break;
          case 0xa2:
            b = o[--sp];
            o[sp - 1] = canonF64(o[sp - 1] * b);
            break;
          case 0xa3:
            b = o[--sp];
            o[sp - 1] = canonF64(o[sp - 1] / b);
            break;
          case 0xa4:
            b = o[--sp];
            o[sp - 1] = canonF64(Math.min(o[sp - 1], b));
            break;
          case 0xa5:
            b = o[--sp];
            o[sp - 1] = canonF64(Math.max(o[sp - 1], b));
            break;
          case 0xa6:
            b = o[--sp];
            o[sp - 1] = f64Copysign(o[sp - 1], b);
            break;
          // conversions
          case 0xa7:
            n[sp - 1] = Number(BigInt.asIntN(32, o[sp - 1]));
            break;
          case 0xa8:
            n[sp - 1] = truncI32S(f32FromBits(n[sp - 1]));
            break;
          case 0xa9:
            n[sp - 1] = truncI32U(f32FromBits(n[sp - 1]));
            break;
          case 0xaa:
            n[sp - 1] = truncI32S(+o[sp - 1]);
            break;
          case 0xab:
            n[sp - 1] = truncI32U(+o[sp - 1]);
            break;
          case 0xac:
            o[sp - 1] = BigInt(n[sp - 1]);
            break;
          case 0xad:
            o[sp - 1] = BigInt(n[sp - 1] >>> 0);
            break;
          case 0xae:
            o[sp - 1] = truncI64S(f32FromBits(n[sp - 1]));
            break;
          case 0xaf:
            o[sp - 1] = truncI64U(f32FromBits(n[sp - 1]));
            break;
          case 0xb0:
            o[sp - 1] = truncI64S(+o[sp - 1]);
            break;
          case 0xb1:
            o[sp - 1] = truncI64U(+o[sp - 1]);
            break;
          case 0xb2:
            n[sp - 1] = f32ToBits(n[sp - 1]);
            break;
          case 0xb3:
            n[sp - 1] = f32ToBits(n[sp - 1] >>> 0);
            break;
          case 0xb4:
            n[sp - 1] = i64ToF32S(o[sp - 1]);
            break;
          case 0xb5:
            n[sp - 1] = i64ToF32U(o[sp - 1]);
            break;
          case 0xb6:
            n[sp - 1] = f32ToBits(+o[sp - 1]);
            break;
          case 0xb7:
            o[sp - 1] = n[sp - 1];
            break;
          case 0xb8:
            o[sp - 1] = n[sp - 1] >>> 0;
            break;
          case 0xb9:
            o[sp - 1] = Number(o[sp - 1]);
            break;
          case 0xba:
            o[sp - 1] = Number(BigInt.asUintN(64, o[sp - 1]));
            break;
          case 0xbb:
            o[sp - 1] = canonF64(f32FromBits(n[sp - 1]));
            break;
          case 0xbc:
          case 0xbe:
            break;
          case 0xbd:
            o[sp - 1] = f64ToBits(o[sp - 1]);
            break;
          case 0xbf:
            o[sp - 1] = f64FromBits(o[sp - 1]);
            break;
          case 0xc0:
            n[sp - 1] = (n[sp - 1] << 24) >> 24;
            break;
          case 0xc1:
            n[sp - 1] = (n[sp - 1] << 16) >> 16;
            break;
          case 0xc2:
            o[sp - 1] = BigInt.asIntN(8, o[sp - 1]);
            break;
          case 0xc3:
            o[sp - 1] = BigInt.asIntN(16, o[sp - 1]);
            break;
          case 0xc4:
            o[sp - 1] = BigInt.asIntN(32, o[sp - 1]);
            break;
          // references
          case 0xd0:
            o[sp++] = null;
            break;
          case 0xd1:
            n[sp - 1] = o[sp - 1] === null ? 1 : 0;
            break;
          case 0xd2:
            o[sp++] = inst.funcs[code[pc++]];
            break;
          // saturating truncations
          case 0xe0:
            n[sp - 1] = satI32S(f32FromBits(n[sp - 1]));
            break;
          case 0xe1:
            n[sp - 1] = satI32U(f32FromBits(n[sp - 1]));
            break;
          case 0xe2:
            n[sp - 1] = satI32S(+o[sp - 1]);
            break;
          case 0xe3:
            n[sp - 1] = satI32U(+o[sp - 1]);
            break;
          case 0xe4:
            o[sp - 1] = satI64S(f32FromBits(n[sp - 1]));
            break;
          case 0xe5:
            o[sp - 1] = satI64U(f32FromBits(n[sp - 1]));
            break;
          case 0xe6:
            o[sp - 1] = satI64S(+o[sp - 1]);
            break;
          case 0xe7:
            o[sp - 1] = satI64U(+o[sp - 1]);
            break;
          // bulk memory
          case 0xe8: {
            const seg = inst.datas[code[pc++]] ?? EMPTY_BYTES;
            const len = n[--sp] >>> 0;
            const src = n[--sp] >>> 0;
            const dst = n[--sp] >>> 0;
            if (src + len > seg.length || dst + len > buf.length) throw oobMemory();
            gas -= len * GAS_PER_BYTE;
            if (gas < 0) throw trap("OUT_OF_GAS", "out of gas in memory.init");
            buf.set(seg.subarray(src, src + len), dst);
            break;
          }
          case 0xe9:
            inst.datas[code[pc++]] = null;
            break;
          case 0xea: {
            const len = n[--sp] >>> 0;
            const src = n[--sp] >>> 0;
            const dst = n[--sp] >>> 0;
            if (src + len > buf.length || dst + len > buf.length) throw oobMemory();
            gas -= len * GAS_PER_BYTE;
            if (gas < 0) throw trap("OUT_OF_GAS", "out of gas in memory.copy");
            buf.copyWithin(dst, src, src + len);
            break;
          }
          case 0xeb: {
            const len = n[--sp] >>> 0;
            const v = n[--sp] & 0xff;
            const dst = n[--sp] >>> 0;
            if (dst + len > buf.length) throw oobMemory();
            gas -= len * GAS_PER_BYTE;
            if (gas < 0) throw trap("OUT_OF_GAS", "out of gas in memory.fill");
            buf.fill(v, dst, dst + len);
            break;
          }
          case 0xec: {
            const seg = inst.elems[code[pc++]] ?? EMPTY_REFS;
            const t = inst.tables[code[pc++]] as Hot;
            const len = n[--sp] >>> 0;
            const src = n[--sp] >>> 0;
            const dst = n[--sp] >>> 0;
            if (src + len > seg.length || dst + len > t.elements.length) throw oobTable();
            gas -= len * GAS_PER_TABLE_ELEM;
            if (gas < 0) throw trap("OUT_OF_GAS", "out of gas in table.init");
            for (let i = 0; i < len; i++) t.elements[dst + i] = seg[src + i];
            break;
          }
          case 0xed:
            inst.elems[code[pc++]] = null;
            break;
          case 0xee: {
            const td = inst.tables[code[pc++]] as Hot;
            const ts = inst.tables[code[pc++]] as Hot;
            const len = n[--sp] >>> 0;
            const src = n[--sp] >>> 0;
            const dst = n[--sp] >>> 0;
            if (src + len > ts.elements.length || dst + len > td.elements.length) throw oobTable();
            gas -= len * GAS_PER_TABLE_ELEM;
            if (gas < 0) throw trap("OUT_OF_GAS", "out of gas in table.copy");
            if (td === ts) td.elements.copyWithin(dst, src, src + len);
            else for (let i = 0; i < len; i++) td.elements[dst + i] = ts.elements[src + i];
            break;
          }
          case 0xef: {
            const t = inst.tables[code[pc++]] as Hot;
            const len = n[--sp] >>> 0;
            const old = tableGrow(t, len, o[sp - 1], limits.tableSizeMax);
            if (old >= 0) {
              gas -= len * GAS_PER_TABLE_ELEM;
              if (gas < 0) throw trap("OUT_OF_GAS", "out of gas in table.grow");
            }
            n[sp - 1] = old;
            break;
          }
          case 0xf0:
            n[sp++] = (inst.tables[code[pc++]] as Hot).elements.length;
            break;
          case 0xf1: {
            const t = inst.tables[code[pc++]] as Hot;
            const len = n[--sp] >>> 0;
            const v = o[--sp];
            const dst = n[--sp] >>> 0;
            if (dst + len > t.elements.length) throw oobTable();
            gas -= len * GAS_PER_TABLE_ELEM;
            if (gas < 0) throw trap("OUT_OF_GAS", "out of gas in table.fill");
            t.elements.fill(v, dst, dst + len);
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
