/**
 * Zero-knowledge fixtures made at test time with the real tools: tiny circom circuits compiled by
 * circom2 (circom 2 in WebAssembly), a small powers-of-tau ceremony, Groth16 and PLONK setups and
 * proofs by snarkjs, all in Node. Results are cached under `node_modules/.cache/dusk-edge-zk/`,
 * keyed by a hash of the circuit source, the tool versions and the sizes, so a fresh clone makes
 * them once (about 20-40 s on 2 cores) and later runs read JSON.
 *
 * Every entry is built by one process under a lock directory, into a temporary directory renamed
 * into place: parallel test files on a cold cache wait for it instead of building it again, and
 * never see half a fixture.
 *
 * Run alone: `node --import tsx test/zk/fixtures.ts` (prints the cache directory).
 */

import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const ZK_CACHE = join(ROOT, "node_modules/.cache/dusk-edge-zk");
const require = createRequire(import.meta.url);
const PTAU_POWER = 8;

export type Json = unknown;
export interface ProofCase {
  input: Record<string, string | string[]>;
  proof: Json;
  publicSignals: string[];
}
export interface CircuitFixture {
  name: string;
  dir: string;
  groth16: { vk: Json; proofs: ProofCase[] };
  plonk: { vk: Json; proofs: ProofCase[] };
}

interface CircuitSpec {
  name: string;
  source: string;
  inputs: (i: number) => Record<string, string | string[]>;
  groth16Proofs: number;
  plonkProofs: number;
}

/** out = a * b + c, sq = a * a; public: out, sq, c (3 public signals). */
const MULTIPLIER: CircuitSpec = {
  name: "multiplier",
  source: `pragma circom 2.0.0;
template Multiplier() {
  signal input a;
  signal input b;
  signal input c;
  signal output out;
  signal output sq;
  signal ab;
  ab <== a * b;
  out <== ab + c;
  sq <== a * a;
}
component main {public [c]} = Multiplier();
`,
  inputs: (i) => ({ a: String(3 + i), b: String(1000 + 7 * i), c: String(i * i) }),
  groth16Proofs: 32,
  plonkProofs: 4,
};

/** Eight public inputs, two private ones: h = (sum x) * s + t^2 (9 public signals). */
const SUM8: CircuitSpec = {
  name: "sum8",
  source: `pragma circom 2.0.0;
template Sum8() {
  signal input x[8];
  signal input s;
  signal input t;
  signal output h;
  var acc = 0;
  for (var i = 0; i < 8; i++) acc += x[i];
  signal sum;
  sum <== acc;
  signal tt;
  tt <== t * t;
  h <== sum * s + tt;
}
component main {public [x]} = Sum8();
`,
  inputs: (i) => ({
    x: Array.from({ length: 8 }, (_, k) => String(k * 1_000_003 + i)),
    s: String(42 + i),
    t: String(99_999 + i),
  }),
  groth16Proofs: 3,
  plonkProofs: 3,
};

/**
 * No public signals at all (nPublic = 0): a factorisation of 391 kept private. Groth16 only:
 * snarkjs 0.7.6's PLONK prover fails on a circuit without public signals ("Evaluations.
 * getEvaluation() out of bounds").
 */
const NO_PUBLIC: CircuitSpec = {
  name: "no-public",
  source: `pragma circom 2.0.0;
template Factors() {
  signal input a;
  signal input b;
  signal ab;
  signal a2;
  signal b2;
  ab <== a * b;
  ab === 391;
  a2 <== a * a;
  b2 <== b * b;
  a2 + b2 === 818;
}
component main = Factors();
`,
  inputs: (i) => (i % 2 === 0 ? { a: "17", b: "23" } : { a: "23", b: "17" }),
  groth16Proofs: 2,
  plonkProofs: 0,
};

export const CIRCUITS = [MULTIPLIER, SUM8, NO_PUBLIC];

function version(pkg: string): string {
  const file = join(ROOT, "node_modules", pkg, "package.json");
  return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
}

function toolsKey(): string {
  return `snarkjs ${version("snarkjs")} circom2 ${version("circom2")} circomlib ${version("circomlib")}`;
}

function hashOf(...parts: string[]): string {
  return createHash("sha256").update(parts.join("\n--\n")).digest("hex").slice(0, 16);
}

/** How long a waiting process trusts another's lock before it takes over (a crashed builder). */
const LOCK_STALE_MS = 10 * 60_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Builds `dir` once across processes: the first to create `dir.lock` builds into a temporary
 * sibling and renames it into place; the others (parallel test files on a cold cache) wait for
 * `dir/done` instead of repeating the work.
 */
async function atomically(dir: string, make: (tmp: string) => Promise<void>): Promise<void> {
  const lock = `${dir}.lock`;
  mkdirSync(dirname(dir), { recursive: true });
  while (!existsSync(join(dir, "done"))) {
    try {
      mkdirSync(lock);
    } catch {
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > LOCK_STALE_MS) rmSync(lock, { recursive: true, force: true });
      await sleep(250);
      continue;
    }
    try {
      if (existsSync(join(dir, "done"))) return;
      const tmp = `${dir}.tmp-${process.pid}`;
      rmSync(tmp, { recursive: true, force: true });
      mkdirSync(tmp, { recursive: true });
      try {
        await make(tmp);
        writeFileSync(join(tmp, "done"), "");
        rmSync(dir, { recursive: true, force: true });
        renameSync(tmp, dir);
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}

// biome-ignore lint/suspicious/noExplicitAny: snarkjs ships no types
type Snarkjs = any;
let snarkjsModule: Promise<Snarkjs> | undefined;
export function snarkjs(): Promise<Snarkjs> {
  snarkjsModule ??= import("snarkjs");
  return snarkjsModule;
}

/** Ends ffjavascript's worker threads so the process can exit. */
export async function releaseSnarkjs(): Promise<void> {
  const g = globalThis as { curve_bn128?: { terminate(): Promise<void> } };
  if (g.curve_bn128) {
    await g.curve_bn128.terminate();
    g.curve_bn128 = undefined;
  }
}

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

async function ptau(): Promise<string> {
  const dir = join(ZK_CACHE, `ptau-${hashOf(toolsKey(), String(PTAU_POWER))}`);
  await atomically(dir, async (tmp) => {
    const s = await snarkjs();
    const p0 = join(tmp, "pot0.ptau");
    const p1 = join(tmp, "pot1.ptau");
    await s.powersOfTau.newAccumulator(await s.curves.getCurveFromName("bn128"), PTAU_POWER, p0, quiet);
    await s.powersOfTau.contribute(p0, p1, "dusk-edge test", "dusk-edge test entropy 1", quiet);
    await s.powersOfTau.preparePhase2(p1, join(tmp, "final.ptau"), quiet);
    rmSync(p0);
    rmSync(p1);
  });
  return join(dir, "final.ptau");
}

/**
 * Compiles `source` with circom2 into `dir/main.r1cs` and `dir/main_js/main.wasm`; `extra` files
 * (name -> text) are written beside it for the source to include; `flags` go to circom (e.g.
 * `--O2`, full constraint simplification).
 */
export function compileCircuit(
  source: string,
  dir: string,
  extra: Record<string, string> = {},
  flags: readonly string[] = [],
): void {
  writeFileSync(join(dir, "main.circom"), source);
  for (const [name, text] of Object.entries(extra)) writeFileSync(join(dir, name), text);
  // circom2's WASI sandbox only opens the working directory and below, so the circomlib files a
  // circuit includes are copied next to it.
  const lib = join(dir, "circomlib/circuits");
  mkdirSync(lib, { recursive: true });
  for (const f of ["poseidon.circom", "poseidon_constants.circom"]) {
    copyFileSync(join(ROOT, "node_modules/circomlib/circuits", f), join(lib, f));
  }
  const cli = require.resolve("circom2/cli.js");
  const r = spawnSync(
    process.execPath,
    [cli, "main.circom", "--r1cs", "--wasm", "-l", ".", "-o", ".", ...flags],
    {
      cwd: dir,
      encoding: "utf8",
    },
  );
  if (r.status !== 0) throw new Error(`circom2 failed (${r.status}): ${r.stderr}\n${r.stdout}`);
}

async function buildCircuit(spec: CircuitSpec): Promise<CircuitFixture> {
  const key = hashOf(
    toolsKey(),
    spec.source,
    String(PTAU_POWER),
    String(spec.groth16Proofs),
    String(spec.plonkProofs),
  );
  const dir = join(ZK_CACHE, `${spec.name}-${key}`);
  const ptauFile = existsSync(join(dir, "done")) ? "" : await ptau();
  await atomically(dir, async (tmp) => {
    const s = await snarkjs();
    compileCircuit(spec.source, tmp);
    const r1cs = join(tmp, "main.r1cs");
    const wasm = join(tmp, "main_js/main.wasm");
    const z0 = join(tmp, "g16-0.zkey");
    const zG = join(tmp, "groth16.zkey");
    const setup = await s.zKey.newZKey(r1cs, ptauFile, z0, quiet);
    if (setup !== undefined && typeof setup !== "object") throw new Error(`groth16 setup failed (${setup})`);
    await s.zKey.contribute(z0, zG, "dusk-edge test", "dusk-edge test entropy 2", quiet);
    rmSync(z0);
    const gVk = await s.zKey.exportVerificationKey(zG, quiet);
    const gProofs: ProofCase[] = [];
    for (let i = 0; i < spec.groth16Proofs; i++) {
      const input = spec.inputs(i);
      const { proof, publicSignals } = await s.groth16.fullProve(input, wasm, zG, quiet);
      gProofs.push({ input, proof, publicSignals });
    }
    writeFileSync(join(tmp, "groth16.json"), JSON.stringify({ vk: gVk, proofs: gProofs }));
    let pVk: Json = null;
    const pProofs: ProofCase[] = [];
    if (spec.plonkProofs > 0) {
      const zP = join(tmp, "plonk.zkey");
      await s.plonk.setup(r1cs, ptauFile, zP, quiet);
      pVk = await s.zKey.exportVerificationKey(zP, quiet);
      for (let i = 0; i < spec.plonkProofs; i++) {
        const input = spec.inputs(i);
        const { proof, publicSignals } = await s.plonk.fullProve(input, wasm, zP, quiet);
        pProofs.push({ input, proof, publicSignals });
      }
    }
    writeFileSync(join(tmp, "plonk.json"), JSON.stringify({ vk: pVk, proofs: pProofs }));
  });
  const read = (f: string) => JSON.parse(readFileSync(join(dir, f), "utf8"));
  return { name: spec.name, dir, groth16: read("groth16.json"), plonk: read("plonk.json") };
}

/** All circuit fixtures (built on first use, then cached on disk). */
export async function zkFixtures(): Promise<Record<string, CircuitFixture>> {
  const out: Record<string, CircuitFixture> = {};
  for (const spec of CIRCUITS) out[spec.name] = await buildCircuit(spec);
  return out;
}

/**
 * Input counts the Poseidon witness circuit covers at test time. Compiling all sixteen takes
 * about a minute on 2 cores, so tests build a few (smallest, largest) and compare the rest with
 * test/zk/poseidon-circomlib-vectors.json, made by this same function with every arity:
 * `node --import tsx test/zk/fixtures.ts --all-poseidon-arities` prints them.
 */
export const POSEIDON_ARITIES = [1, 2, 3, 16];
export const ALL_POSEIDON_ARITIES = Array.from({ length: 16 }, (_, i) => i + 1);

export interface PoseidonVector {
  inputs: string[];
  hash: string;
}

/**
 * Poseidon hashes computed by circomlib's own circuit: one circom circuit with a Poseidon(n)
 * component per arity, its witness calculated by snarkjs (circom's generated WebAssembly); the
 * outputs are the first witness entries after the constant 1.
 */
export async function poseidonCircuitVectors(
  arities: number[] = POSEIDON_ARITIES,
): Promise<PoseidonVector[]> {
  const components = arities
    .map(
      (n, k) => `  component p${k} = Poseidon(${n});
  for (var i = 0; i < ${n}; i++) p${k}.inputs[i] <== in${k}[i];
  out[${k}] <== p${k}.out;`,
    )
    .join("\n");
  const inputsDecl = arities.map((n, k) => `  signal input in${k}[${n}];`).join("\n");
  const source = `pragma circom 2.0.0;
include "circomlib/circuits/poseidon.circom";
template Hashes() {
${inputsDecl}
  signal output out[${arities.length}];
${components}
}
component main = Hashes();
`;
  // Inputs cover zero, small values, r - 1 and large pseudo-random elements.
  const r = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
  const inputs: Record<string, string[]> = {};
  arities.forEach((n, k) => {
    inputs[`in${k}`] = Array.from({ length: n }, (_, i) => {
      if (k % 4 === 1 && i === 0) return "0";
      if (k % 4 === 2 && i === n - 1) return String(r - 1n);
      const h = createHash("sha256").update(`poseidon ${k} ${i}`).digest("hex");
      return k % 4 === 3 ? String(i + 1) : String(BigInt(`0x${h}`) % r);
    });
  });
  const dir = join(ZK_CACHE, `poseidon-${hashOf(toolsKey(), source, JSON.stringify(inputs))}`);
  await atomically(dir, async (tmp) => {
    const s = await snarkjs();
    compileCircuit(source, tmp);
    const wtns = join(tmp, "witness.wtns");
    await s.wtns.calculate(inputs, join(tmp, "main_js/main.wasm"), wtns);
    const witness = (await s.wtns.exportJson(wtns)) as bigint[];
    const vectors: PoseidonVector[] = arities.map((_, k) => ({
      inputs: inputs[`in${k}`]!,
      hash: String(witness[1 + k]),
    }));
    writeFileSync(join(tmp, "vectors.json"), JSON.stringify(vectors));
  });
  return JSON.parse(readFileSync(join(dir, "vectors.json"), "utf8")) as PoseidonVector[];
}

/**
 * A circuit over circuits/notes.circom (the shielded-note templates), compiled once and cached:
 * returns the paths of its r1cs and witness-calculator wasm.
 */
export async function notesCircuit(mainSource: string): Promise<{ r1cs: string; wasm: string }> {
  const notes = readFileSync(join(ROOT, "circuits/notes.circom"), "utf8");
  const dir = join(ZK_CACHE, `notes-${hashOf(toolsKey(), notes, mainSource)}`);
  await atomically(dir, async (tmp) => {
    compileCircuit(mainSource, tmp, { "notes.circom": notes });
  });
  return { r1cs: join(dir, "main.r1cs"), wasm: join(dir, "main_js/main.wasm") };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  const f = await zkFixtures();
  await releaseSnarkjs();
  for (const c of Object.values(f)) console.log(`${c.name}: ${c.dir}`);
  if (process.argv.includes("--all-poseidon-arities")) {
    console.log(JSON.stringify(await poseidonCircuitVectors(ALL_POSEIDON_ARITIES), null, 1));
  } else console.log(`poseidon vectors: ${(await poseidonCircuitVectors()).length}`);
  console.log(`zk fixtures ready in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
