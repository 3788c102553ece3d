#!/usr/bin/env node
/**
 * `npm run contracts:build`: compiles every contract of contracts/examples with the installed
 * AssemblyScript compiler (flags and cache in contracts/build.ts), checks each against the host
 * ABI, writes contracts/build/<name>.wasm (gitignored) and prints its size.
 *
 * Run under tsx (the npm script does) because the build function is TypeScript shared with the
 * tests. Exit code 1 when any contract fails to compile or breaks the ABI.
 */

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildExample, exampleNames, ROOT } from "../contracts/build.ts";
import { checkContractModule } from "../contracts/host-abi.ts";

const OUT_DIR = join(ROOT, "contracts/build");
mkdirSync(OUT_DIR, { recursive: true });
let failed = 0;
for (const name of exampleNames()) {
  try {
    const { wasm, cached } = await buildExample(name);
    writeFileSync(join(OUT_DIR, `${name}.wasm`), wasm);
    const { imports, entries } = checkContractModule(wasm);
    console.log(
      `${`contracts/build/${name}.wasm`.padEnd(32)} ${String(wasm.length).padStart(6)} bytes` +
        `  ${imports.length} imports, entries: ${entries.join(", ")}${cached ? "  (cached)" : ""}`,
    );
  } catch (e) {
    failed++;
    console.error(`${name}: ${e instanceof Error ? e.message : e}`);
  }
}
if (failed > 0) {
  console.error(`${failed} contract(s) failed`);
  process.exit(1);
}
