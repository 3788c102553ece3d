/** Run-time objects of the store: functions, tables, memories, globals, instances. */

import type { CompiledFunc } from "./compile";
import { trap, type WasmError } from "./errors";
import type { FuncType, GlobalType, ValType } from "./types";

export const PAGE_BYTES = 65536;

/** An externref value from the host (null is the null reference). */
export interface ExternRef {
  readonly extern: unknown;
}

export type Ref = FuncInst | ExternRef | null;
/** i32 and f32 (its bits): int32 number; i64: BigInt; f64: number; references. */
export type Value = number | bigint | Ref;

/**
 * A host function. It returns its results, or `SUSPEND` to pause the machine: the caller of
 * `Machine.invoke` gets `{ suspended: true }` and later continues with `Machine.resume(results)`.
 */
export interface HostFunc {
  readonly kind: "host";
  readonly type: FuncType;
  readonly call: (args: Value[]) => Value[] | typeof SUSPEND;
}

export const SUSPEND: unique symbol = Symbol("suspend");

export interface WasmFunc {
  readonly kind: "wasm";
  readonly type: FuncType;
  readonly instance: Instance;
  readonly body: CompiledFunc;
}

export type FuncInst = HostFunc | WasmFunc;

export interface TableInst {
  readonly elem: ValType;
  elements: Ref[];
  readonly max: number | undefined;
}

export class MemInst {
  buf: Uint8Array;
  view: DataView;
  constructor(
    public pages: number,
    readonly max: number | undefined,
  ) {
    this.buf = new Uint8Array(pages * PAGE_BYTES);
    this.view = new DataView(this.buf.buffer);
  }

  /** memory.grow: returns the old size in pages, or -1 when over the declared max or `limitPages`. */
  grow(delta: number, limitPages: number): number {
    const old = this.pages;
    const next = old + delta;
    if (next > 65536 || next > limitPages || (this.max !== undefined && next > this.max)) return -1;
    if (delta === 0) return old;
    // Capacity grows by doubling (capped by the limits) so page-by-page growth copies O(total)
    // bytes, not O(total^2): a loop of memory.grow(1) must cost work in proportion to its gas.
    const bytes = next * PAGE_BYTES;
    const capacity = this.buf.buffer.byteLength;
    if (bytes > capacity) {
      const capPages = Math.min(limitPages, this.max ?? 65536, 65536);
      const size = Math.max(bytes, Math.min(capacity * 2, capPages * PAGE_BYTES));
      const grown = new Uint8Array(new ArrayBuffer(size), 0, bytes);
      grown.set(this.buf);
      this.buf = grown;
    } else this.buf = new Uint8Array(this.buf.buffer, 0, bytes);
    this.view = new DataView(this.buf.buffer, 0, bytes);
    this.pages = next;
    return old;
  }
}

export interface GlobalInst {
  readonly type: GlobalType;
  value: Value;
}

export type ExternVal =
  | { kind: "func"; value: FuncInst }
  | { kind: "table"; value: TableInst }
  | { kind: "memory"; value: MemInst }
  | { kind: "global"; value: GlobalInst };

export interface Instance {
  funcs: FuncInst[];
  tables: TableInst[];
  mems: MemInst[];
  globals: GlobalInst[];
  /** Element segments (null once dropped). */
  elems: (Ref[] | null)[];
  /** Data segments (null once dropped). */
  datas: (Uint8Array | null)[];
  types: FuncType[];
  exports: Map<string, ExternVal>;
}

export function tableGrow(t: TableInst, delta: number, init: Ref, limit: number): number {
  const old = t.elements.length;
  const next = old + delta;
  if (next > 0xffffffff || next > limit || (t.max !== undefined && next > t.max)) return -1;
  for (let i = 0; i < delta; i++) t.elements.push(init);
  return old;
}

export function oobTable(): WasmError {
  return trap("TRAP_TABLE_OUT_OF_BOUNDS", "out of bounds table access");
}
export function oobMemory(): WasmError {
  return trap("TRAP_MEMORY_OUT_OF_BOUNDS", "out of bounds memory access");
}
