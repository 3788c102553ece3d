/** Runs a command body: its exit code on success; a printed `error: CODE: message` and exit 2 on failure. */

import { isProtocolError } from "../../protocol/errors.js";
import { CliError } from "../context.js";
import { EXIT } from "../exit.js";
import { WalletError } from "../wallet/keystore.js";

export async function runCommand(
  opts: { json?: boolean },
  setExit: (code: number) => void,
  body: () => number | Promise<number>,
): Promise<void> {
  try {
    setExit(await body());
  } catch (e) {
    const code =
      e instanceof CliError || e instanceof WalletError || isProtocolError(e)
        ? (e as { code: string }).code
        : "ERROR";
    const message = e instanceof Error ? e.message : String(e);
    if (opts.json) process.stdout.write(`${JSON.stringify({ error: { code, message } })}\n`);
    else process.stderr.write(`error: ${code}: ${message}\n`);
    // DUSK_EDGE_DEBUG=1 adds the stack of an unexpected error (docs/CLI.md).
    if (code === "ERROR" && process.env.DUSK_EDGE_DEBUG && e instanceof Error)
      process.stderr.write(`${e.stack}\n`);
    setExit(EXIT.error);
  }
}
