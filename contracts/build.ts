/**
 * Compiles AssemblyScript with the installed `asc` (Node tooling, not part of any pure core).
 * Used by `npm run contracts:build`, the contract tests and the WASM benchmark, so a fresh clone
 * needs no manual step: the first use compiles, later uses hit the cache.
 *
 * Flags (CONTRACT_FLAGS): the `stub` runtime (a bump allocator that never frees: no collector
 * runs at unpredictable points, and a call's memory dies with its instance anyway),
 * `--optimizeLevel 3 --shrinkLevel 0`, no SIMD or threads (asc leaves them off unless enabled),
 * memory exported as `memory`, AssemblyScript's default `env.abort` import (the host reverts
 * with its message), assertions kept (they revert).
 *
 * Cache: node_modules/.cache/dusk-contracts/<key>.{json,wasm}, key = SHA-256 of the asc
 * version, the flags and the entry path. The JSON lists every source file the compiler asked
 * for, with the SHA-256 of its text or null when it was absent (asc probes `x.ts` before
 * `x/index.ts`), so editing the SDK, or creating a file that would now shadow an import,
 * misses the cache. Entries are written to a temporary name and renamed, so parallel test
 * workers never read half a file.
 */

import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { checkContractModule } from "./host-abi";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const EXAMPLES_DIR = join(ROOT, "contracts/examples");
export const CACHE_DIR = join(ROOT, "node_modules/.cache/dusk-contracts");

export const CONTRACT_FLAGS: readonly string[] = [
  "--runtime",
  "stub",
  "--optimizeLevel",
  "3",
  "--shrinkLevel",
  "0",
  "--noColors",
];

export interface BuildOptions {
  /** Compiler flags; CONTRACT_FLAGS by default. */
  flags?: readonly string[];
  /** Hold the output to the host ABI (default true; benchmark kernels are not contracts). */
  checkAbi?: boolean;
  /** Cache directory; CACHE_DIR by default. */
  cacheDir?: string;
}

export interface BuildResult {
  /** Entry path relative to the repository. */
  entry: string;
  wasm: Uint8Array;
  cached: boolean;
}

/**
 * The part of asc's API used here. Its own typings declare globals (a `console` namespace) that
 * would leak into the whole program, so the module is imported by a non-literal name, untyped.
 */
const ASC_MODULE: string = "assemblyscript/asc";
interface AscStream {
  toString(): string;
}
interface Asc {
  createMemoryStream(): AscStream;
  main(
    argv: string[],
    options: {
      stdout: AscStream;
      stderr: AscStream;
      readFile: (name: string, baseDir: string) => string | null;
      writeFile: (name: string, contents: Uint8Array | string, baseDir: string) => void;
      listFiles: (dirname: string, baseDir: string) => string[] | null;
    },
  ): Promise<{ error: Error | null }>;
}

interface CacheEntry {
  /** Source path (relative to the repository) -> SHA-256 of its text, or null if absent. */
  sources: Record<string, string | null>;
  wasmSha256: string;
}

const sha256 = (data: string | Uint8Array): string => createHash("sha256").update(data).digest("hex");

function readOrNull(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
}

function cacheHit(dir: string, key: string): Uint8Array | undefined {
  const json = readOrNull(join(dir, `${key}.json`));
  if (json === null) return undefined;
  const entry = JSON.parse(json) as CacheEntry;
  for (const [path, want] of Object.entries(entry.sources)) {
    const text = readOrNull(join(ROOT, path));
    if ((text === null ? null : sha256(text)) !== want) return undefined;
  }
  let wasm: Uint8Array;
  try {
    wasm = new Uint8Array(readFileSync(join(dir, `${key}.wasm`)));
  } catch {
    return undefined;
  }
  return sha256(wasm) === entry.wasmSha256 ? wasm : undefined;
}

/** The installed compiler's version, read without loading the compiler. */
function ascVersion(): string {
  const pkg = JSON.parse(readFileSync(join(ROOT, "node_modules/assemblyscript/package.json"), "utf8"));
  return String(pkg.version);
}

function writeAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.${process.pid}.${Math.floor(performance.now() * 1000)}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

/** Compiles `entry` (a path relative to the repository or absolute), from the cache when it can. */
export async function compileAssemblyScript(entry: string, options: BuildOptions = {}): Promise<BuildResult> {
  const flags = options.flags ?? CONTRACT_FLAGS;
  const cacheDir = options.cacheDir ?? CACHE_DIR;
  const rel = relative(ROOT, resolve(ROOT, entry));
  const key = sha256(JSON.stringify({ asc: ascVersion(), flags, entry: rel }));
  const hit = cacheHit(cacheDir, key);
  if (hit !== undefined) return { entry: rel, wasm: hit, cached: true };
  // Loaded only on a miss: importing the compiler takes seconds, a cache hit milliseconds.
  const asc = ((await import(ASC_MODULE)) as { default: Asc }).default;

  const sources: Record<string, string | null> = {};
  let wasm: Uint8Array | undefined;
  const stderr = asc.createMemoryStream();
  const result = await asc.main([rel, "--outFile", "out.wasm", ...flags], {
    stdout: asc.createMemoryStream(),
    stderr,
    readFile: (name: string, baseDir: string) => {
      const path = resolve(ROOT, baseDir, name);
      const text = readOrNull(path);
      sources[relative(ROOT, path)] = text === null ? null : sha256(text);
      return text;
    },
    writeFile: (name: string, contents: Uint8Array | string) => {
      if (name.endsWith(".wasm") && typeof contents !== "string") wasm = contents;
    },
    listFiles: () => [],
  });
  if (result.error || wasm === undefined)
    throw new Error(`asc failed on ${rel}: ${result.error?.message ?? "no output"}\n${stderr.toString()}`);
  if (options.checkAbi ?? true) {
    const { problems } = checkContractModule(wasm);
    if (problems.length > 0) throw new Error(`${rel} breaks the host ABI:\n  ${problems.join("\n  ")}`);
  }
  mkdirSync(cacheDir, { recursive: true });
  writeAtomic(join(cacheDir, `${key}.wasm`), wasm);
  const entryJson: CacheEntry = { sources, wasmSha256: sha256(wasm) };
  writeAtomic(join(cacheDir, `${key}.json`), JSON.stringify(entryJson));
  return { entry: rel, wasm, cached: false };
}

/** Example contract names (the files of contracts/examples without `.ts`), sorted. */
export function exampleNames(): string[] {
  return readdirSync(EXAMPLES_DIR)
    .filter((f) => f.endsWith(".ts"))
    .map((f) => f.slice(0, -3))
    .sort();
}

/** Compiles one example contract by name ("counter", "token", ...). */
export function buildExample(name: string): Promise<BuildResult> {
  return compileAssemblyScript(join("contracts/examples", `${name}.ts`));
}
