/**
 * Genesis for simulated networks. The dev BLS keys and the parsed genesis (whose parsing checks
 * every key's proof of possession with real BLS, about 20 ms a key) are made once per
 * provisioner count and cached for the process; each run then derives its own genesis from it
 * with a per-seed chain id (so committees differ from seed to seed) and its own stakes (so
 * byzantine actors hold the requested fraction of stake). Keys stay valid BLS keys in both
 * signature modes.
 */

import type { BlsKeyPair } from "../protocol/bls.js";
import { toHex } from "../protocol/bytes.js";
import type { Ed25519KeyPair } from "../protocol/ed25519.js";
import { devGenesisJson, type Genesis, parseGenesis } from "../protocol/genesis.js";
import { devAccountKey, devProvisionerKey } from "../protocol/keys.js";

export const SIM_KEY_SEED = "dusk-edge-sim";
export const SIM_GENESIS_TIME_MS = 1_700_000_000_000;
export const SIM_ACCOUNTS = 8;
/** Largest provisioner set the simulator builds (genesis parsing costs ~20 ms per key). */
export const MAX_SIM_PROVISIONERS = 512;

const keyCache: BlsKeyPair[] = [];
const baseCache = new Map<number, Genesis>();
const accountCache: Ed25519KeyPair[] = [];

export function simProvisionerKey(index: number): BlsKeyPair {
  while (keyCache.length <= index) keyCache.push(devProvisionerKey(SIM_KEY_SEED, keyCache.length));
  return keyCache[index]!;
}

export function simAccountKey(index: number): Ed25519KeyPair {
  while (accountCache.length <= index) accountCache.push(devAccountKey(SIM_KEY_SEED, accountCache.length));
  return accountCache[index]!;
}

/** The parsed dev genesis for `provisioners` keys (PoPs checked once, then cached). */
export function baseGenesis(provisioners: number): Genesis {
  if (!Number.isSafeInteger(provisioners) || provisioners < 1 || provisioners > MAX_SIM_PROVISIONERS) {
    throw new RangeError(`provisioners must be in 1..${MAX_SIM_PROVISIONERS}, got ${provisioners}`);
  }
  let g = baseCache.get(provisioners);
  if (g === undefined) {
    g = parseGenesis(
      devGenesisJson({
        seed: SIM_KEY_SEED,
        chainId: "sim",
        provisioners,
        accounts: SIM_ACCOUNTS,
        timestampMs: SIM_GENESIS_TIME_MS,
      }),
    );
    baseCache.set(provisioners, g);
  }
  return g;
}

/**
 * A run's genesis: the base one with another chain id and stake `stakes[i]` for provisioner
 * key i (stakes must be at least the minimum stake).
 */
export function runGenesis(provisioners: number, chainId: string, stakes: readonly bigint[]): Genesis {
  const base = baseGenesis(provisioners);
  const byKey = new Map<string, bigint>();
  for (let i = 0; i < provisioners; i++) byKey.set(toHex(simProvisionerKey(i).publicKey), stakes[i]!);
  return {
    ...base,
    chainId,
    // No slashing in simulation: the provisioner set stays the genesis one, which the quorum
    // checker recomputes committees from (rewards still apply; they do not change weights).
    params: {
      ...base.params,
      consensus: { ...base.params.consensus, softSlashPercent: 0, hardSlashPercent: 0, suspensionEpochs: 0 },
    },
    provisioners: base.provisioners.map((p) => {
      const stake = byKey.get(toHex(p.publicKey));
      if (stake === undefined) throw new Error("genesis provisioner is not a simulator key");
      return { ...p, stake };
    }),
  };
}

/** Base stake of every honest provisioner (the dev genesis default). */
export function baseStake(provisioners: number): bigint {
  return baseGenesis(provisioners).provisioners[0]!.stake;
}
