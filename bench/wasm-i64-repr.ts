/**
 * Micro-benchmark for the VM's i64 representation: the i64 loop body of bench/wasm-bench.ts
 * (acc = acc * 31 + (i ^ K)) written with BigInt + BigInt.asIntN (what the VM does) and with
 * pairs of int32 halves (Long.js-style 16-bit-limb multiply), in plain JS outside the
 * interpreter. Prints ns per iteration for both; both must compute the same value.
 *
 * Run: node --import tsx bench/wasm-i64-repr.ts
 */

const N = 2_000_000;
const K = 0x5bd1e9955bd1e995n;
const KH = Number(BigInt.asIntN(32, K >> 32n));
const KL = Number(BigInt.asIntN(32, K));

function bigintLoop(): bigint {
  let acc = 0n;
  for (let i = 0; i < N; i++) {
    acc = BigInt.asIntN(64, BigInt.asIntN(64, acc * 31n) + (BigInt(i >>> 0) ^ K));
  }
  return acc;
}

function pairsLoop(): bigint {
  let hi = 0;
  let lo = 0;
  for (let i = 0; i < N; i++) {
    // (hi, lo) * 31
    const a48 = hi >>> 16;
    const a32 = hi & 0xffff;
    const a16 = lo >>> 16;
    const a00 = lo & 0xffff;
    let c00 = a00 * 31;
    let c16 = c00 >>> 16;
    c00 &= 0xffff;
    c16 += a16 * 31;
    let c32 = c16 >>> 16;
    c16 &= 0xffff;
    c32 += a32 * 31;
    let c48 = c32 >>> 16;
    c32 &= 0xffff;
    c48 += a48 * 31;
    c48 &= 0xffff;
    const ml = ((c16 << 16) | c00) >>> 0;
    const mh = (c48 << 16) | c32;
    // (i ^ K)
    const xl = (i ^ KL) >>> 0;
    const xh = KH;
    // add with carry
    const sl = (ml + xl) >>> 0;
    const carry = sl < ml ? 1 : 0;
    hi = (mh + xh + carry) | 0;
    lo = sl | 0;
  }
  return BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo >>> 0));
}

function time(f: () => bigint): { ns: number; value: bigint } {
  f();
  const samples: number[] = [];
  let value = 0n;
  for (let r = 0; r < 5; r++) {
    const t = performance.now();
    value = f();
    samples.push(((performance.now() - t) * 1e6) / N);
  }
  samples.sort((a, b) => a - b);
  return { ns: samples[2] as number, value };
}

const big = time(bigintLoop);
const pairs = time(pairsLoop);
console.log(
  `i64 representation, ${N} iterations of acc = acc*31 + (i ^ K), median of 5: BigInt ${big.ns.toFixed(1)} ns/iter,` +
    ` int32 pairs ${pairs.ns.toFixed(1)} ns/iter (${(big.ns / pairs.ns).toFixed(1)}x); same result: ${big.value === pairs.value}`,
);
