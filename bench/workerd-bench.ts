/**
 * workerd half of `npm run bench`: a Worker that scripts/bench.mjs runs under `wrangler dev`
 * (config: bench/wrangler.bench.jsonc). Fixtures are built inside the Worker from the same seeds
 * as in Node, once per isolate. Each request runs one operation `reps` times back to back and
 * answers the time per call, from performance.now() around the awaited calls. workerd's clock is
 * meant to advance only across I/O (locally it does advance, in whole milliseconds); the script
 * checks these inside times against its own round-trip times.
 *
 *   GET /transfers?verifier=noble|webcrypto|none&reps=R   one block of 1000 transfers
 *   GET /votes?op=single|individually|same-message|same-message-one&reps=R  one 64-credit step
 *   GET /agreement                                  Ed25519 cases: WebCrypto verifier vs noble
 */

import { NobleSignatureVerifier, type SignatureCheck, type SignatureVerifier } from "../protocol/ed25519.js";
import { WebCryptoSignatureVerifier } from "../workers/verifier/ed25519-webcrypto.js";
import {
  buildStepVotes,
  buildTransferBlock,
  ed25519AgreementCases,
  ed25519MutationChecks,
  type TransferBlockFixture,
} from "./fixtures.js";
import {
  ACCEPT_ALL,
  COMMITTEE_CREDITS,
  TRANSFER_COUNT,
  transferBlockOp,
  type VoteOps,
  voteOps,
} from "./ops.js";

let block: TransferBlockFixture | undefined;
let votes: VoteOps | undefined;
const webcrypto = new WebCryptoSignatureVerifier();
const noble = new NobleSignatureVerifier();

/** Most back-to-back calls per request: the local clock ticks in whole milliseconds. */
const MAX_REPS = 20;

/** ms per awaited call of `run`, over `reps` back-to-back calls. */
async function measure(run: () => unknown, reps: number): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < reps; i++) await run();
  return (performance.now() - start) / reps;
}

function verifierNamed(name: string | null): SignatureVerifier | undefined {
  if (name === "noble") return noble;
  if (name === "webcrypto") return webcrypto;
  if (name === "none") return ACCEPT_ALL;
  return undefined;
}

async function agreement(): Promise<Response> {
  const cases = ed25519AgreementCases();
  const checks = [...cases.map((c) => c.check), ...ed25519MutationChecks()];
  const fromNoble = await noble.verifyBatch(checks);
  const fromWebcrypto = await webcrypto.verifyBatch(checks);
  const rawNative = await Promise.all(checks.map(rawVerify));
  const names = (answers: readonly boolean[]) =>
    checks.flatMap((_, i) =>
      answers[i] === fromNoble[i] ? [] : [cases[i]?.name ?? `mutation ${i - cases.length}`],
    );
  return Response.json({
    native: await webcrypto.usesNative(),
    checks: checks.length,
    expectedMatchesNoble: cases.every((c, i) => c.expected === fromNoble[i]),
    webcryptoDisagreements: names(fromWebcrypto),
    rawNativeDisagreements: names(rawNative),
  });
}

/** crypto.subtle alone; a throw (bad key length, ...) counts as a rejection. */
async function rawVerify(c: SignatureCheck): Promise<boolean> {
  try {
    const key = await crypto.subtle.importKey("raw", c.publicKey, { name: "Ed25519" }, false, ["verify"]);
    return await crypto.subtle.verify({ name: "Ed25519" }, key, c.signature, c.message);
  } catch {
    return false;
  }
}

export default {
  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const reps = Math.min(MAX_REPS, Math.max(1, Number(url.searchParams.get("reps") ?? 1) || 1));
    try {
      if (url.pathname === "/transfers") {
        const verifier = verifierNamed(url.searchParams.get("verifier"));
        if (verifier === undefined) return new Response("unknown verifier", { status: 400 });
        block ??= buildTransferBlock(TRANSFER_COUNT);
        const native = verifier === webcrypto ? await webcrypto.usesNative() : undefined;
        return Response.json({ ms: await measure(transferBlockOp(block, verifier), reps), native });
      }
      if (url.pathname === "/votes") {
        votes ??= voteOps(buildStepVotes(COMMITTEE_CREDITS));
        const ops = votes;
        const op = url.searchParams.get("op");
        const byOp: Record<string, () => void> = {
          single: ops.single,
          individually: ops.individually,
          "same-message": ops.sameMessage,
          "same-message-one": ops.sameMessageOne,
        };
        const run = op !== null && Object.hasOwn(byOp, op) ? byOp[op] : undefined;
        if (run === undefined) return new Response("unknown op", { status: 400 });
        return Response.json({ ms: await measure(run, reps) });
      }
      if (url.pathname === "/agreement") return agreement();
      if (url.pathname === "/") return Response.json({ ok: true });
      return new Response("not found", { status: 404 });
    } catch (e) {
      return new Response(`bench worker failed: ${e instanceof Error ? e.stack : String(e)}`, {
        status: 500,
      });
    }
  },
} satisfies ExportedHandler;
