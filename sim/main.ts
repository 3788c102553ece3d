/**
 * Entry point of `npm run sim` (started by scripts/sim.mjs with tsx): the only file of sim/ that
 * touches the process (arguments, output, exit code). The simulator itself stays pure.
 */

import { parseArgs, runSweep, USAGE } from "./cli.js";

const argv = process.argv.slice(2);
if (argv.includes("--help") || argv.includes("-h")) {
  console.log(USAGE);
} else {
  let sweep: ReturnType<typeof parseArgs>;
  try {
    sweep = parseArgs(argv);
  } catch (e) {
    console.error(String(e instanceof Error ? e.message : e));
    process.exit(2);
  }
  const { failed } = await runSweep(sweep, {
    line: (s) => console.log(s),
    progress: (s) => console.error(s),
  });
  process.exitCode = failed > 0 ? 1 : 0;
}
