/**
 * Node half of `npm run bench` (run by scripts/bench.mjs as `node --import tsx`): builds the
 * fixtures, times each operation of bench/ops.ts with performance.now() around the awaited call,
 * and prints one `BENCH {json}` line per benchmark for the script to judge and print.
 */

import { NobleSignatureVerifier } from "../protocol/ed25519.js";
import { WebCryptoSignatureVerifier } from "../workers/verifier/ed25519-webcrypto.js";
import { buildStepVotes, buildTransferBlock, sample } from "./fixtures.js";
import {
  ACCEPT_ALL,
  type BenchRecord,
  COMMITTEE_CREDITS,
  RUNS,
  TRANSFER_COUNT,
  transferBlockOp,
  voteOps,
} from "./ops.js";

const TIMING = "performance.now() around each awaited call, in process";

function emit(record: BenchRecord): void {
  console.log(`BENCH ${JSON.stringify(record)}`);
}

function progress(text: string): void {
  process.stderr.write(`  [node] ${text}\n`);
}

progress(`building ${TRANSFER_COUNT} signed transfers from ${TRANSFER_COUNT} funded accounts`);
const block = buildTransferBlock(TRANSFER_COUNT);

progress("transfers with NobleSignatureVerifier");
emit({
  runtime: "node",
  id: "transfers/noble",
  samplesMs: await sample(RUNS.transfersNoble, 1, transferBlockOp(block, new NobleSignatureVerifier())),
  timing: TIMING,
});

progress("transfers with WebCryptoSignatureVerifier");
const webcrypto = new WebCryptoSignatureVerifier();
const native = await webcrypto.usesNative();
emit({
  runtime: "node",
  id: "transfers/webcrypto",
  samplesMs: await sample(RUNS.transfersWebcrypto, 2, transferBlockOp(block, webcrypto)),
  timing: TIMING,
  notes: [native ? "native Ed25519 in crypto.subtle" : "NO native Ed25519: fell back to noble"],
});

progress("transfers without signature checks (reference)");
emit({
  runtime: "node",
  id: "transfers/no-signature-checks",
  samplesMs: await sample(RUNS.transfersNoChecks, 1, transferBlockOp(block, ACCEPT_ALL)),
  timing: TIMING,
});

progress(`signing one vote with ${COMMITTEE_CREDITS} provisioner keys`);
const ops = voteOps(buildStepVotes(COMMITTEE_CREDITS));
for (const [id, runs, op] of [
  ["votes/single", RUNS.votesSingle, ops.single],
  ["votes/individually", RUNS.votesIndividually, ops.individually],
  ["votes/same-message", RUNS.votesSameMessage, ops.sameMessage],
  ["votes/same-message-one", RUNS.votesSameMessageOne, ops.sameMessageOne],
] as const) {
  progress(id);
  emit({ runtime: "node", id, samplesMs: await sample(runs, 1, op), timing: TIMING });
}
