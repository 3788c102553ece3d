/** Options and dependencies of a node (STYLE.md rule 3: constructors take options, then deps). */

import type { BlsKeyPair } from "../../protocol/bls.js";
import type { SignatureVerifier } from "../../protocol/ed25519.js";
import type { Genesis } from "../../protocol/genesis.js";
import type { MempoolOptions } from "../../protocol/mempool.js";
import type { ChainStore, Clock, Transport } from "./ports.js";
import type { ProofService } from "./proof-service.js";
import type { VoteCrypto } from "./vote-crypto.js";

export interface NodeOptions {
  readonly genesis: Genesis;
  /** This node's provisioner key; null for a node that follows the chain without voting. */
  readonly provisionerKey: BlsKeyPair | null;
  readonly mempool?: MempoolOptions;
  /**
   * Relay consensus messages and transactions the first time they arrive (gossip over the full
   * mesh, so one lost copy does not lose a vote). Default true; a transport that relays by
   * itself (Kadcast) turns it off.
   */
  readonly relay?: boolean;
  /**
   * Halt signing when a message signed with this node's key arrives that it did not sign
   * (another machine holds the key). Default true; the simulator's byzantine actors sign behind
   * their node's back, so it turns this off for them.
   */
  readonly doppelgangerProtection?: boolean;
}

export type LogLevel = "debug" | "info" | "warn" | "error";
export type Logger = (level: LogLevel, event: string, data?: Record<string, unknown>) => void;

export interface NodeDeps {
  readonly clock: Clock;
  readonly store: ChainStore;
  readonly transport: Transport;
  /** Ed25519 verifier for account transactions (WebCrypto in workerd, noble as fallback). */
  readonly txVerifier: SignatureVerifier;
  readonly log?: Logger;
  /** Provisioner signatures; BLS12-381 unless the simulator swaps in its fast scheme. */
  readonly voteCrypto?: VoteCrypto;
  /**
   * Checks a block's (or a submitted transaction's) shielded proofs ahead of execution, e.g. the
   * ProofVerifier entrypoint; without it they are verified inline (proof-service.ts).
   */
  readonly proofService?: ProofService;
}
