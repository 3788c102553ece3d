/**
 * Devnet configuration from the worker's `vars` (wrangler.jsonc): every node of one deployment
 * derives the same genesis from the same seed, chain id, node count and timestamp, so they agree
 * without sharing files. Node i is the Durable Object named `node-<i>` and holds provisioner key
 * `devProvisionerKey(seed, i)`.
 *
 * Several deployments (or Node hosts) share one genesis when they use the same seed, chain id,
 * node count and timestamp; each hosts the provisioners in `DEVNET_LOCAL_NODES` (default all) and
 * reaches the others from `BOOTSTRAP_PEERS`. `PUBLIC_URL` is how others reach this deployment:
 * node i's address is then `<PUBLIC_URL>/v1/p2p?node=i` (without it, the DO name `node-i`, which
 * only means something inside this deployment).
 */

import { toHex } from "../protocol/bytes.js";
import { isValidChainId } from "../protocol/chain-id.js";
import {
  devGenesisJson,
  type Genesis,
  type GenesisJson,
  genesisHash,
  parseGenesis,
} from "../protocol/genesis.js";
import { DEV_SHIELDED_KEYS_HEX } from "../protocol/shielded-dev-keys.js";

export interface DevnetVars {
  readonly DEVNET_SEED?: string;
  readonly DEVNET_NODES?: string;
  readonly CHAIN_ID?: string;
  readonly GENESIS_TIMESTAMP_MS?: string;
  /** Provisioner indexes this deployment hosts, comma separated ("0,1"); default all. */
  readonly DEVNET_LOCAL_NODES?: string;
  /** ws:// or wss:// base URL of this deployment as others dial it ("ws://127.0.0.1:8787"). */
  readonly PUBLIC_URL?: string;
  /** Peer addresses to dial at start, comma separated ws(s):// URLs. */
  readonly BOOTSTRAP_PEERS?: string;
  /** NodeDO slots for operator-run provisioners (`node-<N>` and up; docs/STAKING.md). */
  readonly OPERATOR_SLOTS?: string;
  /**
   * Parameter overrides of the dev genesis, as a genesis file's `params` in JSON
   * (`{"consensus":{"epochBlocks":2}}`): part of the genesis hash, so every peer needs the same.
   */
  readonly GENESIS_PARAMS?: string;
}

export interface DevnetConfig {
  readonly seed: string;
  readonly nodes: number;
  readonly chainId: string;
  readonly timestampMs: number;
  /** Hosted provisioner indexes, ascending. */
  readonly local: readonly number[];
  readonly publicUrl: string | null;
  readonly bootstrap: readonly string[];
  /**
   * Indexes of the operator's provisioner slots: `nodes .. nodes + OPERATOR_SLOTS - 1`, always
   * hosted here, each a NodeDO that runs once a key is imported or generated for it.
   */
  readonly operatorSlots: readonly number[];
  /** GENESIS_PARAMS, parsed (checked when the genesis is built). */
  readonly params: GenesisJson["params"];
}

/** Operator provisioner slots per deployment at most. */
export const OPERATOR_SLOTS_MAX = 64;

/** Every node index this deployment hosts: its genesis provisioners, then the operator slots. */
export function hostedNodes(c: DevnetConfig): number[] {
  return [...c.local, ...c.operatorSlots];
}

/** Bootstrap entries at most (each is a link kept up). */
export const BOOTSTRAP_PEERS_MAX = 16;
const WS_URL_RE = /^wss?:\/\/[A-Za-z0-9.:[\]-]{1,100}(\/[A-Za-z0-9._/?=&%-]{0,90})?$/;

/** At most this many provisioners in the dev genesis (each one's proof of possession is checked at start). */
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
  const local =
    vars.DEVNET_LOCAL_NODES === undefined || vars.DEVNET_LOCAL_NODES.trim() === ""
      ? Array.from({ length: nodes }, (_, i) => i)
      : [...new Set(vars.DEVNET_LOCAL_NODES.split(",").map((x) => Number(x.trim())))].sort((a, b) => a - b);
  if (local.length === 0 || local.some((i) => !Number.isSafeInteger(i) || i < 0 || i >= nodes)) {
    throw new Error(
      `DEVNET_LOCAL_NODES must list indexes in 0..${nodes - 1}, got ${vars.DEVNET_LOCAL_NODES}`,
    );
  }
  const publicUrl = vars.PUBLIC_URL?.trim() ? vars.PUBLIC_URL.trim().replace(/\/+$/, "") : null;
  if (publicUrl !== null && !WS_URL_RE.test(publicUrl)) {
    throw new Error(`PUBLIC_URL must be a ws:// or wss:// URL, got ${vars.PUBLIC_URL}`);
  }
  const bootstrap = (vars.BOOTSTRAP_PEERS ?? "")
    .split(",")
    .map((x) => x.trim())
    .filter((x) => x !== "");
  if (bootstrap.length > BOOTSTRAP_PEERS_MAX) {
    throw new Error(`BOOTSTRAP_PEERS lists ${bootstrap.length} peers, at most ${BOOTSTRAP_PEERS_MAX}`);
  }
  for (const b of bootstrap) {
    if (!WS_URL_RE.test(b)) throw new Error(`BOOTSTRAP_PEERS entry is not a ws:// or wss:// URL: ${b}`);
  }
  // Without a public URL our addresses are DO names, which a remote peer would dial at home.
  if (bootstrap.length > 0 && publicUrl === null) {
    throw new Error("BOOTSTRAP_PEERS needs PUBLIC_URL (how the peers reach this deployment)");
  }
  const slots = Number(vars.OPERATOR_SLOTS ?? "4");
  if (!Number.isSafeInteger(slots) || slots < 0 || slots > OPERATOR_SLOTS_MAX) {
    throw new Error(
      `OPERATOR_SLOTS must be an integer in 0..${OPERATOR_SLOTS_MAX}, got ${vars.OPERATOR_SLOTS}`,
    );
  }
  const operatorSlots = Array.from({ length: slots }, (_, i) => nodes + i);
  let params: GenesisJson["params"];
  const rawParams = vars.GENESIS_PARAMS?.trim() ?? "";
  if (rawParams !== "") {
    try {
      params = JSON.parse(rawParams) as GenesisJson["params"];
    } catch {
      throw new Error(
        `GENESIS_PARAMS must be JSON like {"consensus":{"epochBlocks":2}}, got ${rawParams.slice(0, 80)}`,
      );
    }
  }
  return { seed, nodes, chainId, timestampMs, local, publicUrl, bootstrap, operatorSlots, params };
}

/** How peers reach node `index` of this deployment. */
export function nodeAddress(c: DevnetConfig, index: number): string {
  return c.publicUrl === null ? nodeName(index) : `${c.publicUrl}/v1/p2p?node=${index}`;
}

/** The local node an address names (a DO name, or this deployment's URL for it), or null. */
export function localNodeOf(c: DevnetConfig, address: string): number | null {
  for (const i of hostedNodes(c)) {
    if (address === nodeAddress(c, i) || address === nodeName(i)) return i;
  }
  return null;
}

/** Where node `index` starts looking for peers: the first local node, and (for it) the list. */
export function bootstrapOf(c: DevnetConfig, index: number): string[] {
  const first = c.local[0]!;
  return index === first ? [...c.bootstrap] : [nodeAddress(c, first)];
}

export function nodeName(index: number): string {
  return `node-${index}`;
}

/** Index of a devnet node name, or null when `name` is not `node-<i>` with i below `nodes` (genesis and operator slots). */
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
  const key = JSON.stringify([c.seed, c.nodes, c.chainId, c.timestampMs, c.params ?? null]);
  const cached = genesisCache.get(key);
  if (cached !== undefined) return cached;
  const genesis = parseGenesis({
    ...devGenesisJson({
      seed: c.seed,
      chainId: c.chainId,
      provisioners: c.nodes,
      accounts: DEVNET_ACCOUNTS,
      timestampMs: c.timestampMs,
      // Development-only shielded keys (circuits/dev-keys, docs/SHIELDED.md), pinned by hash.
      shielded: DEV_SHIELDED_KEYS_HEX,
    }),
    ...(c.params === undefined ? {} : { params: c.params }),
  });
  const built = { genesis, hashHex: toHex(genesisHash(genesis)) };
  if (genesisCache.size >= GENESIS_CACHE_MAX) genesisCache.clear();
  genesisCache.set(key, built);
  return built;
}

/**
 * Stake-bound link admission (docs/ROUTING.md): the genesis provisioners' keys and any key the
 * node's current state has a stake record for; never this node's own key proven from elsewhere
 * (a second machine holding it: `onOwnKey` alerts).
 */
export function linkAdmission(
  genesis: Genesis,
  ownKey: Uint8Array,
  isStaked: (key: Uint8Array) => boolean,
  onOwnKey: (key: Uint8Array) => void,
): (key: Uint8Array) => boolean {
  const provisioners = new Set(genesis.provisioners.map((p) => toHex(p.publicKey)));
  const own = toHex(ownKey);
  return (key) => {
    const hex = toHex(key);
    if (hex === own) {
      onOwnKey(key);
      return false;
    }
    return provisioners.has(hex) || isStaked(key);
  };
}
