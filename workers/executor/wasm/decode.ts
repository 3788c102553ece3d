/**
 * Binary decoder (WebAssembly 2.0 core spec, chapter 5, without SIMD/threads/GC). Checks the
 * structure of untrusted bytes with every claimed length and count bounded by the bytes left and
 * by `VmLimits`; function bodies are only delimited here and decoded by the validator.
 */

import { invalid, malformed, WasmError } from "./errors";
import type { VmLimits } from "./limits";
import { Reader } from "./reader";
import {
  type ConstExpr,
  type DataSegment,
  type ElemSegment,
  EXTERNREF,
  F32,
  F64,
  FUNCREF,
  type FuncBody,
  type FuncType,
  funcTypeKey,
  type Global,
  type GlobalType,
  I32,
  I64,
  type Import,
  type Limits,
  type Module,
  type TableType,
  type ValType,
} from "./types";

const MAGIC = [0x00, 0x61, 0x73, 0x6d];
const VERSION = [0x01, 0x00, 0x00, 0x00];
/** Order of the known sections (custom sections, id 0, may appear anywhere). */
const SECTION_ORDER: Record<number, number> = {
  1: 1,
  2: 2,
  3: 3,
  4: 4,
  5: 5,
  6: 6,
  7: 7,
  8: 8,
  9: 9,
  12: 10,
  10: 11,
  11: 12,
};

export function readValType(r: Reader): ValType {
  const at = r.pos;
  const t = r.u8();
  if (t === I32 || t === I64 || t === F32 || t === F64 || t === FUNCREF || t === EXTERNREF) return t;
  throw malformed("malformed value type", at);
}

function readRefType(r: Reader): ValType {
  const at = r.pos;
  const t = r.u8();
  if (t === FUNCREF || t === EXTERNREF) return t;
  throw malformed("malformed reference type", at);
}

function readLimits(r: Reader, maxAllowed: number, what: string): Limits {
  const at = r.pos;
  const flag = r.u8();
  if (flag > 1) throw malformed(`malformed limits flags of ${what}`, at);
  const min = r.u32();
  const max = flag === 1 ? r.u32() : undefined;
  if (min > maxAllowed || (max !== undefined && max > maxAllowed))
    throw invalid(`${what} size must be at most ${maxAllowed}`, { min, max });
  if (max !== undefined && min > max)
    throw invalid(`size minimum must not be greater than maximum (${what})`);
  return { min, max };
}

function readTableType(r: Reader): TableType {
  const elem = readRefType(r);
  return { elem, limits: readLimits(r, 0xffffffff, "table") };
}

function readGlobalType(r: Reader): GlobalType {
  const type = readValType(r);
  const at = r.pos;
  const m = r.u8();
  if (m > 1) throw malformed("malformed mutability", at);
  return { type, mutable: m === 1 };
}

/** Reads a constant expression up to its `end` (validated for type later). */
export function readConstExpr(r: Reader): ConstExpr {
  const items: ConstExpr[] = [];
  for (;;) {
    const at = r.pos;
    const op = r.u8();
    if (op === 0x0b) break;
    if (items.length > 0) throw invalid("type mismatch: constant expression has more than one value");
    switch (op) {
      case 0x41:
        items.push({ kind: "const", type: I32, value: r.s32() });
        break;
      case 0x42:
        items.push({ kind: "const", type: I64, value: r.s64() });
        break;
      case 0x43:
        items.push({ kind: "const", type: F32, value: r.bits32() });
        break;
      case 0x44:
        items.push({ kind: "const", type: F64, value: r.f64() });
        break;
      case 0x23:
        items.push({ kind: "global", index: r.u32() });
        break;
      case 0xd0:
        items.push({ kind: "null", type: readRefType(r) });
        break;
      case 0xd2:
        items.push({ kind: "func", index: r.u32() });
        break;
      default:
        if (op > 0xd2 && op !== 0xfc) throw malformed("illegal opcode", at);
        throw invalid("constant expression required", { opcode: op });
    }
  }
  const first = items[0];
  if (first === undefined) throw invalid("type mismatch: empty constant expression");
  return first;
}

function vecCount(r: Reader, limits: VmLimits, what: string): number {
  const n = r.u32();
  if (n > limits.sectionItemsMax)
    throw new WasmError(
      "LIMIT_SECTION_ITEMS",
      `${what}: ${n} items exceed sectionItemsMax ${limits.sectionItemsMax}`,
      {
        count: n,
        limit: limits.sectionItemsMax,
      },
    );
  // Every item takes at least one byte: a count beyond the bytes left is malformed, not a big allocation.
  if (n > r.end - r.pos) throw malformed(`${what}: count ${n} exceeds the section's bytes`, r.pos);
  return n;
}

export function decodeModule(bytes: Uint8Array, limits: VmLimits): Module {
  if (bytes.length > limits.moduleBytesMax)
    throw new WasmError(
      "LIMIT_MODULE_BYTES",
      `module of ${bytes.length} bytes exceeds moduleBytesMax ${limits.moduleBytesMax}`,
      {
        size: bytes.length,
        limit: limits.moduleBytesMax,
      },
    );
  const r = new Reader(bytes, 0, bytes.length);
  for (const m of MAGIC) if (r.eof() || r.u8() !== m) throw malformed("magic header not detected", 0);
  for (const v of VERSION) if (r.eof() || r.u8() !== v) throw malformed("unknown binary version", 4);
  const mod: Module = {
    bytes,
    types: [],
    imports: [],
    funcs: [],
    tables: [],
    memories: [],
    globals: [],
    exports: [],
    start: undefined,
    elems: [],
    datas: [],
    dataCount: undefined,
    codes: [],
  };
  let lastOrder = 0;
  let sawFuncs = false;
  let sawCode = false;
  while (!r.eof()) {
    const idAt = r.pos;
    const id = r.u8();
    const size = r.u32();
    if (size > r.end - r.pos) throw malformed(`section ${id} length ${size} out of bounds`, idAt);
    const s = new Reader(bytes, r.pos, r.pos + size);
    r.pos += size;
    if (id === 0) {
      s.name();
      continue;
    }
    const order = SECTION_ORDER[id];
    if (order === undefined) throw malformed(`malformed section id ${id}`, idAt);
    if (order <= lastOrder)
      throw malformed(`unexpected content after last section (section ${id} out of order)`, idAt);
    lastOrder = order;
    switch (id) {
      case 1: {
        const n = vecCount(s, limits, "type section");
        for (let i = 0; i < n; i++) {
          const at = s.pos;
          if (s.u8() !== 0x60)
            throw malformed("integer representation too long: malformed function type", at);
          const np = vecCount(s, limits, "params");
          const params: ValType[] = [];
          for (let k = 0; k < np; k++) params.push(readValType(s));
          const nr = vecCount(s, limits, "results");
          const results: ValType[] = [];
          for (let k = 0; k < nr; k++) results.push(readValType(s));
          mod.types.push({ params, results, key: funcTypeKey(params, results) } satisfies FuncType);
        }
        break;
      }
      case 2: {
        const n = vecCount(s, limits, "import section");
        for (let i = 0; i < n; i++) {
          const module = s.name();
          const name = s.name();
          const at = s.pos;
          const kind = s.u8();
          let imp: Import;
          if (kind === 0) imp = { module, name, desc: { kind: "func", type: s.u32() } };
          else if (kind === 1) imp = { module, name, desc: { kind: "table", type: readTableType(s) } };
          else if (kind === 2)
            imp = { module, name, desc: { kind: "memory", type: readLimits(s, 65536, "memory") } };
          else if (kind === 3) imp = { module, name, desc: { kind: "global", type: readGlobalType(s) } };
          else throw malformed("malformed import kind", at);
          mod.imports.push(imp);
        }
        break;
      }
      case 3: {
        sawFuncs = true;
        const n = vecCount(s, limits, "function section");
        for (let i = 0; i < n; i++) mod.funcs.push(s.u32());
        break;
      }
      case 4: {
        const n = vecCount(s, limits, "table section");
        for (let i = 0; i < n; i++) mod.tables.push(readTableType(s));
        break;
      }
      case 5: {
        const n = vecCount(s, limits, "memory section");
        for (let i = 0; i < n; i++) mod.memories.push(readLimits(s, 65536, "memory"));
        break;
      }
      case 6: {
        const n = vecCount(s, limits, "global section");
        for (let i = 0; i < n; i++) {
          const type = readGlobalType(s);
          mod.globals.push({ type, init: readConstExpr(s) } satisfies Global);
        }
        break;
      }
      case 7: {
        const n = vecCount(s, limits, "export section");
        for (let i = 0; i < n; i++) {
          const name = s.name();
          const at = s.pos;
          const k = s.u8();
          const index = s.u32();
          const kind = (["func", "table", "memory", "global"] as const)[k];
          if (kind === undefined) throw malformed("malformed export kind", at);
          mod.exports.push({ name, kind, index });
        }
        break;
      }
      case 8:
        mod.start = s.u32();
        break;
      case 9: {
        const n = vecCount(s, limits, "element section");
        for (let i = 0; i < n; i++) mod.elems.push(readElem(s, limits));
        break;
      }
      case 12:
        mod.dataCount = s.u32();
        break;
      case 10: {
        sawCode = true;
        const n = vecCount(s, limits, "code section");
        for (let i = 0; i < n; i++) mod.codes.push(readCode(s, limits));
        break;
      }
      case 11: {
        const n = vecCount(s, limits, "data section");
        if (mod.dataCount !== undefined && n !== mod.dataCount)
          throw malformed("data count and data section have inconsistent lengths");
        for (let i = 0; i < n; i++) mod.datas.push(readData(s));
        break;
      }
    }
    if (!s.eof()) throw malformed(`section size mismatch in section ${id}`, s.pos);
  }
  if (mod.funcs.length !== mod.codes.length || (sawCode && !sawFuncs && mod.codes.length > 0))
    throw malformed("function and code section have inconsistent lengths");
  if (mod.dataCount !== undefined && mod.datas.length !== mod.dataCount)
    throw malformed("data count and data section have inconsistent lengths");
  const nFuncs = mod.funcs.length + mod.imports.filter((i) => i.desc.kind === "func").length;
  if (nFuncs > limits.functionsMax)
    throw new WasmError("LIMIT_FUNCTIONS", `${nFuncs} functions exceed functionsMax ${limits.functionsMax}`, {
      count: nFuncs,
      limit: limits.functionsMax,
    });
  return mod;
}

function readElem(s: Reader, limits: VmLimits): ElemSegment {
  const at = s.pos;
  const flags = s.u32();
  if (flags > 7) throw malformed("malformed elements segment kind", at);
  const passiveOrDecl = (flags & 1) !== 0;
  const explicitTable = (flags & 2) !== 0;
  const usesExprs = (flags & 4) !== 0;
  let table = 0;
  let offset: ConstExpr | undefined;
  let mode: ElemSegment["mode"] = "active";
  if (!passiveOrDecl) {
    if (explicitTable) table = s.u32();
    offset = readConstExpr(s);
  } else mode = explicitTable ? "declarative" : "passive";
  let type: ValType = FUNCREF;
  if (passiveOrDecl || explicitTable) {
    if (usesExprs) type = readRefType(s);
    else {
      const kAt = s.pos;
      if (s.u8() !== 0x00) throw malformed("malformed element kind", kAt);
    }
  }
  const n = vecCount(s, limits, "element segment");
  const init: ConstExpr[] = [];
  for (let i = 0; i < n; i++) init.push(usesExprs ? readConstExpr(s) : { kind: "func", index: s.u32() });
  return { type, mode, table, offset, init };
}

function readData(s: Reader): DataSegment {
  const at = s.pos;
  const flags = s.u32();
  if (flags > 2) throw malformed("malformed data segment kind", at);
  let memory = 0;
  let offset: ConstExpr | undefined;
  if (flags === 2) memory = s.u32();
  if (flags !== 1) offset = readConstExpr(s);
  const len = s.u32();
  return { mode: flags === 1 ? "passive" : "active", memory, offset, bytes: s.take(len) };
}

function readCode(s: Reader, limits: VmLimits): FuncBody {
  const size = s.u32();
  if (size > s.end - s.pos) throw malformed(`function body length ${size} out of bounds`, s.pos);
  if (size > limits.bodyBytesMax)
    throw new WasmError(
      "LIMIT_BODY_BYTES",
      `function body of ${size} bytes exceeds bodyBytesMax ${limits.bodyBytesMax}`,
      {
        size,
        limit: limits.bodyBytesMax,
      },
    );
  const b = new Reader(s.bytes, s.pos, s.pos + size);
  s.pos += size;
  const groups = b.u32();
  if (groups > size) throw malformed("too many local groups", b.pos);
  const locals: ValType[] = [];
  let total = 0;
  const pending: [number, ValType][] = [];
  for (let i = 0; i < groups; i++) {
    const n = b.u32();
    const t = readValType(b);
    total += n;
    if (total > 0xffffffff) throw malformed("too many locals");
    pending.push([n, t]);
  }
  if (total > limits.localsMax)
    throw new WasmError("LIMIT_LOCALS", `${total} locals exceed localsMax ${limits.localsMax}`, {
      count: total,
      limit: limits.localsMax,
    });
  for (const [n, t] of pending) for (let k = 0; k < n; k++) locals.push(t);
  return { locals, start: b.pos, end: b.end };
}
