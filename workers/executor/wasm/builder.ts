/**
 * A small binary-module builder for tests and benchmarks (no text format, no toolchain):
 * function bodies are given as instruction bytes, with LEB128 helpers for immediates.
 *
 * @example
 *   const bytes = buildModule({
 *     types: [[[I32, I32], [I32]]],
 *     funcs: [{ type: 0, body: [0x20, 0, 0x20, 1, 0x6a] }],
 *     exports: [{ name: "add", kind: "func", index: 0 }],
 *   });
 */

import type { ValType } from "./types";

export function uleb(n: number): number[] {
  const out: number[] = [];
  let v = n;
  do {
    let b = v % 128;
    v = Math.floor(v / 128);
    if (v > 0) b |= 0x80;
    out.push(b);
  } while (v > 0);
  return out;
}

export function sleb(n: number | bigint): number[] {
  let v = BigInt(n);
  const out: number[] = [];
  for (;;) {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    if ((v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const name = (s: string): number[] => {
  const b = [...new TextEncoder().encode(s)];
  return [...uleb(b.length), ...b];
};
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];

export interface ModuleSpec {
  types: [ValType[], ValType[]][];
  imports?: { module: string; name: string; type: number }[];
  funcs: { type: number; locals?: [number, ValType][]; body: number[] }[];
  table?: { min: number; max?: number };
  memory?: { min: number; max?: number };
  globals?: { type: ValType; mutable: boolean; init: number[] }[];
  exports?: { name: string; kind: "func" | "table" | "memory" | "global"; index: number }[];
  elems?: { offset: number; funcs: number[] }[];
  data?: { offset: number; bytes: number[] }[];
}

const limits = (l: { min: number; max?: number }): number[] =>
  l.max === undefined ? [0, ...uleb(l.min)] : [1, ...uleb(l.min), ...uleb(l.max)];

/** Builds the module; each body gets its trailing `end` here. */
export function buildModule(m: ModuleSpec): Uint8Array {
  const out: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  out.push(
    ...section(1, vec(m.types.map(([p, r]) => [0x60, ...vec(p.map((t) => [t])), ...vec(r.map((t) => [t]))]))),
  );
  if (m.imports?.length)
    out.push(
      ...section(2, vec(m.imports.map((i) => [...name(i.module), ...name(i.name), 0, ...uleb(i.type)]))),
    );
  out.push(...section(3, vec(m.funcs.map((f) => uleb(f.type)))));
  if (m.table) out.push(...section(4, vec([[0x70, ...limits(m.table)]])));
  if (m.memory) out.push(...section(5, vec([limits(m.memory)])));
  if (m.globals?.length)
    out.push(...section(6, vec(m.globals.map((g) => [g.type, g.mutable ? 1 : 0, ...g.init, 0x0b]))));
  if (m.exports?.length) {
    const kinds = { func: 0, table: 1, memory: 2, global: 3 };
    out.push(...section(7, vec(m.exports.map((e) => [...name(e.name), kinds[e.kind], ...uleb(e.index)]))));
  }
  if (m.elems?.length)
    out.push(
      ...section(
        9,
        vec(m.elems.map((e) => [0, 0x41, ...sleb(e.offset), 0x0b, ...vec(e.funcs.map((f) => uleb(f)))])),
      ),
    );
  out.push(
    ...section(
      10,
      vec(
        m.funcs.map((f) => {
          const body = [...vec((f.locals ?? []).map(([n, t]) => [...uleb(n), t])), ...f.body, 0x0b];
          return [...uleb(body.length), ...body];
        }),
      ),
    ),
  );
  if (m.data?.length)
    out.push(
      ...section(
        11,
        vec(m.data.map((d) => [0, 0x41, ...sleb(d.offset), 0x0b, ...vec(d.bytes.map((b) => [b]))])),
      ),
    );
  return Uint8Array.from(out);
}
