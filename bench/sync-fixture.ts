/**
 * The genesis of the sync benchmark's chain (bench/sync-chain.ts makes the chain): one
 * provisioner, a few funded accounts. Pure, so the workerd half (bench/sync-workerd.ts) rebuilds
 * the same genesis without the Node-only generator.
 */

import { devGenesisJson, type Genesis, parseGenesis } from "../protocol/genesis.js";

export const SYNC_SEED = "sync-bench";
export const SYNC_CHAIN_ID = "sync-bench";
export const SYNC_GENESIS_MS = 1_700_000_000_000;

export function syncGenesis(): Genesis {
  return parseGenesis(
    devGenesisJson({
      seed: SYNC_SEED,
      chainId: SYNC_CHAIN_ID,
      provisioners: 1,
      accounts: 4,
      timestampMs: SYNC_GENESIS_MS,
    }),
  );
}
