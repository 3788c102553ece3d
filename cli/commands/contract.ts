/**
 * `dusk-edge contract ...`: build (AssemblyScript examples or a file), deploy, call, query and
 * events. Arguments are given as hex (`--input`) or as `--args type:value,...` in the contract
 * encoding of contracts/README.md (u8, bool, u32, u64, i64, bytes32, bytes (hex), string).
 */

import { readFileSync, writeFileSync } from "node:fs";
import type { Command } from "commander";
import { AbiWriter } from "../../contracts/abi.js";
import { fromHex, toHex } from "../../protocol/bytes.js";
import type { Ed25519KeyPair } from "../../protocol/ed25519.js";
import { contractIdOf, signCall, signDeploy } from "../../protocol/transaction.js";
import {
  apiKeyOption,
  CliError,
  type CommonOptions,
  homeOption,
  jsonOption,
  nodeOf,
  openWallet,
  output,
  passphraseOption,
  urlOption,
} from "../context.js";
import { EXIT } from "../exit.js";
import type { WalletKeys } from "../wallet/keystore.js";
import { chainAndNonce, submit, suggestedGasPrice, untilFinal } from "./chain-tx.js";
import { runCommand } from "./run.js";

/** Encodes `type:value,...` with the contract encoding; a value may not contain a comma. */
export function encodeArgs(spec: string): Uint8Array {
  const w = new AbiWriter();
  if (spec.trim() === "") return w.finish();
  for (const part of spec.split(",")) {
    const at = part.indexOf(":");
    if (at < 0) throw new CliError("BAD_ARGS", `argument "${part}" is not type:value`);
    const type = part.slice(0, at).trim();
    const value = part.slice(at + 1);
    switch (type) {
      case "u8":
        w.u8(Number(value));
        break;
      case "bool":
        w.bool(value === "true");
        break;
      case "u32":
        w.u32(Number(value));
        break;
      case "u64":
        w.u64(BigInt(value));
        break;
      case "i64":
        w.i64(BigInt(value));
        break;
      case "bytes32":
        w.bytes32(fromHex(value, 32, "bytes32 argument"));
        break;
      case "bytes":
        w.bytes(fromHex(value, undefined, "bytes argument"));
        break;
      case "string":
        w.string(value);
        break;
      default:
        throw new CliError("BAD_ARGS", `unknown argument type ${type}`);
    }
  }
  return w.finish();
}

function inputOf(opts: { input?: string; args?: string }): Uint8Array {
  if (opts.input !== undefined && opts.args !== undefined)
    throw new CliError("BAD_ARGS", "give --input or --args, not both");
  if (opts.input !== undefined) return fromHex(opts.input, undefined, "input");
  return encodeArgs(opts.args ?? "");
}

export type TxOpts = CommonOptions & {
  from: string;
  gasLimit: string;
  gasPrice?: string;
  amount: string;
  timeout: string;
};

/** Opens the paying wallet once (scrypt), builds, signs, submits and follows to finality. */
export async function sendAndFollow(
  opts: TxOpts,
  build: (
    key: Ed25519KeyPair,
    chainId: string,
    nonce: bigint,
    gasPrice: bigint,
  ) => Parameters<typeof submit>[1],
  /** The wallet of `opts.from`, when the caller opened it already (one scrypt per command). */
  wallet: WalletKeys = openWallet(opts, opts.from),
) {
  const node = nodeOf(opts);
  const key = wallet.account(0);
  const { chainId, nonce } = await chainAndNonce(node, toHex(key.publicKey));
  const gasPrice = opts.gasPrice !== undefined ? BigInt(opts.gasPrice) : await suggestedGasPrice(node);
  const tx = build(key, chainId, nonce, gasPrice);
  const id = await submit(node, tx);
  if (!opts.json) process.stdout.write(`submitted ${id}\n`);
  const view = await untilFinal(node, id, Number(opts.timeout) * 1000, (l) => {
    if (!opts.json) process.stdout.write(`${l}\n`);
  });
  return { key, nonce, id, view };
}

export function txOptions(cmd: Command): Command {
  return cmd
    .requiredOption("--from <wallet>", "paying wallet")
    .option("--gas-limit <gas>", "gas limit", "5000000")
    .option("--gas-price <price>", "gas price (default: the node's suggestion)")
    .option("--amount <units>", "native amount sent with it", "0")
    .option("--timeout <seconds>", "how long to wait for finality", "120")
    .addOption(urlOption())
    .addOption(apiKeyOption())
    .addOption(homeOption())
    .addOption(passphraseOption())
    .addOption(jsonOption());
}

export function addContractCommands(program: Command, setExit: (code: number) => void): void {
  const contract = program.command("contract").description("WebAssembly contracts (docs/CONTRACTS.md)");

  contract
    .command("build")
    .description("compile an AssemblyScript contract (a file, or an example name: counter, token, vault)")
    .argument("<source>")
    .requiredOption("--out <file>", "where to write the .wasm")
    .addOption(jsonOption())
    .action((source: string, opts: { out: string; json?: boolean }) =>
      runCommand(opts, setExit, async () => {
        const build = await import("../../contracts/build.js");
        const r = /^[a-z]+$/.test(source)
          ? await build.buildExample(source)
          : await build.compileAssemblyScript(source);
        writeFileSync(opts.out, r.wasm);
        output(opts, { out: opts.out, bytes: r.wasm.length }, [`wrote ${opts.out} (${r.wasm.length} bytes)`]);
        return EXIT.ok;
      }),
    );

  txOptions(
    contract
      .command("deploy")
      .description("deploy a .wasm contract (runs its init with --args/--input) and wait until final")
      .requiredOption("--wasm <file>", "compiled contract")
      .option("--input <hex>", "init input as hex")
      .option("--args <spec>", "init input as type:value,..."),
  ).action((opts: TxOpts & { wasm: string; input?: string; args?: string }) =>
    runCommand(opts, setExit, async () => {
      const code = readFileSync(opts.wasm);
      const init = inputOf(opts);
      const r = await sendAndFollow(opts, (key, chainId, nonce, gasPrice) =>
        signDeploy(key.secretKey, {
          chainId,
          from: key.publicKey,
          amount: BigInt(opts.amount),
          nonce,
          gasLimit: BigInt(opts.gasLimit),
          gasPrice,
          code: new Uint8Array(code),
          init,
        }),
      );
      const receipt = r.view.receipt;
      const id = toHex(contractIdOf(r.key.publicKey, r.nonce));
      output(opts, { id: r.id, contract: receipt.status === "success" ? id : null, receipt }, [
        receipt.status === "success"
          ? `contract ${id}`
          : `reverted: ${receipt.error?.code}: ${receipt.error?.message}`,
        `gas used ${receipt.gasUsed}`,
      ]);
      return receipt.status === "success" ? EXIT.ok : EXIT.negative;
    }),
  );

  txOptions(
    contract
      .command("call")
      .description("call a contract function by transaction and wait until final")
      .requiredOption("--id <contract>", "contract id")
      .requiredOption("--fn <name>", "exported function")
      .option("--input <hex>", "input as hex")
      .option("--args <spec>", "input as type:value,..."),
  ).action((opts: TxOpts & { id: string; fn: string; input?: string; args?: string }) =>
    runCommand(opts, setExit, async () => {
      const input = inputOf(opts);
      const r = await sendAndFollow(opts, (key, chainId, nonce, gasPrice) =>
        signCall(key.secretKey, {
          chainId,
          from: key.publicKey,
          contract: fromHex(opts.id, 32, "contract id"),
          fn: opts.fn,
          input,
          amount: BigInt(opts.amount),
          nonce,
          gasLimit: BigInt(opts.gasLimit),
          gasPrice,
        }),
      );
      const receipt = r.view.receipt;
      output(opts, { id: r.id, receipt }, [
        receipt.status === "success"
          ? `ok, return data ${receipt.returnData || "(none)"}`
          : `reverted: ${receipt.error?.code}: ${receipt.error?.message}`,
        `gas used ${receipt.gasUsed}, events ${receipt.events.length}`,
      ]);
      return receipt.status === "success" ? EXIT.ok : EXIT.negative;
    }),
  );

  contract
    .command("query")
    .description("read-only call on the node's committed state (no transaction, no fee)")
    .requiredOption("--id <contract>", "contract id")
    .requiredOption("--fn <name>", "exported function")
    .option("--input <hex>", "input as hex")
    .option("--args <spec>", "input as type:value,...")
    .addOption(urlOption())
    .addOption(apiKeyOption())
    .addOption(jsonOption())
    .action((opts: CommonOptions & { id: string; fn: string; input?: string; args?: string }) =>
      runCommand(opts, setExit, async () => {
        const r = await nodeOf(opts).ok<{
          ok: boolean;
          returnData: string;
          gasUsed: number;
          error: { code: string; message: string } | null;
        }>(`/v1/contracts/${opts.id}/query`, {
          method: "POST",
          body: { fn: opts.fn, input: toHex(inputOf(opts)) },
        });
        output(opts, r, [r.ok ? r.returnData : `reverted: ${r.error?.code}: ${r.error?.message}`]);
        return r.ok ? EXIT.ok : EXIT.negative;
      }),
    );

  contract
    .command("events")
    .description("events of a contract from a height on (with --follow, keep printing new ones)")
    .requiredOption("--id <contract>", "contract id")
    .option("--from <height>", "first height", "0")
    .option("--follow", "poll for new events until interrupted")
    .addOption(urlOption())
    .addOption(apiKeyOption())
    .addOption(jsonOption())
    .action((opts: CommonOptions & { id: string; from: string; follow?: boolean }) =>
      runCommand(opts, setExit, async () => {
        const node = nodeOf(opts);
        let from = Number(opts.from);
        for (;;) {
          // biome-ignore lint/suspicious/noExplicitAny: the node's event view, printed as is
          const page = await node.ok<{ events: any[]; next: number | null }>(
            `/v1/contracts/${opts.id}/events?from=${from}`,
          );
          for (const e of page.events) {
            if (opts.json) process.stdout.write(`${JSON.stringify(e)}\n`);
            else process.stdout.write(`height ${e.height} tx ${e.txId} topic ${e.topic} data ${e.data}\n`);
          }
          if (page.next !== null) from = page.next;
          if (!opts.follow) return EXIT.ok;
          await new Promise((r) => setTimeout(r, 1_000));
        }
      }),
    );
}
