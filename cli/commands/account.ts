/**
 * `dusk-edge balance | transfer | faucet`: public accounts. A transfer shows its fee (gas × the
 * node's suggested gas price) and asks for confirmation unless --yes, then waits for finality
 * and shows each finality label as it changes.
 */

import { createInterface } from "node:readline/promises";
import type { Command } from "commander";
import { fromHex, toHex } from "../../protocol/bytes.js";
import { devAccountKey } from "../../protocol/keys.js";
import { signTransfer } from "../../protocol/transaction.js";
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
  readWallet,
  urlOption,
} from "../context.js";
import { EXIT } from "../exit.js";
import { chainAndNonce, submit, suggestedGasPrice, untilFinal } from "./chain-tx.js";
import { runCommand } from "./run.js";

const TRANSFER_GAS = 21_000n;

export function amountOf(raw: string): bigint {
  if (!/^(0|[1-9][0-9]{0,19})$/.test(raw))
    throw new CliError("BAD_AMOUNT", "amount must be a whole number of units");
  return BigInt(raw);
}

/** `--to` takes an address or the name of a local wallet. */
export function addressOf(home: string, to: string): string {
  if (/^[0-9a-fA-F]{64}$/.test(to)) return to.toLowerCase();
  return readWallet(home, to).address;
}

export async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

type TxOptions = CommonOptions & { timeout: string; yes?: boolean };

/** A row of the archive's account history (workers/gateway/archive/queries.ts). */
interface HistoryRow {
  id: string;
  height: number;
  kind: string;
  sender: string;
  recipient: string | null;
  contract: string | null;
  amount: string;
  status: string;
}

export function addAccountCommands(program: Command, setExit: (code: number) => void): void {
  program
    .command("balance")
    .description("balance and nonce of a wallet or address")
    .argument("<wallet-or-address>")
    .addOption(urlOption())
    .addOption(apiKeyOption())
    .addOption(homeOption())
    .addOption(jsonOption())
    .action((who: string, opts: CommonOptions) =>
      runCommand(opts, setExit, async () => {
        const address = addressOf(opts.home, who);
        const a = await nodeOf(opts).ok<{ balance: string; nonce: string }>(`/v1/accounts/${address}`);
        output(opts, { address, balance: a.balance, nonce: a.nonce }, [`${a.balance} (nonce ${a.nonce})`]);
        return EXIT.ok;
      }),
    );

  program
    .command("history")
    .description("final transactions of a wallet or address, newest first (the node's D1 archive)")
    .argument("<wallet-or-address>")
    .option("--limit <n>", "at most this many (1-100)", "20")
    .option("--cursor <cursor>", "continue where a previous page ended (its `next`)")
    .addOption(urlOption())
    .addOption(apiKeyOption())
    .addOption(homeOption())
    .addOption(jsonOption())
    .action((who: string, opts: CommonOptions & { limit: string; cursor?: string }) =>
      runCommand(opts, setExit, async () => {
        const address = addressOf(opts.home, who);
        const query = new URLSearchParams({
          limit: opts.limit,
          ...(opts.cursor ? { cursor: opts.cursor } : {}),
        });
        const page = await nodeOf(opts).ok<{ transactions: HistoryRow[]; next: string | null }>(
          `/v1/archive/accounts/${address}/transactions?${query}`,
        );
        output(opts, page, [
          ...page.transactions.map((t) => {
            const out = t.sender === address;
            const other = out ? (t.recipient ?? t.contract ?? "-") : t.sender;
            return `height ${t.height}  ${t.kind.padEnd(17)} ${out ? "-" : "+"}${t.amount} ${out ? "to" : "from"} ${other}  ${t.status}  ${t.id}`;
          }),
          page.next === null ? "(end)" : `more: --cursor ${page.next}`,
        ]);
        return EXIT.ok;
      }),
    );

  program
    .command("transfer")
    .description("send a public transfer and wait until it is final")
    .requiredOption("--from <wallet>", "paying wallet")
    .requiredOption("--to <wallet-or-address>", "recipient")
    .requiredOption("--amount <units>", "amount")
    .option("--gas-price <price>", "gas price (default: the node's suggestion)")
    .option("--yes", "do not ask for confirmation")
    .option("--timeout <seconds>", "how long to wait for finality", "120")
    .addOption(urlOption())
    .addOption(apiKeyOption())
    .addOption(homeOption())
    .addOption(passphraseOption())
    .addOption(jsonOption())
    .action((opts: TxOptions & { from: string; to: string; amount: string; gasPrice?: string }) =>
      runCommand(opts, setExit, async () => {
        const node = nodeOf(opts);
        const key = openWallet(opts, opts.from).account(0);
        const to = addressOf(opts.home, opts.to);
        const amount = amountOf(opts.amount);
        const gasPrice =
          opts.gasPrice !== undefined ? amountOf(opts.gasPrice) : await suggestedGasPrice(node);
        const fee = TRANSFER_GAS * gasPrice;
        if (!opts.yes && !opts.json) {
          if (!(await confirm(`send ${amount} to ${to}, fee ${fee}?`))) {
            output(opts, { sent: false }, ["cancelled"]);
            return EXIT.negative;
          }
        }
        const { chainId, nonce } = await chainAndNonce(node, toHex(key.publicKey));
        const tx = signTransfer(key.secretKey, {
          chainId,
          from: key.publicKey,
          to: fromHex(to, 32, "to"),
          amount,
          nonce,
          gasLimit: TRANSFER_GAS,
          gasPrice,
          memo: new Uint8Array(0),
        });
        const id = await submit(node, tx);
        if (!opts.json) process.stdout.write(`submitted ${id} (fee ${fee})\n`);
        const view = await untilFinal(node, id, Number(opts.timeout) * 1000, (l) => {
          if (!opts.json) process.stdout.write(`${l}\n`);
        });
        output(opts, { id, height: view.height, label: view.label, fee: String(fee) }, [
          `final at height ${view.height}`,
        ]);
        return EXIT.ok;
      }),
    );

  program
    .command("faucet")
    .description("devnet only: fund an address from a dev account of the genesis (DEVNET_SEED)")
    .requiredOption("--to <wallet-or-address>", "recipient")
    .option("--amount <units>", "amount", "1000000000")
    .option("--seed <seed>", "the devnet's DEVNET_SEED", "dusk-edge-devnet")
    .option("--account <i>", "which dev account pays (0-15)", "15")
    .option("--timeout <seconds>", "how long to wait for finality", "120")
    .addOption(urlOption())
    .addOption(apiKeyOption())
    .addOption(homeOption())
    .addOption(jsonOption())
    .action((opts: TxOptions & { to: string; amount: string; seed: string; account: string }) =>
      runCommand(opts, setExit, async () => {
        const node = nodeOf(opts);
        const index = Number(opts.account);
        if (!Number.isInteger(index) || index < 0 || index > 15)
          throw new CliError("BAD_ACCOUNT", "--account must be 0-15");
        const key = devAccountKey(opts.seed, index);
        const { chainId, nonce } = await chainAndNonce(node, toHex(key.publicKey));
        const tx = signTransfer(key.secretKey, {
          chainId,
          from: key.publicKey,
          to: fromHex(addressOf(opts.home, opts.to), 32, "to"),
          amount: amountOf(opts.amount),
          nonce,
          gasLimit: TRANSFER_GAS,
          gasPrice: 1n,
          memo: new Uint8Array(0),
        });
        const id = await submit(node, tx);
        const view = await untilFinal(node, id, Number(opts.timeout) * 1000, (l) => {
          if (!opts.json) process.stdout.write(`${l}\n`);
        });
        output(opts, { id, height: view.height, amount: opts.amount }, [
          `funded: ${id} final at height ${view.height}`,
        ]);
        return EXIT.ok;
      }),
    );
}
