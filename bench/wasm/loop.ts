/**
 * Benchmark kernel (AssemblyScript): the i32 loop of bench/wasm-bench.ts, acc = acc * 31 + (i ^ c)
 * for i below n. The multiply-accumulate chain keeps the optimizer from removing the loop.
 */

export function run(n: i32): i32 {
  let acc: i32 = 0;
  for (let i: i32 = 0; i < n; i++) acc = acc * 31 + (i ^ 0x5bd1e995);
  return acc;
}
