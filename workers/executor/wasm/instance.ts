/**
 * Instantiation (core spec 4.5.4, 2.0 semantics): resolve and type-check imports, allocate
 * tables, memories and globals within `VmLimits`, apply active element and data segments in
 * order (a trap leaves earlier writes in place), then run the start function.
 */

import { trap, WasmError } from "./errors";
import type { Machine } from "./interpreter";
import type { VmLimits } from "./limits";
import {
  type ExternVal,
  type FuncInst,
  type GlobalInst,
  type Instance,
  MemInst,
  oobMemory,
  oobTable,
  type Ref,
  type TableInst,
  type Value,
} from "./runtime";
import type { ConstExpr, Limits } from "./types";
import type { CompiledModule } from "./validate";

export type ImportResolver = (module: string, name: string) => ExternVal | undefined;

const unlinkable = (message: string, data: Record<string, unknown> = {}): WasmError =>
  new WasmError("UNLINKABLE", message, data);

function limitsMatch(actualMin: number, actualMax: number | undefined, want: Limits): boolean {
  if (actualMin < want.min) return false;
  if (want.max === undefined) return true;
  return actualMax !== undefined && actualMax <= want.max;
}

function evalConst(e: ConstExpr, globals: GlobalInst[], funcs: FuncInst[]): Value {
  switch (e.kind) {
    case "const":
      return e.value;
    case "null":
      return null;
    case "func":
      return funcs[e.index] as FuncInst;
    case "global":
      return (globals[e.index] as GlobalInst).value;
  }
}

/** Allocates and initialises an instance; `machine` runs the start function with `gasLimit`. */
export function instantiate(
  cm: CompiledModule,
  resolve: ImportResolver,
  machine: Machine,
  limits: VmLimits,
  gasLimit: number,
): Instance {
  const m = cm.module;
  const inst: Instance = {
    funcs: [],
    tables: [],
    mems: [],
    globals: [],
    elems: [],
    datas: [],
    types: m.types,
    exports: new Map(),
  };
  for (const imp of m.imports) {
    const ext = resolve(imp.module, imp.name);
    const where = { module: imp.module, name: imp.name };
    if (ext === undefined) throw unlinkable(`unknown import ${imp.module}.${imp.name}`, where);
    const d = imp.desc;
    if (ext.kind !== d.kind)
      throw unlinkable(`incompatible import type for ${imp.module}.${imp.name}`, where);
    if (d.kind === "func") {
      const f = ext.value as FuncInst;
      if (f.type.key !== (m.types[d.type] as { key: string }).key)
        throw unlinkable(`incompatible import type for ${imp.module}.${imp.name}: function signature`, where);
      inst.funcs.push(f);
    } else if (d.kind === "table") {
      const t = ext.value as TableInst;
      if (t.elem !== d.type.elem || !limitsMatch(t.elements.length, t.max, d.type.limits))
        throw unlinkable(`incompatible import type for ${imp.module}.${imp.name}: table`, where);
      inst.tables.push(t);
    } else if (d.kind === "memory") {
      const mem = ext.value as MemInst;
      if (!limitsMatch(mem.pages, mem.max, d.type))
        throw unlinkable(`incompatible import type for ${imp.module}.${imp.name}: memory`, where);
      inst.mems.push(mem);
    } else {
      const g = ext.value as GlobalInst;
      if (g.type.type !== d.type.type || g.type.mutable !== d.type.mutable)
        throw unlinkable(`incompatible import type for ${imp.module}.${imp.name}: global`, where);
      inst.globals.push(g);
    }
  }
  const nImported = inst.funcs.length;
  for (let i = 0; i < m.funcs.length; i++) {
    inst.funcs.push({
      kind: "wasm",
      type: cm.funcTypes[nImported + i] as FuncInst["type"],
      instance: inst,
      body: cm.bodies[i] as NonNullable<(typeof cm.bodies)[number]>,
    });
  }
  for (const t of m.tables) {
    if (t.limits.min > limits.tableSizeMax)
      throw new WasmError(
        "LIMIT_TABLE_SIZE",
        `table of ${t.limits.min} elements exceeds tableSizeMax ${limits.tableSizeMax}`,
        {
          size: t.limits.min,
          limit: limits.tableSizeMax,
        },
      );
    inst.tables.push({ elem: t.elem, elements: new Array<Ref>(t.limits.min).fill(null), max: t.limits.max });
  }
  for (const mem of m.memories) {
    if (mem.min > limits.memoryPagesMax)
      throw new WasmError(
        "LIMIT_MEMORY_PAGES",
        `memory of ${mem.min} pages exceeds memoryPagesMax ${limits.memoryPagesMax}`,
        {
          pages: mem.min,
          limit: limits.memoryPagesMax,
        },
      );
    inst.mems.push(new MemInst(mem.min, mem.max));
  }
  const importedGlobals = inst.globals.slice();
  for (const g of m.globals)
    inst.globals.push({ type: g.type, value: evalConst(g.init, importedGlobals, inst.funcs) });
  for (const e of m.exports) {
    const list =
      e.kind === "func"
        ? inst.funcs
        : e.kind === "table"
          ? inst.tables
          : e.kind === "memory"
            ? inst.mems
            : inst.globals;
    inst.exports.set(e.name, { kind: e.kind, value: list[e.index] } as ExternVal);
  }
  for (const seg of m.elems)
    inst.elems.push(seg.init.map((e) => evalConst(e, inst.globals, inst.funcs) as Ref));
  for (const seg of m.datas) inst.datas.push(seg.bytes);
  m.elems.forEach((seg, i) => {
    if (seg.mode === "active") {
      const offset = (evalConst(seg.offset as ConstExpr, inst.globals, inst.funcs) as number) >>> 0;
      const t = inst.tables[seg.table] as TableInst;
      const refs = inst.elems[i] as Ref[];
      if (offset + refs.length > t.elements.length) throw oobTable();
      for (let k = 0; k < refs.length; k++) t.elements[offset + k] = refs[k] as Ref;
    }
    if (seg.mode !== "passive") inst.elems[i] = null;
  });
  m.datas.forEach((seg, i) => {
    if (seg.mode !== "active") return;
    const offset = (evalConst(seg.offset as ConstExpr, inst.globals, inst.funcs) as number) >>> 0;
    const mem = inst.mems[seg.memory] as MemInst;
    if (offset + seg.bytes.length > mem.buf.length) throw oobMemory();
    mem.buf.set(seg.bytes, offset);
    inst.datas[i] = null;
  });
  if (m.start !== undefined) {
    const f = inst.funcs[m.start];
    if (f === undefined) throw trap("TRAP_HOST", "start function missing");
    machine.invoke(f, [], gasLimit);
  }
  return inst;
}
