/**
 * DEVELOPMENT-ONLY trusted setup for the shielded-note circuits (circuits/): compiles each circuit
 * with circom2 (--O2), runs one powers-of-tau ceremony sized to the largest with ONE random
 * contribution, a Groth16 phase 2 with ONE random contribution, and writes per circuit into
 * `--out` (default circuits/dev-keys/, committed: the ceremony takes 10-15 minutes here, too long
 * for every clone and CI run): `<name>.zkey` (proving key, for wallets), `<name>.wasm` (witness
 * calculator), `<name>.vk.json`; and, at the chain's depth, protocol/shielded-dev-keys.ts: the
 * binary verification keys (docs/ZK.md) the devnet genesis carries and pins by hash.
 *
 * Anyone who kept the contribution randomness can forge proofs: never use these keys for value.
 * A real deployment needs a multi-party ceremony.
 *
 * Usage: npm run zk:dev-setup -- [--out DIR] [--depth N] [--circuit transfer|deposit]... [--ptau FILE] [--prove]
 *   --out     output directory (default circuits/dev-keys; work files go to node_modules/.cache)
 *   --ptau    an existing prepared powers-of-tau file large enough for every circuit, instead of
 *             making one (the ceremony dominates: 2^14 took 16 minutes on a loaded 2-core machine)
 *   --depth   note-tree depth for the transfer circuit (default 20, the chain's; small values for
 *             quick trials)
 *   --prove   also time one Groth16 proof of an honest transfer/deposit and verify it with our
 *             verifier (workers/verifier/zk)
 */

import { randomBytes } from "node:crypto";
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import { NoteTree, noteCommitment, nullifier, ownerKey } from "../protocol/notes.js";
import { compileCircuit, releaseSnarkjs, snarkjs } from "../test/zk/fixtures.js";
import { encodeGroth16Key, groth16KeyFromJson } from "../workers/verifier/zk/groth16.js";
import { PreparedKeyCache, verifySnarkjs } from "../workers/verifier/zk/index.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const out = resolve(arg("--out") ?? join(ROOT, "circuits/dev-keys"));
const work = join(ROOT, "node_modules/.cache/dusk-edge-circuits");
const depth = Number(arg("--depth") ?? 20);
const prove = process.argv.includes("--prove");
const wanted = process.argv.flatMap((a, i) => (process.argv[i - 1] === "--circuit" ? [a] : []));
const circuits = wanted.length > 0 ? wanted : ["transfer", "deposit"];
if (!Number.isInteger(depth) || depth < 1 || depth > 32) throw new Error("--depth must be 1..32");

const quiet = { debug() {}, info() {}, warn() {}, error: console.error };
const seconds = (t: number) => `${((performance.now() - t) / 1000).toFixed(1)} s`;

function mainSource(name: string): string {
  if (name === "transfer") {
    return `pragma circom 2.0.0;
include "notes.circom";
component main {public [root, nullifiers, outCommitments, fee, withdrawal, binding]} = Transfer(${depth});
`;
  }
  if (name === "deposit") return readFileSync(join(ROOT, "circuits/deposit.circom"), "utf8");
  throw new Error(`unknown circuit ${name}`);
}

/** An honest input for `name`, computed with protocol/notes.ts. */
function sampleInput(name: string): Record<string, unknown> {
  const s = (v: unknown): unknown => (Array.isArray(v) ? v.map(s) : typeof v === "bigint" ? v.toString() : v);
  if (name === "deposit") {
    const key = ownerKey(7n);
    return s({
      commitment: noteCommitment(500n, key, 3n),
      value: 500n,
      ownerKey: key,
      blinding: 3n,
    }) as Record<string, unknown>;
  }
  const tree = new NoteTree(depth);
  const secret = 0x1234n;
  const notes = [
    { value: 700n, blinding: 1n },
    { value: 300n, blinding: 2n },
  ].map((n) => ({ ...n, position: tree.append(noteCommitment(n.value, ownerKey(secret), n.blinding)) }));
  const paths = notes.map((n) => tree.path(n.position));
  const outs = [
    { value: 900n, owner: ownerKey(0x9999n), blinding: 3n },
    { value: 50n, owner: ownerKey(secret), blinding: 4n },
  ];
  return s({
    root: tree.root(),
    nullifiers: notes.map((n) => nullifier(secret, n.position)),
    outCommitments: outs.map((o) => noteCommitment(o.value, o.owner, o.blinding)),
    fee: 10n,
    withdrawal: 40n,
    binding: 0xabcn,
    inValue: notes.map((n) => n.value),
    inSecret: [secret, secret],
    inBlinding: notes.map((n) => n.blinding),
    inPathBits: paths.map((p) => p.pathBits),
    inSiblings: paths.map((p) => p.siblings),
    outValue: outs.map((o) => o.value),
    outOwnerKey: outs.map((o) => o.owner),
    outBlinding: outs.map((o) => o.blinding),
  }) as Record<string, unknown>;
}

const s = await snarkjs();
const summary: Record<string, unknown>[] = [];
const binaryKeys: Record<string, Uint8Array> = {};

// Compile everything first: one ceremony at the largest power serves every circuit.
const compiled: { name: string; dir: string; constraints: number; power: number }[] = [];
for (const name of circuits) {
  const dir = join(work, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const t = performance.now();
  compileCircuit(
    mainSource(name),
    dir,
    { "notes.circom": readFileSync(join(ROOT, "circuits/notes.circom"), "utf8") },
    ["--O2"],
  );
  const info = await s.r1cs.info(join(dir, "main.r1cs"), quiet);
  const constraints = Number(info.nConstraints);
  // snarkjs's Groth16 setup needs 2^power >= 2^bitLength(constraints + public inputs + outputs).
  const needed = constraints + Number(info.nPubInputs) + Number(info.nOutputs);
  const power = Math.max(8, Math.floor(Math.log2(needed)) + 1);
  console.log(
    `${name}: ${constraints} constraints (needs powers of tau 2^${power}), compiled in ${seconds(t)}`,
  );
  compiled.push({ name, dir, constraints, power });
}

const maxPower = Math.max(...compiled.map((c) => c.power));
let ptau = arg("--ptau");
if (ptau === undefined) {
  const t = performance.now();
  const curve = await s.curves.getCurveFromName("bn128");
  const p0 = join(work, "pot0.ptau");
  const p1 = join(work, "pot1.ptau");
  ptau = join(work, `pot${maxPower}-dev.ptau`);
  await s.powersOfTau.newAccumulator(curve, maxPower, p0, quiet);
  await s.powersOfTau.contribute(
    p0,
    p1,
    "dusk-edge DEVELOPMENT ONLY",
    randomBytes(32).toString("hex"),
    quiet,
  );
  await s.powersOfTau.preparePhase2(p1, ptau, quiet);
  rmSync(p0);
  rmSync(p1);
  console.log(`powers of tau 2^${maxPower} (one dev contribution): ${seconds(t)}`);
} else console.log(`powers of tau from ${ptau}`);

for (const { name, dir, constraints, power } of compiled) {
  let t = performance.now();
  t = performance.now();
  const z0 = join(dir, "main-0.zkey");
  const zkey = join(dir, "main.zkey");
  const r = await s.zKey.newZKey(join(dir, "main.r1cs"), ptau, z0, quiet);
  if (r !== undefined && typeof r !== "object") throw new Error(`groth16 setup failed (${r})`);
  await s.zKey.contribute(z0, zkey, "dusk-edge DEVELOPMENT ONLY", randomBytes(32).toString("hex"), quiet);
  const vk = await s.zKey.exportVerificationKey(zkey, quiet);
  const encoded = encodeGroth16Key(groth16KeyFromJson(vk));
  const vkHash = bytesToHex(sha256(encoded));
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, `${name}.vk.json`), `${JSON.stringify(vk, null, 1)}\n`);
  copyFileSync(zkey, join(out, `${name}.zkey`));
  copyFileSync(join(dir, "main_js/main.wasm"), join(out, `${name}.wasm`));
  binaryKeys[name] = encoded;
  console.log(`  groth16 phase 2 (one dev contribution): ${seconds(t)}; vk sha256 ${vkHash}`);
  const record: Record<string, unknown> = {
    circuit: name,
    depth: name === "transfer" ? depth : undefined,
    constraints,
    power,
    vkSha256: vkHash,
  };
  if (prove) {
    t = performance.now();
    const { proof, publicSignals } = await s.groth16.fullProve(
      sampleInput(name),
      join(dir, "main_js/main.wasm"),
      zkey,
      quiet,
    );
    const proveMs = performance.now() - t;
    const ok = verifySnarkjs({ vk, proof, publicSignals }, new PreparedKeyCache(1));
    console.log(
      `  one proof in ${(proveMs / 1000).toFixed(2)} s (snarkjs, Node); our verifier says ${ok ? "valid" : "INVALID"}`,
    );
    record.proveMs = Math.round(proveMs);
    record.verified = ok;
    if (!ok) process.exitCode = 1;
  }
  summary.push(record);
}
writeFileSync(join(out, "summary.json"), `${JSON.stringify(summary, null, 1)}\n`);
if (depth === 20 && binaryKeys.deposit !== undefined && binaryKeys.transfer !== undefined) {
  const module = join(ROOT, "protocol/shielded-dev-keys.ts");
  writeFileSync(
    module,
    `/**
 * GENERATED by scripts/zk-dev-setup.ts (npm run zk:dev-setup): the DEVELOPMENT-ONLY verification
 * keys of circuits/notes.circom (Deposit, Transfer(20)), binary (docs/ZK.md), from the keys in
 * circuits/dev-keys/. Whoever ran the setup could forge proofs: never use these for value.
 * sha256: deposit ${bytesToHex(sha256(binaryKeys.deposit))}, transfer ${bytesToHex(sha256(binaryKeys.transfer))}
 */

export const DEV_SHIELDED_KEYS_HEX = {
  depositVk: "${bytesToHex(binaryKeys.deposit)}",
  transferVk: "${bytesToHex(binaryKeys.transfer)}",
} as const;
`,
  );
  console.log(`wrote ${module}`);
}
console.log(`wrote ${out} (DEVELOPMENT ONLY keys)`);
await releaseSnarkjs();
