/** Benchmark kernel (AssemblyScript): naive recursive Fibonacci, a test of call overhead. */

export function run(n: i32): i32 {
  return n < 2 ? n : run(n - 1) + run(n - 2);
}
