/**
 * `dusk-edge zk ...`: zero-knowledge commands. `zk verify` checks a snarkjs proof with the node's
 * own verifier (workers/verifier/zk, the code that runs in workerd) and agrees with
 * `snarkjs groth16 verify` / `snarkjs plonk verify` on every proof snarkjs makes; it is stricter on
 * non-canonical encodings (docs/ZK.md "Checks").
 */

import { readFile, stat } from "node:fs/promises";
import type { Command } from "commander";
import { Option } from "commander";
import { isProtocolError } from "../../protocol/errors.js";
import { protocolOf, verifySnarkjs, type ZkProtocol } from "../../workers/verifier/zk/index.js";
import { EXIT } from "../exit.js";

/** Largest JSON file read (a verification key with 1024 inputs is about 160 KB). */
const MAX_FILE_BYTES = 16 * 1024 * 1024;

class InputError extends Error {}

async function readJson(path: string, what: string): Promise<unknown> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (e) {
    throw new InputError(`cannot read ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  if (size > MAX_FILE_BYTES) {
    throw new InputError(`${what} ${path} is ${size} bytes, over the limit of ${MAX_FILE_BYTES}`);
  }
  const text = await readFile(path, "utf8");
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(`${what} ${path} is not JSON: ${(e as Error).message}`);
  }
}

interface VerifyOptions {
  vk: string;
  proof: string;
  public: string;
  protocol: ZkProtocol | "auto";
  json?: boolean;
}

interface VerifyReport {
  result: "valid" | "invalid" | "error";
  protocol?: ZkProtocol;
  code?: string;
  message?: string;
}

export async function zkVerify(opts: VerifyOptions): Promise<{ exit: number; report: VerifyReport }> {
  try {
    const [vk, proof, publicSignals] = await Promise.all([
      readJson(opts.vk, "verification key"),
      readJson(opts.proof, "proof"),
      readJson(opts.public, "public signals"),
    ]);
    const protocol = protocolOf(vk);
    const ok = verifySnarkjs({ vk, proof, publicSignals, protocol: opts.protocol });
    return ok
      ? { exit: EXIT.ok, report: { result: "valid", protocol } }
      : { exit: EXIT.negative, report: { result: "invalid", protocol } };
  } catch (e) {
    if (isProtocolError(e))
      return { exit: EXIT.error, report: { result: "error", code: e.code, message: e.message } };
    if (e instanceof InputError) return { exit: EXIT.error, report: { result: "error", message: e.message } };
    throw e;
  }
}

export function addZkCommands(program: Command, setExit: (code: number) => void): void {
  const zk = program
    .command("zk")
    .description("zero-knowledge proofs (BN254 Groth16 and PLONK, snarkjs formats)");
  zk.command("verify")
    .description("verify a snarkjs proof: prints valid (exit 0), invalid (exit 1) or an error (exit 2)")
    .requiredOption("--vk <file>", "verification_key.json")
    .requiredOption("--proof <file>", "proof.json")
    .requiredOption("--public <file>", "public.json (public signals)")
    .addOption(
      new Option("--protocol <protocol>", "proof system; auto reads vk.protocol")
        .choices(["auto", "groth16", "plonk"])
        .default("auto"),
    )
    .option("--json", "print one JSON object {result, protocol, code, message} instead of a word")
    .addHelpText(
      "after",
      "\nExit codes: 0 valid, 1 invalid, 2 error (usage, unreadable file, malformed or non-canonical input;\nthe message names the check and its limit). Encodings and checks: docs/ZK.md.",
    )
    .action(async (opts: VerifyOptions) => {
      const { exit, report } = await zkVerify(opts);
      if (opts.json) process.stdout.write(`${JSON.stringify(report)}\n`);
      else if (report.result === "error") {
        process.stderr.write(`error: ${report.code ? `${report.code}: ` : ""}${report.message}\n`);
      } else process.stdout.write(`${report.result}\n`);
      setExit(exit);
    });
}
