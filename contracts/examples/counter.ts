/**
 * Counter: the smallest useful contract. One u64 in storage under "count".
 *
 *   init()            sets the count to 0
 *   increment(by u64) adds `by` (reverts on overflow), emits "Incremented" (by u64, count u64),
 *                     returns the new count (u64)
 *   get()             returns the count (u64)
 */

import { emit, ensure, getU64, input, Reader, setReturn, setU64, skey, Writer } from "../sdk";

const COUNT = skey("count");

export function init(): void {
  setU64(COUNT, 0);
}

export function increment(): void {
  const args = new Reader(input());
  const by = args.u64();
  args.end();
  const before = getU64(COUNT);
  const after = before + by;
  ensure(after >= before, "counter: overflow");
  setU64(COUNT, after);
  emit("Incremented", new Writer().u64(by).u64(after).finish());
  setReturn(new Writer().u64(after).finish());
}

export function get(): void {
  setReturn(new Writer().u64(getU64(COUNT)).finish());
}
