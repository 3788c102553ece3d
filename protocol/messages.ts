/**
 * Wire messages between nodes. One type byte, then the payload; every message decodes exactly
 * and is bounded by LIMITS.messageBytes before parsing. Transport framing and link
 * authentication belong to the routing layer; this is what travels inside.
 */

import {
  type Attestation,
  type ConsensusHeader,
  readAttestation,
  readConsensusHeader,
  readSignedVote,
  readStepVotes,
  type SignedVote,
  type StepVotes,
  writeAttestation,
  writeConsensusHeader,
  writeSignedVote,
  writeStepVotes,
} from "./attestation.js";
import { type Block, readBlock, writeBlock } from "./block.js";
import { decodeExact, Writer } from "./codec.js";
import { ProtocolError } from "./errors.js";
import { HASH_BYTES } from "./hash.js";
import { LIMITS } from "./params.js";
import { readTransaction, type Transaction, writeTransaction } from "./transaction.js";

export type { SignedVote };

export enum MessageType {
  Candidate = 1,
  Validation = 2,
  Ratification = 3,
  Quorum = 4,
  Transaction = 5,
  GetBlocks = 6,
  Blocks = 7,
}

/** A signed vote of one committee member for one step. */
export type Message =
  | { readonly type: MessageType.Candidate; readonly block: Block }
  | { readonly type: MessageType.Validation; readonly signed: SignedVote }
  /** A ratification vote carries the validation step votes it ratifies (proof of the result). */
  | { readonly type: MessageType.Ratification; readonly signed: SignedVote; readonly validation: StepVotes }
  | { readonly type: MessageType.Quorum; readonly header: ConsensusHeader; readonly attestation: Attestation }
  | { readonly type: MessageType.Transaction; readonly tx: Transaction }
  | { readonly type: MessageType.GetBlocks; readonly fromHeight: number; readonly count: number }
  /** Consecutive blocks; `tipAttestation` attests the last one (its child does not exist yet). */
  | {
      readonly type: MessageType.Blocks;
      readonly blocks: readonly Block[];
      readonly tipAttestation: Attestation | null;
    };

export function encodeMessage(m: Message): Uint8Array {
  const w = new Writer(512);
  w.u8(m.type);
  switch (m.type) {
    case MessageType.Candidate:
      writeBlock(w, m.block);
      break;
    case MessageType.Validation:
      writeSignedVote(w, m.signed);
      break;
    case MessageType.Ratification:
      writeSignedVote(w, m.signed);
      writeStepVotes(w, m.validation);
      break;
    case MessageType.Quorum:
      writeConsensusHeader(w, m.header);
      writeAttestation(w, m.attestation);
      break;
    case MessageType.Transaction:
      writeTransaction(w, m.tx);
      break;
    case MessageType.GetBlocks:
      w.u64(BigInt(m.fromHeight)).u16(m.count);
      break;
    case MessageType.Blocks:
      w.list(m.blocks, LIMITS.blocksPerRequest, writeBlock);
      if (m.tipAttestation === null) w.u8(0);
      else writeAttestation(w.u8(1), m.tipAttestation);
      break;
  }
  return w.finish();
}

/** The consensus round a message belongs to; -1 for messages outside consensus. */
export function roundOf(m: Message): number {
  switch (m.type) {
    case MessageType.Candidate:
      return m.block.header.height;
    case MessageType.Validation:
    case MessageType.Ratification:
      return m.signed.header.round;
    case MessageType.Quorum:
      return m.header.round;
    default:
      return -1;
  }
}

export function decodeMessage(bytes: Uint8Array): Message {
  return decodeExact(bytes, LIMITS.messageBytes, "message", (r) => {
    const type = r.u8("message type");
    switch (type) {
      case MessageType.Candidate:
        return { type, block: readBlock(r) };
      case MessageType.Validation:
        return { type, signed: readSignedVote(r) };
      case MessageType.Ratification:
        return { type, signed: readSignedVote(r), validation: readStepVotes(r) };
      case MessageType.Quorum:
        return { type, header: readConsensusHeader(r), attestation: readAttestation(r) };
      case MessageType.Transaction:
        return { type, tx: readTransaction(r) };
      case MessageType.GetBlocks: {
        const fromHeight = r.safeU64("from height");
        const count = r.u16("count");
        if (count === 0 || count > LIMITS.blocksPerRequest) {
          throw new ProtocolError(
            "DECODE_LIMIT_EXCEEDED",
            `block count ${count} outside 1..${LIMITS.blocksPerRequest}`,
            {
              limit: LIMITS.blocksPerRequest,
              got: count,
            },
          );
        }
        return { type, fromHeight, count };
      }
      case MessageType.Blocks: {
        // Smallest block: header without attestation (≈ 370 bytes) + empty tx list.
        const blocks = r.list(LIMITS.blocksPerRequest, 300, "blocks", readBlock);
        const flag = r.u8("tip attestation flag");
        if (flag > 1)
          throw new ProtocolError("DECODE_INVALID_VALUE", "tip attestation flag must be 0 or 1", { flag });
        return { type, blocks, tipAttestation: flag === 1 ? readAttestation(r) : null };
      }
      default:
        throw new ProtocolError("DECODE_INVALID_VALUE", `unknown message type ${type}`, { type });
    }
  });
}

export { HASH_BYTES };
