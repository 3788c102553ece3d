/**
 * Wallet proving with snarkjs in Node (issue 6, part 6): witness and Groth16 proof from the
 * development keys in circuits/dev-keys/ (scripts/zk-dev-setup.ts), converted to the binary
 * encoding the chain verifies (docs/ZK.md). Proving a transfer takes seconds (12,017
 * constraints), so `onProgress` hears every second while it runs.
 */

import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { encodeGroth16Proof, groth16ProofFromJson } from "../../workers/verifier/zk/groth16.js";
import { CliError } from "../context.js";

const KEYS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../../circuits/dev-keys");

export type Circuit = "deposit" | "transfer";
export type ProofInput = Record<string, string | string[] | string[][]>;

/** Where a circuit's witness calculator and proving key are (DUSK_EDGE_CIRCUITS overrides). */
export function circuitFiles(circuit: Circuit): { wasm: string; zkey: string } {
  const dir = process.env.DUSK_EDGE_CIRCUITS ?? KEYS_DIR;
  const files = { wasm: join(dir, `${circuit}.wasm`), zkey: join(dir, `${circuit}.zkey`) };
  for (const f of Object.values(files)) {
    if (!existsSync(f)) {
      throw new CliError("CIRCUIT_MISSING", `${f} is missing: run npm run zk:dev-setup (docs/SHIELDED.md)`);
    }
  }
  return files;
}

/** Proves `input` for `circuit`; returns the 256-byte binary proof. */
export async function prove(
  circuit: Circuit,
  input: ProofInput,
  onProgress: (elapsedSeconds: number) => void = () => {},
): Promise<{ proof: Uint8Array; publicSignals: string[]; seconds: number }> {
  const { wasm, zkey } = circuitFiles(circuit);
  const snarkjs = await import("snarkjs");
  const started = performance.now();
  const ticker = setInterval(() => onProgress(Math.round((performance.now() - started) / 1000)), 1000);
  try {
    const quiet = { debug() {}, info() {}, warn() {}, error() {} };
    const { proof, publicSignals } = await snarkjs.groth16.fullProve(input, wasm, zkey, quiet);
    return {
      proof: encodeGroth16Proof(groth16ProofFromJson(proof)),
      publicSignals: publicSignals as string[],
      seconds: (performance.now() - started) / 1000,
    };
  } catch (e) {
    // A witness that violates a constraint (say, values that do not balance) fails here.
    throw new CliError("PROOF_FAILED", `could not prove the ${circuit}: ${(e as Error).message}`);
  } finally {
    clearInterval(ticker);
  }
}

/** snarkjs keeps curve worker threads alive; a command calls this before it exits. */
export async function releaseProver(): Promise<void> {
  const g = globalThis as { curve_bn128?: { terminate(): Promise<void> } };
  if (g.curve_bn128) {
    await g.curve_bn128.terminate();
    g.curve_bn128 = undefined;
  }
}
