/**
 * The `dusk-edge` command line (Node). One file per command group under `cli/commands/`, each
 * exporting a function that adds its group to the program; `main` returns the exit code instead
 * of exiting so tests and other callers can run it in-process.
 *
 * Exit codes, for every command: 0 success (for `zk verify`: the proof is valid), 1 a negative
 * answer (the proof is invalid), 2 an error (bad usage, unreadable or malformed input).
 */

import { Command, CommanderError } from "commander";
import { addZkCommands } from "./commands/zk.js";
import { EXIT } from "./exit.js";

export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command()
    .name("dusk-edge")
    .description("dusk-edge node tools: zero-knowledge proof verification (more command groups to come)")
    .showHelpAfterError()
    .exitOverride()
    .addHelpText("after", "\nExit codes: 0 success (valid), 1 negative answer (invalid), 2 error.");
  addZkCommands(program, setExit);
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
