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
  readStepVotes,
  readVote,
  type StepVotes,
  type Vote,
  writeAttestation,
  writeConsensusHeader,
  writeStepVotes,
  writeVote,
} from "./attestation.js";
import { type Block, readBlock, writeBlock } from "./block.js";
import { BLS_PUBLIC_KEY_BYTES, BLS_SIGNATURE_BYTES } from "./bls.js";
import { decodeExact, type Reader, Writer } from "./codec.js";
import { ProtocolError } from "./errors.js";
import { HASH_BYTES } from "./hash.js";
import { LIMITS } from "./params.js";
import { readTransaction, type Transaction, writeTransaction } from "./transaction.js";

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
export interface SignedVote {
  readonly header: ConsensusHeader;
  readonly vote: Vote;
  readonly signer: Uint8Array;
  readonly signature: Uint8Array;
}

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

function writeSignedVote(w: Writer, s: SignedVote): void {
  writeConsensusHeader(w, s.header);
  writeVote(w, s.vote);
  w.fixed(s.signer, BLS_PUBLIC_KEY_BYTES).fixed(s.signature, BLS_SIGNATURE_BYTES);
}

function readSignedVote(r: Reader): SignedVote {
  return {
    header: readConsensusHeader(r),
    vote: readVote(r),
    signer: r.fixed(BLS_PUBLIC_KEY_BYTES, "vote signer"),
    signature: r.fixed(BLS_SIGNATURE_BYTES, "vote signature"),
  };
}

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
