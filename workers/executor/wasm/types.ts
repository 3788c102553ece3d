/** Decoded module structure (WebAssembly 2.0 without SIMD, threads or GC). */

/** Value types by their binary encoding. */
export const I32 = 0x7f;
export const I64 = 0x7e;
export const F32 = 0x7d;
export const F64 = 0x7c;
export const FUNCREF = 0x70;
export const EXTERNREF = 0x6f;
/** Validator-only: a value of unknown type on an unreachable stack. */
export const UNKNOWN = 0;

export type ValType = number;

export interface FuncType {
  params: ValType[];
  results: ValType[];
  /** Structural identity, used by call_indirect and import matching. */
  key: string;
}

export interface Limits {
  min: number;
  max: number | undefined;
}

export interface TableType {
  elem: ValType;
  limits: Limits;
}

export interface GlobalType {
  type: ValType;
  mutable: boolean;
}

/** Constant expression (2.0: one instruction, then `end`). */
export type ConstExpr =
  | { kind: "const"; type: ValType; value: number | bigint }
  | { kind: "global"; index: number }
  | { kind: "null"; type: ValType }
  | { kind: "func"; index: number };

export type ImportDesc =
  | { kind: "func"; type: number }
  | { kind: "table"; type: TableType }
  | { kind: "memory"; type: Limits }
  | { kind: "global"; type: GlobalType };

export interface Import {
  module: string;
  name: string;
  desc: ImportDesc;
}

export type ExternKind = "func" | "table" | "memory" | "global";

export interface Export {
  name: string;
  kind: ExternKind;
  index: number;
}

export interface Global {
  type: GlobalType;
  init: ConstExpr;
}

export interface ElemSegment {
  type: ValType;
  mode: "active" | "passive" | "declarative";
  table: number;
  offset: ConstExpr | undefined;
  init: ConstExpr[];
}

export interface DataSegment {
  mode: "active" | "passive";
  memory: number;
  offset: ConstExpr | undefined;
  bytes: Uint8Array;
}

export interface FuncBody {
  /** Types of the declared locals (parameters not included). */
  locals: ValType[];
  /** Offsets of the instruction bytes within the module bytes. */
  start: number;
  end: number;
}

export interface Module {
  bytes: Uint8Array;
  types: FuncType[];
  imports: Import[];
  /** Type index of each defined function. */
  funcs: number[];
  tables: TableType[];
  memories: Limits[];
  globals: Global[];
  exports: Export[];
  start: number | undefined;
  elems: ElemSegment[];
  datas: DataSegment[];
  dataCount: number | undefined;
  codes: FuncBody[];
}

export const typeName = (t: ValType): string =>
  (
    ({
      [I32]: "i32",
      [I64]: "i64",
      [F32]: "f32",
      [F64]: "f64",
      [FUNCREF]: "funcref",
      [EXTERNREF]: "externref",
    }) as Record<number, string>
  )[t] ?? "unknown";

export const isRefType = (t: ValType): boolean => t === FUNCREF || t === EXTERNREF;
export const isNumType = (t: ValType): boolean => t === I32 || t === I64 || t === F32 || t === F64;

export const funcTypeKey = (params: ValType[], results: ValType[]): string =>
  `${params.join(",")}>${results.join(",")}`;
