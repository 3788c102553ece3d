/**
 * Genesis: a JSON document (chain id, parameters, funded accounts, provisioners with stakes and
 * proofs of possession) and the genesis block derived from it. Every node of a network must derive
 * the same genesis hash from it; peers compare that hash at the handshake.
 *
 * Amounts are decimal strings in JSON (u64 does not fit a JS number).
 */

import { type Block, faultsRoot, headerHash, transactionsRoot } from "./block.js";
import {
  BLS_PUBLIC_KEY_BYTES,
  BLS_SIGNATURE_BYTES,
  type BlsKeyPair,
  blsProvePossession,
  blsVerifyPossession,
} from "./bls.js";
import { compareBytes, fromHex, toHex, utf8 } from "./bytes.js";
import { isValidChainId, writeChainId } from "./chain-id.js";
import { Writer } from "./codec.js";
import { isProtocolError, ProtocolError } from "./errors.js";
import { domainHash, hash } from "./hash.js";
import { devAccountKey, devProvisionerKey } from "./keys.js";
import { DEVNET_PARAMS, LIMITS, type ProtocolParams, type ShieldedKeys } from "./params.js";
import {
  defaultDevFund,
  encodeStakeRecord,
  genesisStakeRecord,
  STAKE_CONTRACT_ID,
  stakeKey,
} from "./stake.js";
import { type Account, AccountState, ADDRESS_BYTES, U64_MAX } from "./state.js";

export interface GenesisProvisioner {
  readonly publicKey: Uint8Array;
  readonly stake: bigint;
  /** Account that owns the stake (may unstake and withdraw its rewards); null: nobody. */
  readonly owner: Uint8Array | null;
}

export interface Genesis {
  readonly chainId: string;
  readonly timestampMs: number;
  readonly params: ProtocolParams;
  readonly accounts: ReadonlyArray<{ readonly address: Uint8Array; readonly balance: bigint }>;
  readonly provisioners: readonly GenesisProvisioner[];
  /** Receives the development fund's share of each block's rewards. */
  readonly devFund: Uint8Array;
}

export interface GenesisJson {
  chainId: string;
  timestampMs: number;
  params?: {
    consensus?: Partial<Record<keyof ProtocolParams["consensus"], number | string>>;
    execution?: Partial<Record<keyof ProtocolParams["execution"], number | string>>;
  };
  accounts: Array<{ address: string; balance: string }>;
  provisioners: Array<{ publicKey: string; stake: string; proofOfPossession: string; owner?: string }>;
  /** Development fund address (hex); default `defaultDevFund(chainId)`. */
  devFund?: string;
  /** Shielded-note verification keys (binary Groth16, docs/ZK.md), hex; absent: no shielded txs. */
  shielded?: { depositVk: string; transferVk: string };
}

/** Binary Groth16 key size for n public inputs: alpha, beta, gamma, delta, u32 n, n + 1 IC points. */
const groth16KeyBytes = (n: number) => 64 + 3 * 128 + 4 + (n + 1) * 64;
/** Public inputs of circuits/notes.circom's Deposit and Transfer (protocol/shielded.ts). */
const SHIELDED_PUBLIC_INPUTS = { depositVk: 2, transferVk: 8 } as const;

function parseShieldedKeys(json: unknown): ShieldedKeys | undefined {
  if (json === undefined) return undefined;
  if (!isObject(json)) fail("shielded must be an object with depositVk and transferVk");
  const keys: Record<string, Uint8Array> = {};
  for (const [name, inputs] of Object.entries(SHIELDED_PUBLIC_INPUTS)) {
    const bytes = parseHex(json[name], groth16KeyBytes(inputs), `shielded.${name}`);
    const n = new DataView(bytes.buffer, bytes.byteOffset).getUint32(64 + 3 * 128);
    if (n !== inputs) fail(`shielded.${name} has ${n} public inputs, the circuit has ${inputs}`);
    keys[name] = bytes;
  }
  for (const name of Object.keys(json)) {
    if (!Object.hasOwn(SHIELDED_PUBLIC_INPUTS, name)) fail(`unknown field shielded.${name}`);
  }
  return { depositVk: keys.depositVk!, transferVk: keys.transferVk! };
}

const MAX_GENESIS_ACCOUNTS = 100_000;
const MAX_GENESIS_PROVISIONERS = 10_000;

function fail(message: string, data: Record<string, unknown> = {}): never {
  throw new ProtocolError("INVALID_GENESIS", `genesis: ${message}`, data);
}

function parseU64(value: unknown, field: string): bigint {
  if (typeof value !== "string" && typeof value !== "number")
    fail(`${field} must be a decimal string`, { field });
  const s = String(value);
  if (!/^[0-9]{1,20}$/.test(s)) fail(`${field} must be a decimal integer`, { field });
  const v = BigInt(s);
  if (v > U64_MAX) fail(`${field} exceeds u64`, { field });
  return v;
}

/** Hex of an exact byte length; a malformed field is a genesis error like any other. */
function parseHex(value: unknown, length: number, field: string): Uint8Array {
  if (typeof value !== "string") fail(`${field} must be a hex string`, { field });
  try {
    return fromHex(value, length, field);
  } catch (e) {
    if (isProtocolError(e)) fail(e.message, { ...e.data, field });
    throw e;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

function mergeParams(json: GenesisJson["params"]): ProtocolParams {
  const consensus: Record<string, unknown> = { ...DEVNET_PARAMS.consensus };
  const execution: Record<string, unknown> = { ...DEVNET_PARAMS.execution };
  for (const [section, target] of [
    ["consensus", consensus],
    ["execution", execution],
  ] as const) {
    const overrides = json?.[section] ?? {};
    for (const [key, value] of Object.entries(overrides)) {
      // Own keys only: "toString" or "__proto__" must not pass for a parameter.
      if (!Object.hasOwn(target, key))
        fail(`unknown parameter ${section}.${key}`, { parameter: `${section}.${key}` });
      const parsed = parseU64(value, `${section}.${key}`);
      if (typeof target[key] === "bigint") target[key] = parsed;
      else {
        if (parsed > BigInt(Number.MAX_SAFE_INTEGER)) fail(`${section}.${key} exceeds 2^53-1`, {});
        target[key] = Number(parsed);
      }
    }
  }
  const params = { consensus, execution } as unknown as ProtocolParams;
  if (params.consensus.committeeCredits < 1 || params.consensus.committeeCredits > 64) {
    // The attestation bitset is a u64: at most 64 committee members.
    fail("consensus.committeeCredits must be in 1..64", {});
  }
  if (params.consensus.maxIterations < 1 || params.consensus.maxIterations > 256) {
    // Iterations 0..maxIterations-1 travel in a u8 (block headers, votes).
    fail("consensus.maxIterations must be in 1..256", {});
  }
  const c = params.consensus;
  const e = params.execution;
  if (c.emergencyIteration > c.maxIterations)
    fail("consensus.emergencyIteration must not exceed maxIterations", {});
  if (c.stepTimeoutMs < 1 || c.stepTimeoutMs > c.stepTimeoutMaxMs) {
    fail("consensus.stepTimeoutMs must be in 1..stepTimeoutMaxMs", {});
  }
  if (c.creditStakeUnit < 1n) fail("consensus.creditStakeUnit must be at least 1", {});
  if (c.epochBlocks < 1) fail("consensus.epochBlocks must be at least 1", {});
  if (c.generatorRewardPercent + c.votersRewardPercent > 100)
    fail("consensus.generatorRewardPercent + votersRewardPercent must not exceed 100", {});
  if (c.softSlashPercent > 100 || c.hardSlashPercent > 100) fail("slash percentages must not exceed 100", {});
  if (e.transferGas < 1n || e.transferGas > e.blockGasLimit)
    fail("execution.transferGas must be in 1..blockGasLimit", {});
  if (e.maxBlockTransactions < 1 || e.maxBlockTransactions > LIMITS.blockTransactions) {
    // Blocks are decoded against LIMITS.blockTransactions before any parameter is known.
    fail(`execution.maxBlockTransactions must be in 1..${LIMITS.blockTransactions}`, {});
  }
  return params;
}

/** Parses and checks untrusted genesis JSON (every key's proof of possession included). */
export function parseGenesis(json: unknown): Genesis {
  if (typeof json !== "object" || json === null) fail("not a JSON object");
  const g = json as GenesisJson;
  if (typeof g.chainId !== "string" || !isValidChainId(g.chainId)) {
    fail(`chainId must be 1..${LIMITS.chainIdBytes} characters of [A-Za-z0-9._-]`);
  }
  if (!Number.isSafeInteger(g.timestampMs) || g.timestampMs < 0)
    fail("timestampMs must be a non-negative integer");
  if (!Array.isArray(g.accounts) || g.accounts.length > MAX_GENESIS_ACCOUNTS) {
    fail(`accounts must be an array of at most ${MAX_GENESIS_ACCOUNTS}`);
  }
  if (
    !Array.isArray(g.provisioners) ||
    g.provisioners.length === 0 ||
    g.provisioners.length > MAX_GENESIS_PROVISIONERS
  ) {
    fail(`provisioners must be a non-empty array of at most ${MAX_GENESIS_PROVISIONERS}`);
  }
  const shielded = parseShieldedKeys(g.shielded);
  const merged = mergeParams(g.params);
  const params =
    shielded === undefined ? merged : { ...merged, execution: { ...merged.execution, shielded } };
  const seen = new Set<string>();
  const accounts = g.accounts.map((a: unknown, i) => {
    if (!isObject(a)) fail(`accounts[${i}] must be an object`);
    const address = parseHex(a.address, ADDRESS_BYTES, `accounts[${i}].address`);
    const key = toHex(address);
    if (seen.has(key)) fail(`duplicate account ${key}`);
    seen.add(key);
    return { address, balance: parseU64(a.balance, `accounts[${i}].balance`) };
  });
  const keys = new Set<string>();
  const provisioners = g.provisioners.map((p: unknown, i) => {
    if (!isObject(p)) fail(`provisioners[${i}] must be an object`);
    const publicKey = parseHex(p.publicKey, BLS_PUBLIC_KEY_BYTES, `provisioners[${i}].publicKey`);
    const pop = parseHex(p.proofOfPossession, BLS_SIGNATURE_BYTES, `provisioners[${i}].proofOfPossession`);
    if (keys.has(toHex(publicKey))) fail(`duplicate provisioner ${toHex(publicKey)}`);
    keys.add(toHex(publicKey));
    const stake = parseU64(p.stake, `provisioners[${i}].stake`);
    if (stake < params.consensus.minimumStake) {
      fail(`provisioners[${i}].stake ${stake} is below the minimum stake ${params.consensus.minimumStake}`);
    }
    // Rogue-key defence for same-message aggregation: no key without proof of possession.
    if (!blsVerifyPossession(publicKey, pop)) fail(`provisioners[${i}] has an invalid proof of possession`);
    const owner = p.owner === undefined ? null : parseHex(p.owner, ADDRESS_BYTES, `provisioners[${i}].owner`);
    return { publicKey, stake, owner };
  });
  const devFund =
    g.devFund === undefined ? defaultDevFund(g.chainId) : parseHex(g.devFund, ADDRESS_BYTES, "devFund");
  return { chainId: g.chainId, timestampMs: g.timestampMs, params, accounts, provisioners, devFund };
}

/**
 * Accounts, plus the stake contract: one mature record per genesis provisioner and the
 * contract's account holding their stakes (protocol/stake.ts).
 */
export function genesisState(g: Genesis): AccountState {
  const accounts = g.accounts.map((a) => [a.address, { balance: a.balance, nonce: 0n } as Account] as const);
  const staked = g.provisioners.reduce((sum, p) => sum + p.stake, 0n);
  if (staked > 0n) accounts.push([STAKE_CONTRACT_ID, { balance: staked, nonce: 0n }]);
  const entries = g.provisioners.map(
    (p) => [stakeKey(p.publicKey), encodeStakeRecord(genesisStakeRecord(p.stake, p.owner))] as const,
  );
  return AccountState.from(accounts, entries);
}

/**
 * What a genesis decides besides the accounts (committed by the state root): the chain id, every
 * parameter and the provisioner set, sorted by key so listing order does not matter. It seeds
 * the genesis block, so nodes whose genesis differs in any of these have different genesis
 * hashes and refuse each other at the handshake.
 */
function genesisCommitment(g: Genesis): Uint8Array {
  const w = new Writer(1024);
  writeChainId(w, g.chainId);
  const { shielded, ...execution } = g.params.execution;
  for (const section of [g.params.consensus, execution]) {
    const entries = Object.entries(section).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    w.list(entries, 64, (w, [key, value]) => {
      w.bytes(utf8.encode(key), 64).u64(BigInt(value as number | bigint));
    });
  }
  const provisioners = [...g.provisioners].sort((a, b) => compareBytes(a.publicKey, b.publicKey));
  w.list(provisioners, MAX_GENESIS_PROVISIONERS, (w, p) => {
    w.fixed(p.publicKey, BLS_PUBLIC_KEY_BYTES).u64(p.stake);
  });
  w.fixed(g.devFund, ADDRESS_BYTES);
  // The shielded keys are pinned by their hashes (a chain without them commits to none).
  w.u8(shielded === undefined ? 0 : 1);
  if (shielded !== undefined) w.fixed(hash(shielded.depositVk), 32).fixed(hash(shielded.transferVk), 32);
  return domainHash("genesis-commitment", w.finish());
}

/** Genesis block: height 0, no generator, seed derived from the genesis commitment. */
export function genesisBlock(g: Genesis): Block {
  const seedBase = domainHash("genesis-seed", genesisCommitment(g));
  const seed = new Uint8Array(BLS_SIGNATURE_BYTES);
  for (let i = 0; i < 3; i++)
    seed.set(i === 0 ? seedBase : domainHash("genesis-seed", seed.subarray(0, 32 * i)), 32 * i);
  const header = {
    version: 1,
    height: 0,
    timestampMs: g.timestampMs,
    prevHash: new Uint8Array(32),
    seed,
    generator: new Uint8Array(BLS_PUBLIC_KEY_BYTES),
    txRoot: transactionsRoot([]),
    stateRoot: genesisState(g).root(),
    faultRoot: faultsRoot([]),
    gasUsed: 0n,
    iteration: 0,
    prevAttestation: null,
    failedIterations: [],
    signature: new Uint8Array(BLS_SIGNATURE_BYTES),
  };
  return { header, transactions: [], faults: [] };
}

export function genesisHash(g: Genesis): Uint8Array {
  return headerHash(genesisBlock(g).header);
}

export interface DevGenesisOptions {
  readonly seed: string;
  readonly chainId: string;
  readonly provisioners: number;
  readonly accounts: number;
  readonly timestampMs: number;
  readonly stake?: bigint;
  readonly balance?: bigint;
  /** Shielded verification keys (hex) to carry, e.g. protocol/shielded-dev-keys.ts. */
  readonly shielded?: { readonly depositVk: string; readonly transferVk: string };
}

/** A development genesis: dev keys from `seed`, equal stakes, funded accounts. */
export function devGenesisJson(o: DevGenesisOptions): GenesisJson {
  const stake = o.stake ?? DEVNET_PARAMS.consensus.minimumStake * 10n;
  const balance = o.balance ?? 1_000_000_000_000_000n;
  const provisioners = [];
  for (let i = 0; i < o.provisioners; i++) {
    const key: BlsKeyPair = devProvisionerKey(o.seed, i);
    provisioners.push({
      publicKey: toHex(key.publicKey),
      stake: String(stake),
      proofOfPossession: toHex(blsProvePossession(key)),
      // Dev provisioner i is owned by funded dev account i (when there is one).
      ...(i < o.accounts ? { owner: toHex(devAccountKey(o.seed, i).publicKey) } : {}),
    });
  }
  const accounts = [];
  for (let i = 0; i < o.accounts; i++) {
    accounts.push({ address: toHex(devAccountKey(o.seed, i).publicKey), balance: String(balance) });
  }
  return {
    chainId: o.chainId,
    timestampMs: o.timestampMs,
    accounts,
    provisioners,
    ...(o.shielded === undefined ? {} : { shielded: { ...o.shielded } }),
  };
}
