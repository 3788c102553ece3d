/**
 * workerd half of bench/zk-bench.ts: a Worker started under `wrangler dev` (config
 * bench/wrangler.zk-bench.jsonc). The bench POSTs the snarkjs fixture (made in Node: snarkjs cannot
 * run here) to /load, which prepares the keys once; each GET then runs one operation `reps` times
 * back to back and answers the time per call from performance.now() (locally workerd's clock
 * advances in whole milliseconds; the bench cross-checks against its own round trips).
 *
 *   POST /load                      {groth16: {vk, proofs}, plonk: {vk, proofs}}
 *   GET  /single?reps=R             Groth16 from proof/public JSON, prepared key (cache hit)
 *   GET  /batch?reps=R              32 Groth16 proofs from JSON, one combined check
 *   GET  /plonk?reps=R              PLONK from JSON, prepared key
 *   GET  /                          empty request (round-trip baseline)
 */

import { inputsFromJson } from "../workers/verifier/zk/curve.js";
import { groth16ProofFromJson, verifyGroth16Batch } from "../workers/verifier/zk/groth16.js";
import { PreparedKeyCache, verifySnarkjs } from "../workers/verifier/zk/index.js";

interface ProofCase {
  proof: unknown;
  publicSignals: string[];
}
interface Fixture {
  groth16: { vk: unknown; proofs: ProofCase[] };
  plonk: { vk: unknown; proofs: ProofCase[] };
}

let fixture: Fixture | undefined;
const cache = new PreparedKeyCache(8);
const MAX_REPS = 50;
let next = 0;

async function measure(run: () => boolean, reps: number): Promise<{ ms: number; ok: boolean }> {
  let ok = true;
  const start = performance.now();
  for (let i = 0; i < reps; i++) ok = run() && ok;
  return { ms: (performance.now() - start) / reps, ok };
}

export default {
  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const reps = Math.min(MAX_REPS, Math.max(1, Number(url.searchParams.get("reps") ?? 1) || 1));
    try {
      if (url.pathname === "/load" && request.method === "POST") {
        fixture = (await request.json()) as Fixture;
        const start = performance.now();
        cache.groth16FromJson(fixture.groth16.vk);
        cache.plonkFromJson(fixture.plonk.vk);
        return Response.json({ prepareMs: performance.now() - start });
      }
      if (url.pathname === "/") return Response.json({ ok: true });
      const f = fixture;
      if (!f) return new Response("POST /load first", { status: 409 });
      if (url.pathname === "/single" || url.pathname === "/plonk") {
        const set = url.pathname === "/single" ? f.groth16 : f.plonk;
        return Response.json(
          await measure(() => {
            const p = set.proofs[next++ % set.proofs.length]!;
            return verifySnarkjs({ vk: set.vk, proof: p.proof, publicSignals: p.publicSignals }, cache);
          }, reps),
        );
      }
      if (url.pathname === "/batch") {
        return Response.json(
          await measure(() => {
            const prepared = cache.groth16FromJson(f.groth16.vk);
            const items = f.groth16.proofs.map((p) => ({
              proof: groth16ProofFromJson(p.proof),
              inputs: inputsFromJson(p.publicSignals, 1024),
            }));
            return verifyGroth16Batch(prepared, items).valid;
          }, reps),
        );
      }
      return new Response("not found", { status: 404 });
    } catch (e) {
      return new Response(`zk bench worker failed: ${e instanceof Error ? e.stack : String(e)}`, {
        status: 500,
      });
    }
  },
} satisfies ExportedHandler;
