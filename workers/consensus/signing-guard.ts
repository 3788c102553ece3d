/**
 * Slashing protection: a provisioner key never signs two different messages for one
 * (round, iteration, step). Before signing, the message hash is recorded in the store; a later
 * request for the same slot with another message is refused, with the same message it gets the
 * same signature back (safe to re-send after a restart). Records of old rounds are pruned.
 */

import type { BlsKeyPair } from "../../protocol/bls.js";
import { bytesEqual, concatBytes } from "../../protocol/bytes.js";
import { hash } from "../../protocol/hash.js";
import type { ChainStore } from "./ports.js";
import type { VoteCrypto } from "./vote-crypto.js";

const PREFIX = "signed/";
/** Rounds of records kept behind the current round. */
const KEEP_ROUNDS = 8;

function slotKey(round: number, iteration: number, step: number): string {
  return `${PREFIX}${String(round).padStart(16, "0")}/${String(iteration).padStart(3, "0")}/${step}`;
}

export class SigningGuard {
  constructor(
    readonly key: BlsKeyPair,
    private readonly store: ChainStore,
    private readonly crypto: VoteCrypto,
  ) {}

  /** Signs `message` for the slot, or returns null if the slot already holds another message. */
  sign(round: number, iteration: number, step: number, message: Uint8Array): Uint8Array | null {
    const key = slotKey(round, iteration, step);
    const digest = hash(message);
    const record = this.store.getMeta(key);
    if (record !== undefined) {
      if (!bytesEqual(record.subarray(0, 32), digest)) return null;
      return record.slice(32);
    }
    const signature = this.crypto.sign(this.key.secretKey, message);
    // Recorded before the signature leaves this function: a crash after sending cannot forget it.
    this.store.transaction(() => this.store.putMeta(key, concatBytes(digest, signature)));
    return signature;
  }

  /** Drops records of rounds older than `round - KEEP_ROUNDS`. */
  prune(round: number): void {
    const keys = this.store.listMeta(PREFIX, 256);
    const limit = slotKey(Math.max(0, round - KEEP_ROUNDS), 0, 0);
    for (const k of keys) if (k < limit) this.store.deleteMeta(k);
  }
}
