/**
 * Function-body validator and compiler in one pass (core spec, appendix "Validation
 * Algorithm"): the operand stack of types gives both the type check and the exact run-time
 * operand height at every instruction, so branches are resolved to (target pc, arity, height)
 * and each function gets its maximum operand height (checked once per call against the stack).
 */

import { readValType } from "./decode";
import { invalid, malformed, WasmError } from "./errors";
import { instructionGas } from "./gas";
import type { VmLimits } from "./limits";
import {
  FUSE_CONST,
  FUSE_LOCAL,
  FUSE_LOCAL_CONST,
  FUSE_SET,
  OP_BR,
  OP_BR_IF,
  OP_BR_TABLE,
  OP_BR_UNLESS,
  OP_CALL,
  OP_CALL_INDIRECT,
  OP_GAS,
  OP_GLOBAL_GET_O,
  OP_GLOBAL_SET_O,
  OP_IF,
  OP_JMP,
  OP_LGET2,
  OP_LLOAD_I32,
  OP_LOAD_LSHL,
  OP_LOCAL_ADDK_SET,
  OP_LOCAL_GET_O,
  OP_LOCAL_SET_O,
  OP_LOCAL_TEE_O,
  OP_RETURN,
  OP_SELECT_O,
  PREFIX_FC,
} from "./opcodes";
import { Reader } from "./reader";
import {
  EXTERNREF,
  F32,
  F64,
  FUNCREF,
  type FuncBody,
  type FuncType,
  type GlobalType,
  I32,
  I64,
  isRefType,
  type TableType,
  typeName,
  UNKNOWN,
  type ValType,
} from "./types";

export interface CompiledFunc {
  code: Int32Array;
  consts: (number | bigint)[];
  numParams: number;
  /** Parameters plus declared locals. */
  numLocals: number;
  /** Initial values of the declared locals. */
  localDefaults: (number | bigint | null)[];
  /** 1 where a declared local lives in the int32 stack (i32, f32), 0 in the value array. */
  localInt32: Uint8Array;
  numResults: number;
  /** Highest operand height (above the locals) the body can reach. */
  maxHeight: number;
}

export interface ValidationContext {
  types: FuncType[];
  /** Type of every function, imported first. */
  funcs: FuncType[];
  tables: TableType[];
  memories: number;
  globals: GlobalType[];
  elemTypes: ValType[];
  dataCount: number | undefined;
  /** Segments in the data section (to tell a missing data count section from no data). */
  dataSegments: number;
  /** Functions that may be named by ref.func in code (declared by elems, exports, globals). */
  refs: Set<number>;
}

interface Ctrl {
  op: number;
  params: ValType[];
  results: ValType[];
  height: number;
  unreachable: boolean;
  /** Loop: pc of its start; others: pending fixups to patch with the end pc. */
  startPc: number;
  fixups: number[];
  elseFixup: number;
}

// Signatures of the plain numeric instructions: [inputs..., output] per opcode.
const SIG: (ValType[] | undefined)[] = [];
const sig = (from: number, to: number, s: ValType[]): void => {
  for (let op = from; op <= to; op++) SIG[op] = s;
};
sig(0x45, 0x45, [I32, I32]);
sig(0x46, 0x4f, [I32, I32, I32]);
sig(0x50, 0x50, [I64, I32]);
sig(0x51, 0x5a, [I64, I64, I32]);
sig(0x5b, 0x60, [F32, F32, I32]);
sig(0x61, 0x66, [F64, F64, I32]);
sig(0x67, 0x69, [I32, I32]);
sig(0x6a, 0x78, [I32, I32, I32]);
sig(0x79, 0x7b, [I64, I64]);
sig(0x7c, 0x8a, [I64, I64, I64]);
sig(0x8b, 0x91, [F32, F32]);
sig(0x92, 0x98, [F32, F32, F32]);
sig(0x99, 0x9f, [F64, F64]);
sig(0xa0, 0xa6, [F64, F64, F64]);
const CONV: [number, ValType, ValType][] = [
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
  [0xbc, F32, I32],
  [0xbd, F64, I64],
  [0xbe, I32, F32],
  [0xbf, I64, F64],
  [0xc0, I32, I32],
  [0xc1, I32, I32],
  [0xc2, I64, I64],
  [0xc3, I64, I64],
  [0xc4, I64, I64],
  // trunc_sat (0xfc 0..7)
  [0xe0, F32, I32],
  [0xe1, F32, I32],
  [0xe2, F64, I32],
  [0xe3, F64, I32],
  [0xe4, F32, I64],
  [0xe5, F32, I64],
  [0xe6, F64, I64],
  [0xe7, F64, I64],
];
for (const [op, a, b] of CONV) SIG[op] = [a, b];

/** Loads and stores: [value type, natural alignment log2]. */
const MEM: Record<number, [ValType, number]> = {
  40: [I32, 2],
  41: [I64, 3],
  42: [F32, 2],
  43: [F64, 3],
  44: [I32, 0],
  45: [I32, 0],
  46: [I32, 1],
  47: [I32, 1],
  48: [I64, 0],
  49: [I64, 0],
  50: [I64, 1],
  51: [I64, 1],
  52: [I64, 2],
  53: [I64, 2],
  54: [I32, 2],
  55: [I64, 3],
  56: [F32, 2],
  57: [F64, 3],
  58: [I32, 0],
  59: [I32, 1],
  60: [I64, 0],
  61: [I64, 1],
  62: [I64, 2],
};

/** i32 and f32 (as bits) travel on the Int32Array stack; the rest on the value array. */
export const inInt32 = (t: ValType): boolean => t === I32 || t === F32 || t === UNKNOWN;

export const defaultValue = (t: ValType): number | bigint | null =>
  t === I64 ? 0n : t === FUNCREF || t === EXTERNREF ? null : 0;

/**
 * Compiles one body. The spec decodes a whole body before validating it, so when validation
 * fails the rest of the body is skimmed: a malformed encoding further on is the error reported.
 */
export function compileFunction(
  ctx: ValidationContext,
  type: FuncType,
  body: FuncBody,
  bytes: Uint8Array,
  limits: VmLimits,
): CompiledFunc {
  try {
    return compileChecked(ctx, type, body, bytes, limits);
  } catch (e) {
    if (e instanceof WasmError && e.code === "INVALID") skimBody(bytes, body.start, body.end);
    throw e;
  }
}

/** Decodes instructions without validating them; throws MALFORMED for a bad encoding. */
function skimBody(bytes: Uint8Array, start: number, end: number): void {
  const r = new Reader(bytes, start, end);
  let depth = 1;
  const zero = (): void => {
    if (r.u8() !== 0) throw malformed("zero byte expected", r.pos - 1);
  };
  while (depth > 0) {
    if (r.eof()) throw malformed("unexpected end of section or function");
    const at = r.pos;
    const op = r.u8();
    if (op === 0x02 || op === 0x03 || op === 0x04) {
      const b = r.bytes[r.pos];
      if (b === 0x40 || b === I32 || b === I64 || b === F32 || b === F64 || b === FUNCREF || b === EXTERNREF)
        r.pos++;
      else if (r.s33() < 0) throw malformed("malformed block type", at);
      depth++;
    } else if (op === 0x0b) depth--;
    else if (op === 0x0c || op === 0x0d || op === 0x10 || op === 0xd2 || (op >= 0x20 && op <= 0x26)) r.u32();
    else if (op === 0x0e) {
      const n = r.u32();
      if (n > r.end - r.pos) throw malformed("br_table length out of bounds", at);
      for (let i = 0; i <= n; i++) r.u32();
    } else if (op === 0x11 || (op >= 0x28 && op <= 0x3e)) {
      r.u32();
      r.u32();
    } else if (op === 0x1c) {
      const n = r.u32();
      if (n > r.end - r.pos) throw malformed("select type vector out of bounds", at);
      for (let i = 0; i < n; i++) readValType(r);
    } else if (op === 0x3f || op === 0x40) zero();
    else if (op === 0x41) r.s32();
    else if (op === 0x42) r.s64();
    else if (op === 0x43) r.bits32();
    else if (op === 0x44) r.take(8);
    else if (op === 0xd0) {
      const t = r.u8();
      if (t !== FUNCREF && t !== EXTERNREF) throw malformed("malformed reference type", at + 1);
    } else if (op === 0xfc) {
      const sub = r.u32();
      if (sub > 17) throw malformed(`illegal opcode 0xfc ${sub}`, at);
      if (sub === 8) {
        r.u32();
        zero();
      } else if (sub === 10) {
        zero();
        zero();
      } else if (sub === 11) zero();
      else if (sub === 12 || sub === 14) {
        r.u32();
        r.u32();
      } else if (sub >= 8) r.u32();
    } else if (
      !(
        op === 0x00 ||
        op === 0x01 ||
        op === 0x05 ||
        op === 0x0f ||
        op === 0x1a ||
        op === 0x1b ||
        op === 0xd1
      ) &&
      !(op >= 0x45 && op <= 0xc4)
    )
      throw malformed(`illegal opcode 0x${op.toString(16)}`, at);
  }
  if (!r.eof()) throw malformed("section size mismatch: bytes after the function's end", r.pos);
}

function compileChecked(
  ctx: ValidationContext,
  type: FuncType,
  body: FuncBody,
  bytes: Uint8Array,
  limits: VmLimits,
): CompiledFunc {
  const r = new Reader(bytes, body.start, body.end);
  const localTypes = [...type.params, ...body.locals];
  const numLocals = localTypes.length;
  if (numLocals > limits.localsMax)
    throw new WasmError("LIMIT_LOCALS", `${numLocals} locals exceed localsMax ${limits.localsMax}`, {
      count: numLocals,
      limit: limits.localsMax,
    });
  const code: number[] = [];
  const consts: (number | bigint)[] = [];
  const vals: ValType[] = [];
  const ctrls: Ctrl[] = [];
  let maxHeight = 0;
  let gasPos = -1;

  const push = (t: ValType): void => {
    vals.push(t);
    if (vals.length > maxHeight) maxHeight = vals.length;
  };
  const top = (): Ctrl => ctrls[ctrls.length - 1] as Ctrl;
  const popAny = (): ValType => {
    const c = top();
    if (vals.length === c.height) {
      if (c.unreachable) return UNKNOWN;
      throw invalid("type mismatch: operand stack underflow");
    }
    return vals.pop() as ValType;
  };
  const pop = (expect: ValType): ValType => {
    const got = popAny();
    if (got !== expect && got !== UNKNOWN && expect !== UNKNOWN)
      throw invalid(`type mismatch: expected ${typeName(expect)}, got ${typeName(got)}`);
    return got === UNKNOWN ? expect : got;
  };
  const popAll = (ts: ValType[]): void => {
    for (let i = ts.length - 1; i >= 0; i--) pop(ts[i] as ValType);
  };
  const pushAll = (ts: ValType[]): void => {
    for (const t of ts) push(t);
  };
  /** Checks that the top of the stack matches `ts` without consuming it. */
  const peekAll = (ts: ValType[]): void => {
    const c = top();
    for (let i = 0; i < ts.length; i++) {
      const at = vals.length - ts.length + i;
      const want = ts[i] as ValType;
      if (at < c.height) {
        if (!c.unreachable) throw invalid("type mismatch: operand stack underflow");
        continue;
      }
      const got = vals[at] as ValType;
      if (got !== want && got !== UNKNOWN)
        throw invalid(`type mismatch: expected ${typeName(want)}, got ${typeName(got)}`);
    }
  };
  const labelTypes = (c: Ctrl): ValType[] => (c.op === 0x03 ? c.params : c.results);
  const setUnreachable = (): void => {
    const c = top();
    vals.length = c.height;
    c.unreachable = true;
  };
  const gasLeader = (): void => {
    if (gasPos === code.length - 2 && code[gasPos] === OP_GAS) return;
    gasPos = code.length;
    code.push(OP_GAS, 0);
  };
  /** Start of the last plain instruction emitted; fusing with it is safe only if nothing followed. */
  let lastPos = -1;
  /** Start of the instruction emitted just before the last one (for three-instruction fusion). */
  let prevPos = -1;
  const mark = (pos: number): void => {
    prevPos = lastPos;
    lastPos = pos;
  };
  const fusable = (pos: number): boolean => pos === lastPos && pos >= 0;
  const charge = (op: number): void => {
    code[gasPos + 1] = (code[gasPos + 1] as number) + instructionGas(op);
  };
  const pushCtrl = (op: number, params: ValType[], results: ValType[]): Ctrl => {
    if (ctrls.length >= limits.nestingDepthMax)
      throw new WasmError(
        "LIMIT_NESTING",
        `block nesting exceeds nestingDepthMax ${limits.nestingDepthMax}`,
        {
          limit: limits.nestingDepthMax,
        },
      );
    const c: Ctrl = {
      op,
      params,
      results,
      height: vals.length,
      unreachable: false,
      startPc: -1,
      fixups: [],
      elseFixup: -1,
    };
    ctrls.push(c);
    pushAll(params);
    return c;
  };
  const popCtrl = (): Ctrl => {
    const c = top();
    popAll(c.results);
    if (vals.length !== c.height)
      throw invalid("type mismatch: values left on the stack at the end of a block");
    ctrls.pop();
    return c;
  };
  const blockType = (): [ValType[], ValType[]] => {
    const b = r.bytes[r.pos];
    if (b === 0x40) {
      r.pos++;
      return [[], []];
    }
    if (b === I32 || b === I64 || b === F32 || b === F64 || b === FUNCREF || b === EXTERNREF) {
      r.pos++;
      return [[], [b]];
    }
    const at = r.pos;
    const idx = r.s33();
    if (idx < 0) throw malformed("malformed block type", at);
    const t = ctx.types[idx];
    if (t === undefined) throw invalid(`unknown type ${idx}`);
    return [t.params, t.results];
  };
  const label = (depth: number): Ctrl => {
    if (depth >= ctrls.length) throw invalid(`unknown label ${depth}`);
    return ctrls[ctrls.length - 1 - depth] as Ctrl;
  };
  /** Emits the target pc of a branch to `c` (patched later unless it is a loop). */
  const branchTarget = (c: Ctrl): void => {
    if (c.op === 0x03) code.push(c.startPc);
    else {
      c.fixups.push(code.length);
      code.push(-1);
    }
  };
  const memarg = (natural: number): number => {
    const align = r.u32();
    const offset = r.u32();
    if (ctx.memories === 0) throw invalid("unknown memory 0");
    if (align > natural) throw invalid("alignment must not be larger than natural");
    return offset | 0;
  };
  const table = (idx: number): TableType => {
    const t = ctx.tables[idx];
    if (t === undefined) throw invalid(`unknown table ${idx}`);
    return t;
  };
  const needMemory = (): void => {
    if (ctx.memories === 0) throw invalid("unknown memory 0");
  };
  const zeroByte = (): void => {
    const at = r.pos;
    if (r.u8() !== 0) throw malformed("zero byte expected", at);
  };
  const needDataCount = (idx: number): void => {
    // Without a data count section, data indices in code are malformed if segments exist
    // (binary format 5.5.16), and simply unknown if there are none.
    if (ctx.dataCount === undefined) {
      if (ctx.dataSegments > 0) throw malformed("data count section required");
      throw invalid(`unknown data segment ${idx}`);
    }
    if (idx >= ctx.dataCount) throw invalid(`unknown data segment ${idx}`);
  };
  const elemType = (idx: number): ValType => {
    const t = ctx.elemTypes[idx];
    if (t === undefined) throw invalid(`unknown elem segment ${idx}`);
    return t;
  };

  gasLeader();
  // Zeroing the declared locals is work done per call: one gas unit per local, in the entry block.
  code[1] = body.locals.length;
  const fn = pushCtrl(0x02, [], type.results);
  vals.length = 0; // parameters live in locals, not on the operand stack
  fn.height = 0;
  let ended = false;
  while (!ended) {
    if (r.eof()) throw malformed("unexpected end of section or function");
    const at = r.pos;
    let op = r.u8();
    if (op === 0xfc) {
      const sub = r.u32();
      if (sub > 17) throw malformed(`illegal opcode 0xfc ${sub}`, at);
      op = PREFIX_FC + sub;
    }
    if (op !== 0x0b && op !== 0x05) charge(op);
    switch (op) {
      case 0x00:
        code.push(op);
        setUnreachable();
        break;
      case 0x01:
        break;
      case 0x02: {
        const [p, res] = blockType();
        popAll(p);
        pushCtrl(op, p, res);
        break;
      }
      case 0x03: {
        const [p, res] = blockType();
        popAll(p);
        gasLeader();
        const c = pushCtrl(op, p, res);
        c.startPc = gasPos;
        break;
      }
      case 0x04: {
        const [p, res] = blockType();
        pop(I32);
        popAll(p);
        code.push(OP_IF, -1);
        const c = pushCtrl(op, p, res);
        c.elseFixup = code.length - 1;
        gasLeader();
        break;
      }
      case 0x05: {
        const c = top();
        if (c.op !== 0x04 || c.elseFixup < 0) throw malformed("else without matching if", at);
        popAll(c.results);
        if (vals.length !== c.height) throw invalid("type mismatch: values left on the stack before else");
        code.push(OP_JMP);
        c.fixups.push(code.length);
        code.push(-1);
        gasPos = -1;
        gasLeader();
        code[c.elseFixup] = gasPos;
        c.elseFixup = -2;
        c.op = 0x05;
        c.unreachable = false;
        pushAll(c.params);
        break;
      }
      case 0x0b: {
        const c = popCtrl();
        if (c.op === 0x04 && c.params.join() !== c.results.join())
          throw invalid("type mismatch: if without else must leave its parameters");
        if (ctrls.length === 0) {
          code[gasPos + 1] = (code[gasPos + 1] as number) + type.results.length; // values returned
          const ret = code.length;
          code.push(OP_RETURN);
          for (const f of c.fixups) code[f] = ret;
          ended = true;
          break;
        }
        if (c.op !== 0x03) {
          gasPos = -1;
          gasLeader();
          for (const f of c.fixups) code[f] = gasPos;
          if (c.elseFixup >= 0) code[c.elseFixup] = gasPos;
        }
        pushAll(c.results);
        if (c.op === 0x03) {
          gasPos = -1;
          gasLeader();
        }
        break;
      }
      case 0x0c: {
        const c = label(r.u32());
        const ts = labelTypes(c);
        popAll(ts);
        code[gasPos + 1] = (code[gasPos + 1] as number) + ts.length; // values carried
        if (c === fn) code.push(OP_RETURN);
        else {
          code.push(OP_BR);
          branchTarget(c);
          code.push(ts.length, numLocals + c.height);
        }
        setUnreachable();
        break;
      }
      case 0x0d: {
        const c = label(r.u32());
        pop(I32);
        const ts = labelTypes(c);
        popAll(ts);
        pushAll(ts);
        code[gasPos + 1] = (code[gasPos + 1] as number) + ts.length; // values carried
        if (code[code.length - 1] === 0x45 && fusable(code.length - 1)) code[code.length - 1] = OP_BR_UNLESS;
        else code.push(OP_BR_IF);
        branchTarget(c);
        code.push(ts.length, numLocals + c.height);
        gasLeader();
        break;
      }
      case 0x0e: {
        const n = r.u32();
        if (n > r.end - r.pos) throw malformed("br_table length out of bounds", at);
        const depths: number[] = [];
        for (let i = 0; i <= n; i++) depths.push(r.u32());
        pop(I32);
        const def = label(depths[n] as number);
        const arity = labelTypes(def).length;
        code.push(OP_BR_TABLE, n, arity);
        // Each distinct target frame is type-checked once (at most nesting-depth frames), so a
        // long table costs O(labels + depth x arity), not O(labels x stack height).
        const checked = new Set<Ctrl>();
        for (const d of depths) {
          const c = label(d);
          const ts = labelTypes(c);
          if (ts.length !== arity) throw invalid("type mismatch: br_table targets of different arity");
          if (!checked.has(c)) {
            checked.add(c);
            peekAll(ts);
          }
          branchTarget(c);
          code.push(numLocals + c.height);
        }
        popAll(labelTypes(def));
        setUnreachable();
        // Values carried by a taken branch are copied: one gas unit each.
        code[gasPos + 1] = (code[gasPos + 1] as number) + arity;
        break;
      }
      case 0x0f:
        popAll(type.results);
        code[gasPos + 1] = (code[gasPos + 1] as number) + type.results.length; // values carried
        code.push(OP_RETURN);
        setUnreachable();
        break;
      case 0x10: {
        const idx = r.u32();
        const t = ctx.funcs[idx];
        if (t === undefined) throw invalid(`unknown function ${idx}`);
        popAll(t.params);
        pushAll(t.results);
        code.push(OP_CALL, idx);
        break;
      }
      case 0x11: {
        const typeIdx = r.u32();
        const tableIdx = r.u32();
        const tt = table(tableIdx);
        const t = ctx.types[typeIdx];
        if (t === undefined) throw invalid(`unknown type ${typeIdx}`);
        if (tt.elem !== FUNCREF) throw invalid("type mismatch: call_indirect on a table of externref");
        pop(I32);
        popAll(t.params);
        pushAll(t.results);
        code.push(OP_CALL_INDIRECT, typeIdx, tableIdx);
        break;
      }
      case 0x1a:
        popAny();
        code.push(op);
        break;
      case 0x1b: {
        pop(I32);
        const t1 = popAny();
        const t2 = popAny();
        if (isRefType(t1) || isRefType(t2)) throw invalid("type mismatch: select without type on references");
        if (t1 !== t2 && t1 !== UNKNOWN && t2 !== UNKNOWN)
          throw invalid("type mismatch: select operands differ");
        const t = t1 === UNKNOWN ? t2 : t1;
        push(t);
        code.push(inInt32(t) ? 0x1b : OP_SELECT_O);
        break;
      }
      case 0x1c: {
        const n = r.u32();
        if (n !== 1) throw invalid("invalid result arity of select");
        const t = readValType(r);
        pop(I32);
        pop(t);
        pop(t);
        push(t);
        code.push(inInt32(t) ? 0x1b : OP_SELECT_O);
        break;
      }
      case 0x20:
      case 0x21:
      case 0x22: {
        const idx = r.u32();
        const t = localTypes[idx];
        if (t === undefined) throw invalid(`unknown local ${idx}`);
        if (op === 0x20) push(t);
        else if (op === 0x21) pop(t);
        else {
          pop(t);
          push(t);
        }
        const last = code.length - 2;
        if (op === 0x20 && inInt32(t) && code[last] === 0x20 && fusable(last)) {
          // local.get y; local.get x -> LGET2 y x
          code[last] = OP_LGET2;
          code.push(idx);
        } else if (
          op === 0x20 &&
          inInt32(t) &&
          code[last] === 0x21 &&
          code[last + 1] === idx &&
          fusable(last)
        ) {
          code[last] = 0x22; // local.set x; local.get x -> local.tee x
        } else if (
          op === 0x21 &&
          inInt32(t) &&
          FUSE_SET[code[code.length - 1] as number] !== undefined &&
          fusable(code.length - 1)
        ) {
          // <i32 binop>; local.set x -> <binop>_SET x
          code[code.length - 1] = FUSE_SET[code[code.length - 1] as number] as number;
          code.push(idx);
          lastPos = -1;
        } else if (op === 0x21 && inInt32(t) && code[code.length - 3] === 0xf3 && fusable(code.length - 3)) {
          // local.get x; i32.const c; i32.add; local.set y -> LOCAL_ADDK_SET x c y
          code[code.length - 3] = OP_LOCAL_ADDK_SET;
          code.push(idx);
          lastPos = -1;
        } else {
          code.push(
            inInt32(t) ? op : op === 0x20 ? OP_LOCAL_GET_O : op === 0x21 ? OP_LOCAL_SET_O : OP_LOCAL_TEE_O,
            idx,
          );
          mark(code.length - 2);
        }
        break;
      }
      case 0x23:
      case 0x24: {
        const idx = r.u32();
        const g = ctx.globals[idx];
        if (g === undefined) throw invalid(`unknown global ${idx}`);
        if (op === 0x23) push(g.type);
        else {
          if (!g.mutable) throw invalid(`global is immutable: global ${idx}`);
          pop(g.type);
        }
        code.push(inInt32(g.type) ? op : op === 0x23 ? OP_GLOBAL_GET_O : OP_GLOBAL_SET_O, idx);
        break;
      }
      case 0x25:
      case 0x26: {
        const idx = r.u32();
        const tt = table(idx);
        if (op === 0x25) {
          pop(I32);
          push(tt.elem);
        } else {
          pop(tt.elem);
          pop(I32);
        }
        code.push(op, idx);
        break;
      }
      case 0x3f:
        zeroByte();
        needMemory();
        push(I32);
        code.push(op);
        break;
      case 0x40:
        zeroByte();
        needMemory();
        pop(I32);
        push(I32);
        code.push(op);
        break;
      case 0x41:
        push(I32);
        code.push(op, r.s32());
        mark(code.length - 2);
        break;
      case 0x42:
        push(I64);
        code.push(op, consts.length);
        consts.push(r.s64());
        break;
      case 0x43:
        push(F32);
        code.push(op, r.bits32());
        break;
      case 0x44:
        push(F64);
        code.push(op, consts.length);
        consts.push(r.f64());
        break;
      case 0xd0: {
        const t = r.u8();
        if (t !== FUNCREF && t !== EXTERNREF) throw malformed("malformed reference type", at + 1);
        push(t);
        code.push(op);
        break;
      }
      case 0xd1: {
        const t = popAny();
        if (t !== UNKNOWN && !isRefType(t)) throw invalid("type mismatch: ref.is_null needs a reference");
        push(I32);
        code.push(op);
        break;
      }
      case 0xd2: {
        const idx = r.u32();
        if (ctx.funcs[idx] === undefined) throw invalid(`unknown function ${idx}`);
        if (!ctx.refs.has(idx)) throw invalid(`undeclared function reference ${idx}`);
        push(FUNCREF);
        code.push(op, idx);
        break;
      }
      case 0xe8: {
        const idx = r.u32();
        zeroByte();
        needMemory();
        needDataCount(idx);
        popAll([I32, I32, I32]);
        code.push(op, idx);
        break;
      }
      case 0xe9: {
        const idx = r.u32();
        needDataCount(idx);
        code.push(op, idx);
        break;
      }
      case 0xea:
        zeroByte();
        zeroByte();
        needMemory();
        popAll([I32, I32, I32]);
        code.push(op);
        break;
      case 0xeb:
        zeroByte();
        needMemory();
        popAll([I32, I32, I32]);
        code.push(op);
        break;
      case 0xec: {
        const e = r.u32();
        const t = r.u32();
        const et = elemType(e);
        if (table(t).elem !== et) throw invalid("type mismatch: table.init element type");
        popAll([I32, I32, I32]);
        code.push(op, e, t);
        break;
      }
      case 0xed: {
        const e = r.u32();
        elemType(e);
        code.push(op, e);
        break;
      }
      case 0xee: {
        const d = r.u32();
        const s = r.u32();
        if (table(d).elem !== table(s).elem) throw invalid("type mismatch: table.copy element types");
        popAll([I32, I32, I32]);
        code.push(op, d, s);
        break;
      }
      case 0xef: {
        const idx = r.u32();
        const tt = table(idx);
        pop(I32);
        pop(tt.elem);
        push(I32);
        code.push(op, idx);
        break;
      }
      case 0xf0: {
        const idx = r.u32();
        table(idx);
        push(I32);
        code.push(op, idx);
        break;
      }
      case 0xf1: {
        const idx = r.u32();
        const tt = table(idx);
        pop(I32);
        pop(tt.elem);
        pop(I32);
        code.push(op, idx);
        break;
      }
      default: {
        const m = MEM[op];
        if (m !== undefined) {
          const offset = memarg(m[1]);
          if (op <= 0x35) {
            pop(I32);
            push(m[0]);
          } else {
            pop(m[0]);
            pop(I32);
          }
          const last = code.length - 2;
          if (op === 0x28 && code[last] === 0x20 && fusable(last)) {
            code[last] = OP_LLOAD_I32; // local.get x; i32.load off -> LLOAD x off
            code.push(offset);
          } else if (op === 0x28 && code[code.length - 3] === 0xf2 && fusable(code.length - 3)) {
            // local.get x; i32.const k; i32.shl; i32.load off -> LOAD_LSHL x k off (array indexing)
            code[code.length - 3] = OP_LOAD_LSHL;
            code.push(offset);
          } else code.push(op, offset);
          break;
        }
        const s = SIG[op];
        if (s === undefined) throw malformed(`illegal opcode 0x${op.toString(16)}`, at);
        for (let i = s.length - 2; i >= 0; i--) pop(s[i] as ValType);
        push(s[s.length - 1] as ValType);
        const k = FUSE_CONST[op];
        const last = code.length - 2;
        if (k !== undefined && code[last] === 0x41 && fusable(last)) {
          // i32.const c; op -> op-with-immediate c
          const cst = code[last + 1] as number;
          const imm = op === 0x6b ? -cst | 0 : op === 0x77 ? (32 - (cst & 31)) & 31 : cst;
          const lk = FUSE_LOCAL_CONST[k];
          const p = last - 2;
          if (lk !== undefined && prevPos === p && code[p] === 0x20) {
            // local.get x; i32.const c; op -> op-of-local-with-immediate x c
            code[p] = lk;
            code[p + 2] = imm;
            code.length = p + 3;
            lastPos = -1;
            mark(p);
          } else {
            code[last] = k;
            code[last + 1] = imm;
          }
        } else if (FUSE_LOCAL[op] !== undefined && code[last] === 0x20 && fusable(last)) {
          // local.get x; op -> op-with-local x
          code[last] = FUSE_LOCAL[op] as number;
          lastPos = -1;
        } else {
          code.push(op);
          mark(code.length - 1);
        }
      }
    }
  }
  if (!r.eof()) throw malformed("section size mismatch: bytes after the function's end", r.pos);
  return {
    code: Int32Array.from(code),
    consts,
    numParams: type.params.length,
    numLocals,
    localDefaults: body.locals.map(defaultValue),
    localInt32: Uint8Array.from(body.locals.map((t) => (inInt32(t) ? 1 : 0))),
    numResults: type.results.length,
    maxHeight,
  };
}
