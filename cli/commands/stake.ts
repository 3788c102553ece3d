/**
 * `dusk-edge stake ...`: the genesis stake contract (docs/STAKING.md) from a wallet: add (a
 * first stake with the key's proof of possession, or a top-up), unstake, withdraw, and info.
 * Each is a call transaction to the stake contract, followed to finality like `contract call`.
 */

import type { Command } from "commander";
import { blsProvePossession } from "../../protocol/bls.js";
import { fromHex, toHex } from "../../protocol/bytes.js";
import { STAKE_CONTRACT_ID, stakeInput } from "../../protocol/stake.js";
import { signCall } from "../../protocol/transaction.js";
import {
  apiKeyOption,
  type CommonOptions,
  jsonOption,
  nodeOf,
  openWallet,
  output,
  urlOption,
} from "../context.js";
import { EXIT } from "../exit.js";
import { sendAndFollow, type TxOpts, txOptions } from "./contract.js";
import { runCommand } from "./run.js";

type StakeOpts = TxOpts & { key?: string; pop?: string };

/**
 * A call to the stake contract. Without --key the wallet's own provisioner key (index 0) is
 * staked, and a stake carries its proof of possession made from that key; with --key (a key the
 * operator API generated, say) a first stake needs --pop.
 */
function call(opts: StakeOpts, fn: "stake" | "unstake" | "withdraw", amount: bigint) {
  const wallet = openWallet(opts, opts.from);
  const own = opts.key === undefined ? wallet.provisioner(0) : undefined;
  const publicKey = own?.publicKey ?? fromHex(opts.key!, 48, "provisioner key");
  let pop: Uint8Array | undefined;
  if (fn === "stake" && opts.pop !== undefined) pop = fromHex(opts.pop, 96, "proof of possession");
  else if (fn === "stake" && own !== undefined) pop = blsProvePossession(own);
  const input = stakeInput(publicKey, pop);
  return sendAndFollow(
    opts,
    (key, chainId, nonce, gasPrice) =>
      signCall(key.secretKey, {
        chainId,
        from: key.publicKey,
        contract: STAKE_CONTRACT_ID,
        fn,
        input,
        amount,
        nonce,
        gasLimit: BigInt(opts.gasLimit),
        gasPrice,
      }),
    wallet,
  );
}

function report(opts: StakeOpts, r: Awaited<ReturnType<typeof call>>, done: string): number {
  const receipt = r.view.receipt;
  output(opts, { id: r.id, receipt }, [
    receipt.status === "success" ? done : `reverted: ${receipt.error?.code}: ${receipt.error?.message}`,
    `gas used ${receipt.gasUsed}`,
  ]);
  return receipt.status === "success" ? EXIT.ok : EXIT.negative;
}

export function addStakeCommands(program: Command, setExit: (code: number) => void): void {
  const stake = program
    .command("stake")
    .description(`provisioner stakes (docs/STAKING.md); contract ${toHex(STAKE_CONTRACT_ID)}`);
  const keyed = (cmd: Command) =>
    txOptions(
      cmd.option(
        "--key <hex>",
        "provisioner BLS public key (96 hex); default: the wallet's own provisioner key",
      ),
    );

  keyed(
    stake
      .command("add")
      .description("stake --amount for the wallet's provisioner key (or --key); also a top-up")
      .option("--pop <hex>", "with --key: its proof of possession (192 hex), as the operator API printed it"),
  ).action((opts: StakeOpts) =>
    runCommand(opts, setExit, async () =>
      report(opts, await call(opts, "stake", BigInt(opts.amount)), "staked"),
    ),
  );

  keyed(
    stake.command("unstake").description("move the stake to unbonding (paid out by withdraw later)"),
  ).action((opts: StakeOpts) =>
    runCommand(opts, setExit, async () => report(opts, await call(opts, "unstake", 0n), "unstaked")),
  );

  keyed(stake.command("withdraw").description("pay out rewards, and unbonded stake once released")).action(
    (opts: StakeOpts) =>
      runCommand(opts, setExit, async () => report(opts, await call(opts, "withdraw", 0n), "withdrawn")),
  );

  stake
    .command("info")
    .description("the stake record of a provisioner key")
    .argument("<key>", "provisioner BLS public key (96 hex)")
    .addOption(urlOption())
    .addOption(apiKeyOption())
    .addOption(jsonOption())
    .action((key: string, opts: CommonOptions) =>
      runCommand(opts, setExit, async () => {
        // biome-ignore lint/suspicious/noExplicitAny: the node's stake view, printed as is
        const info = await nodeOf(opts).ok<any>(`/v1/node/stakes/${key}`);
        const s = info.stake;
        output(opts, info, [
          `stake ${s.value} (eligible from ${s.eligibleFrom}), pending ${s.pending}, locked ${s.locked}`,
          `rewards ${s.reward}, unbonding ${s.unbonding} (release at ${s.releaseAt})`,
          `eligible ${info.eligible}, weight ${info.weight}, suspended until ${s.suspendedUntil}`,
          `faults: ${s.softFaults} missed generations, ${s.hardFaults} equivocations`,
        ]);
        return EXIT.ok;
      }),
    );
}
