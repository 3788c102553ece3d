/**
 * Devnet configuration from the worker's `vars` (wrangler.jsonc): every node of one deployment
 * derives the same genesis from the same seed, chain id, node count and timestamp, so they agree
 * without sharing files. Node i is the Durable Object named `node-<i>` and holds provisioner key
 * `devProvisionerKey(seed, i)`.
 */

import { toHex } from "../protocol/bytes.js";
import { isValidChainId } from "../protocol/chain-id.js";
import { devGenesisJson, type Genesis, genesisHash, parseGenesis } from "../protocol/genesis.js";

export interface DevnetVars {
  readonly DEVNET_SEED?: string;
  readonly DEVNET_NODES?: string;
  readonly CHAIN_ID?: string;
  readonly GENESIS_TIMESTAMP_MS?: string;
}

export interface DevnetConfig {
  readonly seed: string;
  readonly nodes: number;
  readonly chainId: string;
  readonly timestampMs: number;
}

/** At most this many nodes in one deployment (a full mesh has n*(n-1)/2 links). */
export const DEVNET_NODES_MAX = 64;
/** Funded dev accounts in the genesis (`devAccountKey(seed, 0..15)`). */
export const DEVNET_ACCOUNTS = 16;

const NODE_NAME_RE = /^node-(0|[1-9][0-9]{0,5})$/;

export function devnetConfig(vars: DevnetVars): DevnetConfig {
  const seed = vars.DEVNET_SEED ?? "dusk-edge-devnet";
  const nodes = Number(vars.DEVNET_NODES ?? "4");
  if (!Number.isSafeInteger(nodes) || nodes < 1 || nodes > DEVNET_NODES_MAX) {
    throw new Error(`DEVNET_NODES must be an integer in 1..${DEVNET_NODES_MAX}, got ${vars.DEVNET_NODES}`);
  }
  const chainId = vars.CHAIN_ID ?? "dusk-edge-devnet";
  if (!isValidChainId(chainId)) throw new Error(`CHAIN_ID is not a valid chain id: ${chainId}`);
  // A fixed default keeps the genesis hash identical across restarts and processes.
  const timestampMs = Number(vars.GENESIS_TIMESTAMP_MS ?? "0");
  if (!Number.isSafeInteger(timestampMs) || timestampMs < 0) {
    throw new Error(`GENESIS_TIMESTAMP_MS must be a non-negative integer, got ${vars.GENESIS_TIMESTAMP_MS}`);
  }
  return { seed, nodes, chainId, timestampMs };
}

export function nodeName(index: number): string {
  return `node-${index}`;
}

/** Index of a devnet node name, or null when `name` is not `node-<i>` with i below `nodes`. */
export function nodeIndex(name: string, nodes: number): number | null {
  const m = NODE_NAME_RE.exec(name);
  if (m === null) return null;
  const i = Number(m[1]);
  return i < nodes ? i : null;
}

export interface DevnetGenesis {
  readonly genesis: Genesis;
  readonly hashHex: string;
}

/** Built genesis per configuration; bounded (configurations differ only in tests). */
const genesisCache = new Map<string, DevnetGenesis>();
const GENESIS_CACHE_MAX = 8;

/** The devnet genesis, built once per isolate: it signs and checks N proofs of possession. */
export function devnetGenesis(c: DevnetConfig): DevnetGenesis {
  const key = JSON.stringify([c.seed, c.nodes, c.chainId, c.timestampMs]);
  const cached = genesisCache.get(key);
  if (cached !== undefined) return cached;
  const genesis = parseGenesis(
    devGenesisJson({
      seed: c.seed,
      chainId: c.chainId,
      provisioners: c.nodes,
      accounts: DEVNET_ACCOUNTS,
      timestampMs: c.timestampMs,
    }),
  );
  const built = { genesis, hashHex: toHex(genesisHash(genesis)) };
  if (genesisCache.size >= GENESIS_CACHE_MAX) genesisCache.clear();
  genesisCache.set(key, built);
  return built;
}
