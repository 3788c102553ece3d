/**
 * The benchmarked operations, runtime-neutral so Node (bench/node-bench.ts) and workerd
 * (bench/workerd-bench.ts) time exactly the same code. Each operation checks its own result, so
 * a fast wrong answer can never pass for a benchmark.
 */

import { blsVerify, type G1Point, PublicKeyCache, verifySameMessageVotes } from "../protocol/bls.js";
import type { SignatureVerifier } from "../protocol/ed25519.js";
import { executeTransactions } from "../workers/executor/execute-block.js";
import type { StepVotesFixture, TransferBlockFixture } from "./fixtures.js";

/** Goals from the issue, printed beside the measurements. */
export const GOALS = {
  transferMsMax: 0.25,
  sameMessageVotesRatioMax: 2,
} as const;

export const TRANSFER_COUNT = 1000;
export const COMMITTEE_CREDITS = 64;

/** Applies the whole block (signature checks included) without committing it. */
export function transferBlockOp(fx: TransferBlockFixture, verifier: SignatureVerifier): () => Promise<void> {
  return async () => {
    const result = await executeTransactions(fx.state, fx.txs, {
      chainId: fx.chainId,
      params: fx.params,
      verifier,
    });
    if (result.overlay.changes().length !== fx.txs.length) throw new Error("block applied wrongly");
  };
}

export interface VoteOps {
  /** (i) one vote: `blsVerify` with a decoded key. */
  readonly single: () => void;
  /** (ii) every vote of the step, one `blsVerify` each. */
  readonly individually: () => void;
  /** (iii) the whole step with `verifySameMessageVotes`. */
  readonly sameMessage: () => void;
  /** (iv) reference: `verifySameMessageVotes` on one vote, the fastest single check available. */
  readonly sameMessageOne: () => void;
}

/** Keys are decoded up front, as a node keeps provisioners' keys in a PublicKeyCache. */
export function voteOps(fx: StepVotesFixture): VoteOps {
  const cache = new PublicKeyCache(fx.publicKeys.length);
  const keys: G1Point[] = fx.publicKeys.map((k) => cache.get(k));
  const expectValid = (ok: boolean) => {
    if (!ok) throw new Error("valid votes failed to verify");
  };
  return {
    single: () => expectValid(blsVerify(keys[0]!, fx.message, fx.signatures[0]!)),
    individually: () => {
      for (let i = 0; i < keys.length; i++) expectValid(blsVerify(keys[i]!, fx.message, fx.signatures[i]!));
    },
    sameMessage: () => expectValid(verifySameMessageVotes(keys, fx.message, fx.signatures)),
    sameMessageOne: () =>
      expectValid(verifySameMessageVotes(keys.slice(0, 1), fx.message, fx.signatures.slice(0, 1))),
  };
}

export type BenchId =
  | "transfers/noble"
  | "transfers/webcrypto"
  | "transfers/no-signature-checks"
  | "votes/single"
  | "votes/individually"
  | "votes/same-message"
  | "votes/same-message-one";

/** For reference only: block application with every signature taken as valid. */
export const ACCEPT_ALL: SignatureVerifier = {
  verifyBatch: async (checks) => checks.map(() => true),
};

/** One benchmark's measurements, as Node and workerd report them to scripts/bench.mjs. */
export interface BenchRecord {
  readonly runtime: "node" | "workerd";
  readonly id: BenchId;
  readonly samplesMs: readonly number[];
  /** How the samples were timed. */
  readonly timing: string;
  /** Extra facts about the run (which verifier was really used, ...). */
  readonly notes?: readonly string[];
}

/** Runs per benchmark (the median of these is reported); sized for about 3 minutes in all on 2 cores. */
export const RUNS = {
  transfersNoble: 5,
  transfersWebcrypto: 15,
  transfersNoChecks: 5,
  votesSingle: 21,
  votesIndividually: 5,
  votesSameMessage: 15,
  votesSameMessageOne: 15,
} as const;
