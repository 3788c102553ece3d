/**
 * Module validation (core spec, chapter 3) and compilation of every function body: the result is
 * what the instance needs to run, computed once per code hash (see `module-cache.ts`).
 */

import { type CompiledFunc, compileFunction, type ValidationContext } from "./compile";
import { decodeModule } from "./decode";
import { invalid } from "./errors";
import type { VmLimits } from "./limits";
import {
  type ConstExpr,
  F32,
  F64,
  FUNCREF,
  type FuncType,
  type GlobalType,
  I32,
  I64,
  type Module,
  type TableType,
  typeName,
  type ValType,
} from "./types";

export interface CompiledModule {
  module: Module;
  /** Type of every function, imported first. */
  funcTypes: FuncType[];
  /** Compiled bodies of the defined functions. */
  bodies: CompiledFunc[];
  globalTypes: GlobalType[];
  tableTypes: TableType[];
}

function constType(e: ConstExpr, globals: GlobalType[], importedGlobals: number, funcs: number): ValType {
  switch (e.kind) {
    case "const":
      return e.type;
    case "null":
      return e.type;
    case "func":
      if (e.index >= funcs) throw invalid(`unknown function ${e.index}`);
      return FUNCREF;
    case "global": {
      const g = globals[e.index];
      if (g === undefined || e.index >= importedGlobals) throw invalid(`unknown global ${e.index}`);
      if (g.mutable) throw invalid("constant expression required: global.get of a mutable global");
      return g.type;
    }
  }
}

function checkConst(
  e: ConstExpr,
  want: ValType,
  globals: GlobalType[],
  importedGlobals: number,
  funcs: number,
): void {
  const t = constType(e, globals, importedGlobals, funcs);
  if (t !== want)
    throw invalid(`type mismatch: constant expression of ${typeName(t)}, expected ${typeName(want)}`);
}

export function compileModule(bytes: Uint8Array, limits: VmLimits): CompiledModule {
  const m = decodeModule(bytes, limits);
  const funcTypes: FuncType[] = [];
  const tableTypes: TableType[] = [];
  const globalTypes: GlobalType[] = [];
  let memories = 0;
  const typeOf = (idx: number): FuncType => {
    const t = m.types[idx];
    if (t === undefined) throw invalid(`unknown type ${idx}`);
    return t;
  };
  for (const imp of m.imports) {
    const d = imp.desc;
    if (d.kind === "func") funcTypes.push(typeOf(d.type));
    else if (d.kind === "table") tableTypes.push(d.type);
    else if (d.kind === "memory") memories++;
    else globalTypes.push(d.type);
  }
  const importedGlobals = globalTypes.length;
  for (const t of m.funcs) funcTypes.push(typeOf(t));
  tableTypes.push(...m.tables);
  memories += m.memories.length;
  if (memories > 1) throw invalid("multiple memories");
  const nFuncs = funcTypes.length;
  for (const g of m.globals) {
    checkConst(g.init, g.type.type, globalTypes, importedGlobals, nFuncs);
    globalTypes.push(g.type);
  }
  const refs = new Set<number>();
  const noteRef = (e: ConstExpr): void => {
    if (e.kind === "func") refs.add(e.index);
  };
  for (const g of m.globals) noteRef(g.init);
  const names = new Set<string>();
  for (const e of m.exports) {
    if (names.has(e.name)) throw invalid(`duplicate export name ${JSON.stringify(e.name)}`);
    names.add(e.name);
    const count =
      e.kind === "func"
        ? nFuncs
        : e.kind === "table"
          ? tableTypes.length
          : e.kind === "memory"
            ? memories
            : globalTypes.length;
    if (e.index >= count) throw invalid(`unknown ${e.kind} ${e.index}`);
    if (e.kind === "func") refs.add(e.index);
  }
  if (m.start !== undefined) {
    const t = funcTypes[m.start];
    if (t === undefined) throw invalid(`unknown function ${m.start}`);
    if (t.params.length > 0 || t.results.length > 0) throw invalid("start function must have type [] -> []");
  }
  for (const seg of m.elems) {
    if (seg.mode === "active") {
      const tt = tableTypes[seg.table];
      if (tt === undefined) throw invalid(`unknown table ${seg.table}`);
      if (tt.elem !== seg.type) throw invalid("type mismatch: element segment and table types differ");
      checkConst(seg.offset as ConstExpr, I32, globalTypes, importedGlobals, nFuncs);
    }
    for (const e of seg.init) {
      checkConst(e, seg.type, globalTypes, importedGlobals, nFuncs);
      noteRef(e);
    }
  }
  for (const seg of m.datas) {
    if (seg.mode === "active") {
      if (seg.memory >= memories) throw invalid(`unknown memory ${seg.memory}`);
      checkConst(seg.offset as ConstExpr, I32, globalTypes, importedGlobals, nFuncs);
    }
  }
  const ctx: ValidationContext = {
    types: m.types,
    funcs: funcTypes,
    tables: tableTypes,
    memories,
    globals: globalTypes,
    elemTypes: m.elems.map((e) => e.type),
    dataCount: m.dataCount,
    dataSegments: m.datas.length,
    refs,
  };
  const nImportedFuncs = nFuncs - m.funcs.length;
  const bodies: CompiledFunc[] = [];
  for (let i = 0; i < m.codes.length; i++) {
    const body = m.codes[i];
    const type = funcTypes[nImportedFuncs + i];
    if (body === undefined || type === undefined)
      throw invalid("function and code section have inconsistent lengths");
    bodies.push(compileFunction(ctx, type, body, bytes, limits));
  }
  return { module: m, funcTypes, bodies, globalTypes, tableTypes };
}

export const VALUE_TYPES = { I32, I64, F32, F64 };
