/**
 * `dusk-edge shielded ...`: the wallet's shielded notes (docs/SHIELDED.md, docs/CLI.md).
 *   address          the wallet's shielded address (zs...)
 *   sync / balance   scan the note index (progress on stderr) and sum unspent notes; with
 *                    --view-key an auditor reads incoming notes without the wallet
 *   deposit          public account → new note (deposit proof)
 *   send             note(s) → a note for another address, change back (transfer proof)
 *   withdraw         note(s) → a public account (transfer proof with a public withdrawal)
 *   export-view-key  the view key (zv...): reads the wallet's notes, cannot spend them
 * Proving shows its elapsed seconds on stderr; every command waits for finality like `transfer`.
 */

import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { fromHex, toHex } from "../../protocol/bytes.js";
import { SHIELDED_GAS } from "../../protocol/shielded.js";
import type { Transaction } from "../../protocol/transaction.js";
import {
  apiKeyOption,
  CliError,
  type CommonOptions,
  homeOption,
  jsonOption,
  type NodeHttp,
  nodeOf,
  openWallet,
  output,
  passphraseOption,
  urlOption,
  walletPath,
} from "../context.js";
import { EXIT } from "../exit.js";
import { buildDeposit, buildTransfer } from "../shielded/build-tx.js";
import {
  decodeAddress,
  decodeViewKey,
  encodeAddress,
  encodeViewKey,
  type ShieldedAddress,
  type ShieldedKeySet,
  shieldedKeys,
  type ViewKey,
} from "../shielded/keys.js";
import { releaseProver } from "../shielded/prover.js";
import {
  balanceOf,
  loadCache,
  refreshSpent,
  type ShieldedCache,
  saveCache,
  syncNotes,
  unspent,
} from "../shielded/wallet.js";
import { addressOf, amountOf, confirm } from "./account.js";
import { chainAndNonce, submit, suggestedGasPrice, untilFinal } from "./chain-tx.js";
import { runCommand } from "./run.js";

type Opts = CommonOptions & { timeout?: string; yes?: boolean; gasPrice?: string };

const withNode = (c: Command) =>
  c.addOption(urlOption()).addOption(apiKeyOption()).addOption(homeOption()).addOption(jsonOption());

function keysOf(opts: CommonOptions, wallet: string): ShieldedKeySet {
  return shieldedKeys(openWallet(opts, wallet).shieldedSecret(0));
}

/** `--to` takes a shielded address or the name of a local wallet (its address is in the file). */
function shieldedAddressOf(opts: CommonOptions, to: string): ShieldedAddress {
  if (to.startsWith("zs")) return decodeAddress(to);
  return keysOf(opts, to);
}

function stderr(opts: { json?: boolean }, line: string): void {
  if (!opts.json) process.stderr.write(line);
}

async function genesisOf(node: NodeHttp): Promise<{ chainId: string; genesisHash: string }> {
  const s = await node.ok<{ chainId: string; genesisHash: string }>("/v1/node/status");
  return { chainId: s.chainId, genesisHash: s.genesisHash };
}

/** Syncs the wallet's cache (progress on stderr) and, with spend keys, refreshes spent flags. */
async function synced(
  opts: CommonOptions,
  cacheName: string,
  view: ViewKey,
  keys: ShieldedKeySet | null,
): Promise<{ cache: ShieldedCache; chainId: string; save: () => void }> {
  const node = nodeOf(opts);
  const { chainId, genesisHash } = await genesisOf(node);
  const path = join(opts.home, "shielded", `${cacheName}.json`);
  mkdirSync(join(opts.home, "shielded"), { recursive: true, mode: 0o700 });
  const cache = loadCache(path, genesisHash);
  await syncNotes(node, view, cache, (scanned, total) => stderr(opts, `\rsynced ${scanned}/${total} notes`));
  stderr(opts, "\n");
  if (keys !== null) await refreshSpent(node, keys, cache);
  saveCache(path, cache);
  return { cache, chainId, save: () => saveCache(path, cache) };
}

async function sendAndWait(opts: Opts, tx: Transaction, fee: bigint): Promise<number> {
  const node = nodeOf(opts);
  const id = await submit(node, tx);
  stderr(opts, `submitted ${id} (fee ${fee})\n`);
  const view = await untilFinal(node, id, Number(opts.timeout ?? "120") * 1000, (l) =>
    stderr(opts, `${l}\n`),
  );
  output(opts, { id, height: view.height, label: view.label, fee: String(fee) }, [
    `final at height ${view.height}`,
  ]);
  return EXIT.ok;
}

const provingProgress = (opts: { json?: boolean }, what: string) => (s: number) =>
  stderr(opts, `\rproving ${what}: ${s} s`);

export function addShieldedCommands(program: Command, setExit: (code: number) => void): void {
  const group = program.command("shielded").description("shielded notes: private balances and transfers");
  /** Runs a proving command body; snarkjs's worker threads are released however it ends. */
  const proving = (opts: Opts, body: () => Promise<number>) =>
    runCommand(opts, setExit, async () => {
      try {
        return await body();
      } finally {
        await releaseProver();
      }
    });

  withNode(
    group
      .command("address")
      .description("the wallet's shielded address (zs...), to receive notes")
      .argument("<wallet>")
      .addOption(passphraseOption()),
  ).action((wallet: string, opts: CommonOptions) =>
    runCommand(opts, setExit, () => {
      const address = encodeAddress(keysOf(opts, wallet));
      output(opts, { wallet, address }, [address]);
      return EXIT.ok;
    }),
  );

  withNode(
    group
      .command("export-view-key")
      .description("print the view key (zv...): it reads this wallet's notes and cannot spend them")
      .argument("<wallet>")
      .addOption(passphraseOption()),
  ).action((wallet: string, opts: CommonOptions) =>
    runCommand(opts, setExit, () => {
      const key = encodeViewKey(keysOf(opts, wallet));
      output(opts, { wallet, viewKey: key }, [key]);
      return EXIT.ok;
    }),
  );

  for (const name of ["sync", "balance"]) {
    withNode(
      group
        .command(name)
        .description(
          name === "sync"
            ? "scan new notes into the wallet's cache (progress on stderr)"
            : "unspent shielded balance of a wallet, or of a view key's incoming notes (--view-key)",
        )
        .argument("[wallet]")
        .option("--view-key <key>", "read with a view key (zv...) instead of a wallet (auditor)")
        .addOption(passphraseOption()),
    ).action((wallet: string | undefined, opts: CommonOptions & { viewKey?: string }) =>
      runCommand(opts, setExit, async () => {
        if ((wallet === undefined) === (opts.viewKey === undefined)) {
          throw new CliError("BAD_USAGE", "give a wallet name or --view-key, not both");
        }
        const keys = wallet === undefined ? null : keysOf(opts, wallet);
        const view = keys ?? decodeViewKey(opts.viewKey!);
        const cacheName = wallet ?? `view-${toHex(fromHex(opts.viewKey!.slice(2, 34), 16, "view key"))}`;
        if (wallet !== undefined) walletPath(opts.home, wallet);
        const { cache } = await synced(opts, cacheName, view, keys);
        // A view key cannot compute nullifiers: it sees what arrived, not what was spent.
        const notes = keys === null ? cache.notes : unspent(cache);
        const balance = balanceOf(notes);
        output(
          opts,
          {
            balance: String(balance),
            notes: notes.map((n) => ({ position: n.position, value: n.value, height: n.height })),
            scanned: cache.commitments.length,
            spentKnown: keys !== null,
          },
          [
            `${balance} in ${notes.length} note(s)${keys === null ? " received (a view key cannot see spends)" : ""}`,
          ],
        );
        return EXIT.ok;
      }),
    );
  }

  withNode(
    group
      .command("deposit")
      .description("pay a public amount into a new shielded note (yours, or --to)")
      .requiredOption("--from <wallet>", "paying wallet (its public account)")
      .requiredOption("--amount <units>", "amount")
      .option("--to <address>", "owner of the new note: zs... or a wallet (default: the paying wallet)")
      .option("--gas-price <price>", "gas price (default: the node's suggestion)")
      .option("--yes", "do not ask for confirmation")
      .option("--timeout <seconds>", "how long to wait for finality", "120")
      .addOption(passphraseOption()),
  ).action((opts: Opts & { from: string; amount: string; to?: string }) =>
    proving(opts, async () => {
      const node = nodeOf(opts);
      const wallet = openWallet(opts, opts.from);
      const payer = wallet.account(0);
      const to =
        opts.to === undefined ? shieldedKeys(wallet.shieldedSecret(0)) : shieldedAddressOf(opts, opts.to);
      const value = amountOf(opts.amount);
      const gasPrice = opts.gasPrice !== undefined ? amountOf(opts.gasPrice) : await suggestedGasPrice(node);
      const fee = SHIELDED_GAS.deposit * gasPrice;
      if (!opts.yes && !opts.json && !(await confirm(`deposit ${value} into a shielded note, fee ${fee}?`))) {
        output(opts, { sent: false }, ["cancelled"]);
        return EXIT.negative;
      }
      const { chainId, nonce } = await chainAndNonce(node, toHex(payer.publicKey));
      const tx = await buildDeposit({
        chainId,
        payer,
        nonce,
        gasPrice,
        value,
        to,
        onProgress: provingProgress(opts, "deposit"),
      });
      stderr(opts, "\n");
      return sendAndWait(opts, tx, fee);
    }),
  );

  for (const name of ["send", "withdraw"] as const) {
    withNode(
      group
        .command(name)
        .description(
          name === "send"
            ? "send from your notes to a shielded address; change comes back as a note"
            : "pay from your notes to a public account",
        )
        .requiredOption("--from <wallet>", "wallet whose notes pay")
        .requiredOption(
          "--to <address>",
          name === "send" ? "shielded address (zs...) or wallet" : "account or wallet",
        )
        .requiredOption("--amount <units>", "amount")
        .option("--gas-price <price>", "gas price (default: the node's suggestion)")
        .option("--yes", "do not ask for confirmation")
        .option("--timeout <seconds>", "how long to wait for finality", "120")
        .addOption(passphraseOption()),
    ).action((opts: Opts & { from: string; to: string; amount: string }) =>
      proving(opts, async () => {
        const node = nodeOf(opts);
        const keys = keysOf(opts, opts.from);
        const amount = amountOf(opts.amount);
        const gasPrice =
          opts.gasPrice !== undefined ? amountOf(opts.gasPrice) : await suggestedGasPrice(node);
        const fee = SHIELDED_GAS.transfer * gasPrice;
        const recipient = name === "send" ? shieldedAddressOf(opts, opts.to) : null;
        const account = name === "withdraw" ? fromHex(addressOf(opts.home, opts.to), 32, "to") : null;
        const { cache, chainId } = await synced(opts, opts.from, keys, keys);
        if (
          !opts.yes &&
          !opts.json &&
          !(await confirm(`${name} ${amount} to ${opts.to}, fee ${fee} (from notes)?`))
        ) {
          output(opts, { sent: false }, ["cancelled"]);
          return EXIT.negative;
        }
        const tx = await buildTransfer({
          chainId,
          keys,
          cache,
          gasPrice,
          amount: name === "send" ? amount : 0n,
          to: recipient,
          withdrawal: name === "withdraw" ? amount : 0n,
          withdrawTo: account,
          onProgress: provingProgress(opts, "transfer"),
        });
        stderr(opts, "\n");
        return sendAndWait(opts, tx, fee);
      }),
    );
  }
}
