/**
 * Typed errors of the protocol core. Every failure carries a stable `code` (used by RPC error
 * bodies, peer scoring and metric labels) and the data of the case, never just a message.
 */

export type ProtocolErrorCode =
  | "DECODE_TRUNCATED"
  | "DECODE_TRAILING_BYTES"
  | "DECODE_LIMIT_EXCEEDED"
  | "DECODE_INVALID_VALUE"
  | "INVALID_KEY"
  | "INVALID_SIGNATURE"
  | "INVALID_GENESIS"
  | "TX_MALFORMED"
  | "TX_OVERSIZED"
  | "TX_BAD_SIGNATURE"
  | "TX_WRONG_CHAIN"
  | "TX_BAD_NONCE"
  | "TX_NONCE_TOO_FAR"
  | "TX_INSUFFICIENT_BALANCE"
  | "TX_FEE_TOO_LOW"
  | "TX_GAS_LIMIT_TOO_LOW"
  | "TX_GAS_LIMIT_TOO_HIGH"
  | "TX_AMOUNT_INVALID"
  | "TX_DUPLICATE"
  | "TX_REPLACEMENT_UNDERPRICED"
  | "MEMPOOL_FULL"
  | "MEMPOOL_SENDER_FULL"
  | "BLOCK_INVALID"
  | "STATE_KEY_TOO_LONG"
  | "CONTRACT_NOT_FOUND"
  | "CONTRACT_INVALID_CODE"
  | "CONTRACT_NO_SUCH_FUNCTION"
  | "CONTRACT_REVERTED"
  | "CONTRACT_TRAP"
  | "CONTRACT_OUT_OF_GAS"
  | "CONTRACT_LIMIT"
  | "CONTRACT_STATE_MISSING"
  // Zero-knowledge verification (workers/verifier/zk, docs/ZK.md) and Poseidon (protocol/poseidon.ts)
  | "ZK_UNSUPPORTED"
  | "ZK_MALFORMED_VK"
  | "ZK_MALFORMED_PROOF"
  | "ZK_MALFORMED_INPUT"
  | "ZK_INPUT_NOT_CANONICAL"
  | "ZK_TOO_MANY_INPUTS"
  | "ZK_WRONG_INPUT_COUNT"
  | "ZK_BATCH_TOO_LARGE"
  | "POSEIDON_ARITY"
  | "POSEIDON_INPUT_NOT_CANONICAL"
  | "NOTE_TREE_FULL"
  | "SHIELDED_DISABLED"
  | "SHIELDED_INVALID_PROOF"
  | "SHIELDED_NULLIFIER_SPENT"
  | "SHIELDED_UNKNOWN_ROOT"

  // Genesis stake contract (protocol/stake.ts, docs/STAKING.md)
  | "STAKE_UNKNOWN_FUNCTION"
  | "STAKE_INVALID_INPUT"
  | "STAKE_BAD_POSSESSION"
  | "STAKE_BELOW_MINIMUM"
  | "STAKE_NOT_FOUND"
  | "STAKE_NOT_OWNER"
  | "STAKE_AMOUNT_NOT_ALLOWED"
  | "STAKE_NOTHING_TO_WITHDRAW";

export class ProtocolError extends Error {
  readonly code: ProtocolErrorCode;
  readonly data: Readonly<Record<string, unknown>>;

  constructor(code: ProtocolErrorCode, message: string, data: Record<string, unknown> = {}) {
    super(message);
    this.name = "ProtocolError";
    this.code = code;
    this.data = data;
  }
}

export function isProtocolError(e: unknown): e is ProtocolError {
  return e instanceof ProtocolError;
}
