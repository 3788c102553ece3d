/**
 * The `dusk-edge` command line (Node). One file per command group under `cli/commands/`, each
 * exporting a function that adds its group to the program; `main` returns the exit code instead
 * of exiting so tests and other callers can run it in-process.
 *
 * Exit codes, for every command: 0 success (for `zk verify`: the proof is valid), 1 a negative
 * answer (the proof is invalid, a contract call reverted, a transfer was not confirmed), 2 an
 * error (bad usage, unreadable or malformed input, a node error).
 */

import { Command, CommanderError } from "commander";
import { addAccountCommands } from "./commands/account.js";
import { addConsistencyCommand } from "./commands/consistency.js";
import { addContractCommands } from "./commands/contract.js";
import { addNodeCommands } from "./commands/node.js";
import { addOperatorCommands } from "./commands/operator.js";
import { addShieldedCommands } from "./commands/shielded.js";
import { addStakeCommands } from "./commands/stake.js";
import { addWalletCommands } from "./commands/wallet.js";
import { addZkCommands } from "./commands/zk.js";
import { EXIT } from "./exit.js";

export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command()
    .name("dusk-edge")
    .description(
      "dusk-edge wallet and node tools: wallets, accounts, shielded notes, contracts, zero-knowledge proofs",
    )
    .showHelpAfterError()
    .exitOverride()
    .addHelpText("after", "\nExit codes: 0 success (valid), 1 negative answer (invalid), 2 error.");
  addWalletCommands(program, setExit);
  addAccountCommands(program, setExit);
  addShieldedCommands(program, setExit);
  addContractCommands(program, setExit);
  addStakeCommands(program, setExit);
  addZkCommands(program, setExit);
  addNodeCommands(program, setExit);
  addOperatorCommands(program, setExit);
  addConsistencyCommand(program, setExit);
  return program;
}

/** Runs the CLI on `argv` (as process.argv: node, script, args...) and resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildProgram((c) => {
    code = c;
  });
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end here with code 0; usage errors (already printed) are exit 2.
      return e.exitCode === 0 ? EXIT.ok : EXIT.error;
    }
    process.stderr.write(`dusk-edge: ${e instanceof Error ? e.message : String(e)}\n`);
    return EXIT.error;
  }
  return code;
}
