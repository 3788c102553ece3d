/**
 * Slashing protection: a provisioner key never signs two different messages for one
 * (round, iteration, step). Before signing, the message hash is recorded in the store; a later
 * request for the same slot with another message is refused, with the same message it gets the
 * same signature back (safe to re-send after a restart). Records of old rounds are pruned.
 *
 * Beyond the records (docs/STAKING.md, "Slashing protection"):
 * - a low watermark: nothing is signed for a round below it. An import of another machine's
 *   record raises it to the highest round imported, so records pruned there cannot be re-signed
 *   here.
 * - doppelganger halt: a message signed with this key that this guard did not sign (another
 *   deployment holds the same key by mistake) halts all signing, persistently, with an alert,
 *   until the operator resumes it.
 * - export and import in a JSON interchange modelled on EIP-3076.
 */

import type { BlsKeyPair } from "../../protocol/bls.js";
import { bytesEqual, concatBytes, fromHex, toHex, utf8 } from "../../protocol/bytes.js";
import { hash } from "../../protocol/hash.js";
import type { ChainStore } from "./ports.js";
import type { VoteCrypto } from "./vote-crypto.js";

const PREFIX = "signed/";
const META_WATERMARK = "guard/watermark";
const META_HALT = "guard/halt";
/** Signatures made per step kind (proposal, validation, ratification): the duties served. */
const META_COUNTS = "guard/counts";
/** Rounds of records kept behind the current round. */
const KEEP_ROUNDS = 8;
/** Records one export lists at most (KEEP_ROUNDS rounds of a few iterations fit easily). */
export const INTERCHANGE_RECORDS_MAX = 4_096;
export const INTERCHANGE_VERSION = "dusk-edge-1";

function slotKey(round: number, iteration: number, step: number): string {
  return `${PREFIX}${String(round).padStart(16, "0")}/${String(iteration).padStart(3, "0")}/${step}`;
}

function parseSlot(key: string): { round: number; iteration: number; step: number } {
  const [round, iteration, step] = key.slice(PREFIX.length).split("/").map(Number) as [
    number,
    number,
    number,
  ];
  return { round, iteration, step };
}

/** One signed slot in the interchange: the hash of the message signed there. */
export interface InterchangeRecord {
  readonly round: number;
  readonly iteration: number;
  readonly step: number;
  /** Hex of the BLAKE3 hash of the signed message (EIP-3076's signing_root). */
  readonly signingRoot: string;
}

/** The interchange document (EIP-3076 shape: metadata + one entry per key). */
export interface Interchange {
  readonly metadata: {
    readonly interchange_format_version: string;
    /** The chain's genesis hash (EIP-3076's genesis_validators_root). */
    readonly genesis_hash: string;
  };
  readonly data: ReadonlyArray<{
    readonly pubkey: string;
    /** Nothing below this round may be signed (the highest round ever signed or imported). */
    readonly min_round: number;
    readonly signed: readonly InterchangeRecord[];
  }>;
}

export interface GuardHalt {
  readonly reason: string;
  readonly round: number;
  readonly iteration: number;
  readonly step: number;
}

export class SigningGuard {
  private watermark: number;
  private haltValue: GuardHalt | null;
  /** New signatures per step kind: [proposal, validation, ratification]. */
  private readonly counts: [number, number, number] = [0, 0, 0];

  constructor(
    readonly key: BlsKeyPair,
    private readonly store: ChainStore,
    private readonly crypto: VoteCrypto,
  ) {
    const w = store.getMeta(META_WATERMARK);
    this.watermark =
      w === undefined ? 0 : Number(new DataView(w.buffer, w.byteOffset, 8).getBigUint64(0, true));
    const h = store.getMeta(META_HALT);
    this.haltValue = h === undefined ? null : (JSON.parse(new TextDecoder().decode(h)) as GuardHalt);
    const c = store.getMeta(META_COUNTS);
    if (c !== undefined && c.length === 24) {
      const v = new DataView(c.buffer, c.byteOffset, 24);
      for (let i = 0; i < 3; i++) this.counts[i] = Number(v.getBigUint64(8 * i, true));
    }
  }

  /** Signatures made so far (restarts included): candidates and votes per step. */
  get signed(): { proposals: number; validationVotes: number; ratificationVotes: number } {
    return { proposals: this.counts[0], validationVotes: this.counts[1], ratificationVotes: this.counts[2] };
  }

  /** Why signing is halted (a doppelganger was seen), or null. */
  get halted(): GuardHalt | null {
    return this.haltValue;
  }

  /** Signs `message` for the slot, or returns null if the slot already holds another message. */
  sign(round: number, iteration: number, step: number, message: Uint8Array): Uint8Array | null {
    if (this.haltValue !== null || round < this.watermark) return null;
    const key = slotKey(round, iteration, step);
    const digest = hash(message);
    const record = this.store.getMeta(key);
    if (record !== undefined) {
      if (!bytesEqual(record.subarray(0, 32), digest)) return null;
      // An imported record holds the hash only: the same message signs to the same bytes again.
      if (record.length > 32) return record.slice(32);
    }
    const signature = this.crypto.sign(this.key.secretKey, message);
    if (step >= 0 && step < 3) this.counts[step] = this.counts[step]! + 1;
    const counts = new Uint8Array(24);
    const view = new DataView(counts.buffer);
    for (let i = 0; i < 3; i++) view.setBigUint64(8 * i, BigInt(this.counts[i]!), true);
    // Recorded before the signature leaves this function: a crash after sending cannot forget it.
    this.store.transaction(() => {
      this.store.putMeta(key, concatBytes(digest, signature));
      this.store.putMeta(META_COUNTS, counts);
    });
    return signature;
  }

  /**
   * A message signed with this guard's key arrived from the network. If this guard never
   * signed it (no record for the slot, or a record of another message), someone else holds
   * the key: signing halts until `resume`. Rounds below `oldestRound` are not judged (their
   * records may be pruned). Returns true when it halted now.
   */
  observe(round: number, iteration: number, step: number, message: Uint8Array, oldestRound: number): boolean {
    if (this.haltValue !== null || round < oldestRound || round < this.watermark) return false;
    const record = this.store.getMeta(slotKey(round, iteration, step));
    if (record !== undefined && bytesEqual(record.subarray(0, 32), hash(message))) return false;
    this.haltValue = {
      reason:
        record === undefined ? "a message this node never signed" : "a different message for a signed slot",
      round,
      iteration,
      step,
    };
    const halt = this.haltValue;
    this.store.transaction(() => this.store.putMeta(META_HALT, utf8.encode(JSON.stringify(halt))));
    return true;
  }

  /** Clears a doppelganger halt (the operator removed the other copy of the key). */
  resume(): void {
    this.haltValue = null;
    this.store.transaction(() => this.store.deleteMeta(META_HALT));
  }

  /** Drops records of rounds older than `round - KEEP_ROUNDS`, keeping the watermark above them. */
  prune(round: number): void {
    const keys = this.store.listMeta(PREFIX, 256);
    const limit = slotKey(Math.max(0, round - KEEP_ROUNDS), 0, 0);
    const dropped = keys.filter((k) => k < limit);
    if (dropped.length === 0) return;
    const highest = Math.max(...dropped.map((k) => parseSlot(k).round));
    this.store.transaction(() => {
      for (const k of dropped) this.store.deleteMeta(k);
      if (highest + 1 > this.watermark) this.setWatermark(highest + 1);
    });
  }

  /** This key's records as an interchange document. */
  exportInterchange(genesisHashHex: string): Interchange {
    const keys = this.store.listMeta(PREFIX, INTERCHANGE_RECORDS_MAX);
    const signed = keys.map((k) => ({
      ...parseSlot(k),
      signingRoot: toHex(this.store.getMeta(k)!.subarray(0, 32)),
    }));
    const highest = signed.reduce((m, r) => Math.max(m, r.round), this.watermark);
    return {
      metadata: { interchange_format_version: INTERCHANGE_VERSION, genesis_hash: genesisHashHex },
      data: [{ pubkey: toHex(this.key.publicKey), min_round: highest, signed }],
    };
  }

  /**
   * Merges an interchange document's records for this key: slots not held here take the
   * imported hash (conflicting slots keep the local one: refusing both is the safe side), and
   * the watermark rises to the document's `min_round`. Returns how many records were added.
   * Throws on another chain or a malformed document; entries for other keys are ignored.
   */
  importInterchange(doc: unknown, genesisHashHex: string): { imported: number; watermark: number } {
    const d = doc as Interchange;
    if (typeof d !== "object" || d === null || typeof d.metadata !== "object" || !Array.isArray(d.data)) {
      throw new Error("interchange: expected {metadata, data[]}");
    }
    if (d.metadata.interchange_format_version !== INTERCHANGE_VERSION) {
      throw new Error(`interchange: format version must be ${INTERCHANGE_VERSION}`);
    }
    if (d.metadata.genesis_hash !== genesisHashHex)
      throw new Error("interchange: another chain's genesis hash");
    const mine = toHex(this.key.publicKey);
    let imported = 0;
    let watermark = this.watermark;
    const writes: Array<[string, Uint8Array]> = [];
    for (const entry of d.data.slice(0, 64)) {
      if (typeof entry !== "object" || entry === null || entry.pubkey !== mine) continue;
      if (!Array.isArray(entry.signed) || entry.signed.length > INTERCHANGE_RECORDS_MAX) {
        throw new Error(`interchange: signed must be an array of at most ${INTERCHANGE_RECORDS_MAX}`);
      }
      const min = entry.min_round;
      if (!Number.isSafeInteger(min) || min < 0) throw new Error("interchange: min_round must be a round");
      watermark = Math.max(watermark, min);
      for (const r of entry.signed) {
        const ok = [r.round, r.iteration, r.step].every((n) => Number.isSafeInteger(n) && n >= 0);
        if (!ok || r.iteration > 255 || r.step > 2) throw new Error("interchange: bad slot");
        const root = fromHex(String(r.signingRoot), 32, "signingRoot");
        const key = slotKey(r.round, r.iteration, r.step);
        if (this.store.getMeta(key) === undefined) writes.push([key, root]);
        watermark = Math.max(watermark, r.round);
      }
    }
    this.store.transaction(() => {
      for (const [key, root] of writes) this.store.putMeta(key, root);
      if (watermark > this.watermark) this.setWatermark(watermark);
    });
    imported = writes.length;
    return { imported, watermark: this.watermark };
  }

  private setWatermark(round: number): void {
    const v = new Uint8Array(8);
    new DataView(v.buffer).setBigUint64(0, BigInt(round), true);
    this.store.putMeta(META_WATERMARK, v);
    this.watermark = round;
  }
}
