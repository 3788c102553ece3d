/**
 * Shared fixtures of the unit tests: deterministic accounts, signed transfers and a helper that
 * asserts a ProtocolError code (the code is the contract; messages may change).
 */

import { expect } from "vitest";
import { type Attestation, VoteKind, voteOf } from "../../protocol/attestation.js";
import type { BlockHeader } from "../../protocol/block.js";
import { type Ed25519KeyPair, ed25519KeyFromSeed } from "../../protocol/ed25519.js";
import { isProtocolError, type ProtocolError, type ProtocolErrorCode } from "../../protocol/errors.js";
import { DEVNET_PARAMS, type ExecutionParams } from "../../protocol/params.js";
import { signTransfer, type TransferTx, type UnsignedTransfer } from "../../protocol/transaction.js";

export const CHAIN_ID = "dusk-edge-unit";
export const EXEC: ExecutionParams = DEVNET_PARAMS.execution;

/** An account key from a one-byte seed: cheap and distinct per `n`. */
export function account(n: number): Ed25519KeyPair {
  return ed25519KeyFromSeed(new Uint8Array(32).fill(n));
}

export const alice = account(1);
export const bob = account(2);
export const carol = account(3);

export function transferBody(
  from: Ed25519KeyPair,
  to: Ed25519KeyPair,
  overrides: Partial<UnsignedTransfer> = {},
): UnsignedTransfer {
  return {
    chainId: CHAIN_ID,
    from: from.publicKey,
    to: to.publicKey,
    amount: 1_000n,
    nonce: 1n,
    gasLimit: EXEC.transferGas,
    gasPrice: 2n,
    memo: new Uint8Array(0),
    ...overrides,
  };
}

export function transfer(
  from: Ed25519KeyPair,
  to: Ed25519KeyPair,
  overrides: Partial<UnsignedTransfer> = {},
): TransferTx {
  return signTransfer(from.secretKey, transferBody(from, to, overrides));
}

/** Asserts that `caught` is a ProtocolError with `code` (the code is the contract). */
function checkCaught(caught: unknown, code: ProtocolErrorCode): ProtocolError {
  if (caught === undefined) throw new Error(`expected ProtocolError ${code}, nothing was thrown`);
  if (!isProtocolError(caught)) throw caught;
  expect(caught.code).toBe(code);
  return caught;
}

/** Runs `fn`, asserting it throws a ProtocolError with `code`; returns the error for more checks. */
export function expectCode(fn: () => unknown, code: ProtocolErrorCode): ProtocolError {
  try {
    fn();
  } catch (e) {
    return checkCaught(e, code);
  }
  return checkCaught(undefined, code);
}

/** Async variant of `expectCode`. */
export async function expectCodeAsync(
  fn: () => Promise<unknown>,
  code: ProtocolErrorCode,
): Promise<ProtocolError> {
  try {
    await fn();
  } catch (e) {
    return checkCaught(e, code);
  }
  return checkCaught(undefined, code);
}

export function bytes(n: number, fill: number): Uint8Array {
  return new Uint8Array(n).fill(fill);
}

export function sampleAttestation(fill = 0x30): Attestation {
  return {
    result: voteOf(VoteKind.Valid, bytes(32, fill)),
    validation: { bitset: 0b1011n, signature: bytes(96, fill + 1) },
    ratification: { bitset: (1n << 63n) | 1n, signature: bytes(96, fill + 2) },
  };
}

export function sampleHeader(overrides: Partial<BlockHeader> = {}): BlockHeader {
  return {
    version: 1,
    height: 42,
    timestampMs: 1_700_000_000_000,
    prevHash: bytes(32, 1),
    seed: bytes(96, 2),
    generator: bytes(48, 3),
    txRoot: bytes(32, 4),
    stateRoot: bytes(32, 5),
    faultRoot: bytes(32, 7),
    gasUsed: 21_000n,
    iteration: 3,
    prevAttestation: sampleAttestation(),
    failedIterations: [sampleAttestation(8), null, sampleAttestation(9)],
    signature: bytes(96, 6),
    ...overrides,
  };
}
