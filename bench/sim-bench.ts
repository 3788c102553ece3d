/**
 * Simulator section of `npm run bench` (run by scripts/bench.mjs as `node --import tsx`; also
 * runs alone). Prints its own lines beside the goals, and one `BENCH {json}` line per
 * measurement with the raw figures:
 *
 *   sim/finality-100  100 nodes, 50 +- 20 ms links, no faults, fast signatures: virtual time from
 *                     a block's timestamp to each node seeing it Final (and Accepted), averaged
 *                     over (node, block). Virtual time: CPU cost does not enter it.
 *   sim/bls-crypto    16 nodes with real BLS (BlsVoteCrypto wrapped with performance.now()):
 *                     CPU ms spent in consensus crypto (sign, verify, aggregate) per block per
 *                     node = total crypto time / blocks accepted summed over nodes.
 */

import { DEFAULT_OPTIONS, type SimOptions } from "../sim/options.js";
import { runSimulation } from "../sim/simulator.js";

const QUIET: Partial<SimOptions> = {
  loss: 0,
  duplicate: 0,
  reorder: 0,
  byzantine: 0,
  partitions: false,
  crashes: false,
};

/** Issue 3: simulated time to finality with 100 nodes and 50 +- 20 ms links. */
const GOAL_FINALITY_MS = 1_000;

function emit(record: Record<string, unknown>): void {
  console.log(`BENCH ${JSON.stringify(record)}`);
}

const ms = (x: number | null) => (x === null ? "n/a" : `${x.toFixed(0)} ms`);
const finality: number[] = [];

function progress(text: string): void {
  process.stderr.write(`  [sim] ${text}\n`);
}

const finalitySeeds = Number(process.env.SIM_BENCH_SEEDS ?? 2);
for (let seed = 1; seed <= finalitySeeds; seed++) {
  progress(`100 nodes, 50 +- 20 ms links, fast signatures, seed ${seed}`);
  const started = performance.now();
  const r = await runSimulation({
    ...DEFAULT_OPTIONS,
    ...QUIET,
    seed,
    nodes: 100,
    provisioners: 100,
    rounds: 4,
    latencyMs: 50,
    jitterMs: 20,
  });
  emit({
    id: "sim/finality-100",
    seed,
    pass: r.pass,
    violations: r.violations,
    finalHeight: r.finalHeight,
    meanTimeToFinalityMs: r.meanTimeToFinalityMs,
    meanTimeToAcceptMs: r.meanTimeToAcceptMs,
    virtualMs: r.virtualMs,
    wallMs: performance.now() - started,
    events: r.events,
    iterationsFailed: r.logEvents["iteration-failed"] ?? 0,
  });
  if (r.meanTimeToFinalityMs !== null) finality.push(r.meanTimeToFinalityMs);
  console.log(
    `  seed ${seed}: ${r.pass ? "checks passed" : `checks FAILED (${r.violations.join("; ")})`}, final height ${r.finalHeight}; ` +
      `mean virtual time block timestamp -> Final ${ms(r.meanTimeToFinalityMs)}, -> Accepted ${ms(r.meanTimeToAcceptMs)} ` +
      `(over every node and block; ${r.events} events, wall ${((performance.now() - started) / 1000).toFixed(1)} s)`,
  );
}
if (finality.length > 0) {
  const mean = finality.reduce((a, b) => a + b, 0) / finality.length;
  console.log(
    `  time to finality, 100 nodes, 50 +- 20 ms: ${ms(mean)} (mean of ${finality.length} seed means)   goal <= ${GOAL_FINALITY_MS} ms  ` +
      (mean <= GOAL_FINALITY_MS ? "PASS" : `MISS by ${ms(mean - GOAL_FINALITY_MS)}`),
  );
}

progress("16 nodes, real BLS, crypto timed");
const started = performance.now();
const r = await runSimulation(
  { ...DEFAULT_OPTIONS, ...QUIET, seed: 1, nodes: 16, provisioners: 16, rounds: 3, crypto: "bls" },
  { cryptoTimer: () => performance.now() },
);
const nodeBlocks = r.logEvents["block-accepted"] ?? 0;
emit({
  id: "sim/bls-crypto",
  pass: r.pass,
  violations: r.violations,
  nodes: 16,
  nodeBlocks,
  cryptoMs: r.crypto.elapsedMs,
  cryptoMsPerNodeBlock: nodeBlocks === 0 ? null : r.crypto.elapsedMs / nodeBlocks,
  callsPerNodeBlock:
    nodeBlocks === 0
      ? null
      : {
          sign: r.crypto.sign / nodeBlocks,
          verify: r.crypto.verify / nodeBlocks,
          verifySameMessage: r.crypto.verifySameMessage / nodeBlocks,
          verifyAggregate: r.crypto.verifyAggregate / nodeBlocks,
          aggregate: r.crypto.aggregate / nodeBlocks,
        },
  keyDecodingMs: r.crypto.checkPublicKeyMs,
  wallMs: performance.now() - started,
});
console.log(
  `  consensus crypto with real BLS, 16 nodes: ${nodeBlocks === 0 ? "n/a" : `${(r.crypto.elapsedMs / nodeBlocks).toFixed(1)} ms`} CPU per block per node ` +
    `(${r.crypto.elapsedMs.toFixed(0)} ms over ${nodeBlocks} node-blocks; sign ${r.crypto.sign}, verify ${r.crypto.verify}, ` +
    `verifySameMessage ${r.crypto.verifySameMessage}, verifyAggregate ${r.crypto.verifyAggregate} calls; ` +
    `key decoding at node start ${r.crypto.checkPublicKeyMs.toFixed(0)} ms apart)   no goal set: reported` +
    (r.pass ? "" : `  [checks FAILED: ${r.violations.join("; ")}]`),
);
