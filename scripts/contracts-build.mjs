#!/usr/bin/env node
/**
 * `npm run contracts:build [-- file.ts ...]`: compiles every contract of contracts/examples, or
 * the given files, with the installed AssemblyScript compiler (flags and cache in
 * contracts/build.ts), checks each against the host ABI, writes contracts/build/<name>.wasm
 * (gitignored) and prints its size.
 *
 * Run under tsx (the npm script does) because the build function is TypeScript shared with the
 * tests. Exit code 1 when any contract fails to compile or breaks the ABI.
 */

import { mkdirSync, writeFileSync } from "node:fs";
import { basename, join, relative, resolve } from "node:path";
import { compileAssemblyScript, exampleNames, ROOT } from "../contracts/build.ts";
import { checkContractModule } from "../contracts/host-abi.ts";

const OUT_DIR = join(ROOT, "contracts/build");
mkdirSync(OUT_DIR, { recursive: true });
const given = process.argv.slice(2);
const entries =
  given.length > 0
    ? // npm runs scripts from the package root; INIT_CWD is where the user typed the command.
      given.map((f) => relative(ROOT, resolve(process.env.INIT_CWD ?? process.cwd(), f)))
    : exampleNames().map((n) => `contracts/examples/${n}.ts`);
let failed = 0;
for (const entry of entries) {
  const name = basename(entry, ".ts");
  try {
    const { wasm, cached } = await compileAssemblyScript(entry);
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
