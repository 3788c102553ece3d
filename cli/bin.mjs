#!/usr/bin/env node
// `dusk-edge` command-line entry: plain Node (20.19+) with tsx registered, so the TypeScript
// sources run from a fresh clone without a build step. All logic is in cli/main.ts.
import { register } from "tsx/esm/api";

register();
const { main } = await import("./main.ts");
process.exitCode = await main(process.argv);
