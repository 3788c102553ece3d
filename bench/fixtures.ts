/**
 * Deterministic fixtures for benchmarks and verifier tests, usable in Node and inside workerd
 * (no runtime imports). The same seed always gives the same block, votes and cases.
 */

import { ed25519 } from "@noble/curves/ed25519.js";
import { sha512 } from "@noble/hashes/sha2.js";
import { StepKind, VoteKind, voteSigningMessage } from "../protocol/attestation.js";
import { blsSign } from "../protocol/bls.js";
import type { SignatureCheck } from "../protocol/ed25519.js";
import { devAccountKey, devProvisionerKey } from "../protocol/keys.js";
import { DEVNET_PARAMS, type ExecutionParams } from "../protocol/params.js";
import { AccountState } from "../protocol/state.js";
import { signTransfer, type Transaction } from "../protocol/transaction.js";

export const BENCH_SEED = "bench";
export const BENCH_CHAIN_ID = "dusk-edge-bench";

export interface TransferBlockFixture {
  readonly chainId: string;
  readonly params: ExecutionParams;
  /** Every sender funded, nonce 0. */
  readonly state: AccountState;
  /** One public transfer per sender, sender i paying sender i + 1 (mod count). */
  readonly txs: readonly Transaction[];
}

/** A block of `count` valid public transfers from `count` distinct dev accounts. */
export function buildTransferBlock(count: number, seed = BENCH_SEED): TransferBlockFixture {
  const params = DEVNET_PARAMS.execution;
  const accounts = Array.from({ length: count }, (_, i) => devAccountKey(seed, i));
  const state = AccountState.from(
    accounts.map((a) => [a.publicKey, { balance: 10n ** 15n, nonce: 0n }] as const),
  );
  const txs = accounts.map((a, i) =>
    signTransfer(a.secretKey, {
      chainId: BENCH_CHAIN_ID,
      from: a.publicKey,
      to: accounts[(i + 1) % count]!.publicKey,
      amount: 1_000n + BigInt(i),
      nonce: 1n,
      gasLimit: params.transferGas,
      gasPrice: params.minGasPrice,
      memo: new Uint8Array(0),
    }),
  );
  return { chainId: BENCH_CHAIN_ID, params, state, txs };
}

export interface StepVotesFixture {
  /** The vote's signing message (Ratification, Valid), the same for every signer. */
  readonly message: Uint8Array;
  /** Compressed G1 public keys of `count` distinct dev provisioners. */
  readonly publicKeys: readonly Uint8Array[];
  readonly signatures: readonly Uint8Array[];
}

/** One committee step's votes: `count` distinct provisioners signing the same vote. */
export function buildStepVotes(count: number, seed = BENCH_SEED): StepVotesFixture {
  const candidate = sha512(new TextEncoder().encode(`${seed}/candidate`)).slice(0, 32);
  const message = voteSigningMessage(
    BENCH_CHAIN_ID,
    { round: 1, iteration: 0, prevHash: new Uint8Array(32) },
    StepKind.Ratification,
    { kind: VoteKind.Valid, hash: candidate },
  );
  const keys = Array.from({ length: count }, (_, i) => devProvisionerKey(seed, i));
  return {
    message,
    publicKeys: keys.map((k) => k.publicKey),
    signatures: keys.map((k) => blsSign(k.secretKey, message)),
  };
}

// ----- Ed25519 agreement cases (RFC 8032 strict, as noble with zip215: false) -----

export interface Ed25519Case {
  readonly name: string;
  readonly check: SignatureCheck;
  /** noble's answer with zip215: false. */
  readonly expected: boolean;
}

const Point = ed25519.Point;
const L = (1n << 252n) + 27742317777372353535851937790883648493n;
const P = (1n << 255n) - 19n;
/** A point of order 8 (its multiples are the whole torsion subgroup). */
export const ED25519_T8_HEX = "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05";

function le32(n: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = Number((n >> BigInt(8 * i)) & 0xffn);
  return out;
}

function fromLe(bytes: Uint8Array): bigint {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]!);
  return n;
}

function rs(r: Uint8Array, s: bigint): Uint8Array {
  const out = new Uint8Array(64);
  out.set(r, 0);
  out.set(le32(s), 32);
  return out;
}

function challenge(r: Uint8Array, publicKey: Uint8Array, message: Uint8Array): bigint {
  return fromLe(sha512(new Uint8Array([...r, ...publicKey, ...message]))) % L;
}

function flip(bytes: Uint8Array, index: number, mask = 1): Uint8Array {
  const out = bytes.slice();
  out[index] = out[index]! ^ mask;
  return out;
}

/**
 * Valid, tampered, non-canonical and small-order Ed25519 inputs, with noble's strict answer.
 * Two groups split native verifiers (cofactorless, no small-order check) from noble: forgeries for
 * small-order keys (native: valid) and R or A with a small-order component (native: invalid).
 */
export function ed25519AgreementCases(): Ed25519Case[] {
  const message = new TextEncoder().encode("transfer 42 to bob");
  const secret = new Uint8Array(32).fill(9);
  const publicKey = ed25519.getPublicKey(secret);
  const signature = ed25519.sign(message, secret);
  const a = ed25519.utils.getExtendedPublicKey(secret).scalar;
  const t8 = Point.fromHex(ED25519_T8_HEX);
  const torsion = Array.from({ length: 8 }, (_, i) => t8.multiply(BigInt(i + 1)));
  /**
   * A forgery for small-order key bytes `key`: R = [s]B, S = s passes the cofactorless equation
   * [S]B = R + [k]A whenever [k]A is the identity, so try s until the challenge k kills A.
   */
  const forged = (key: Uint8Array, seed: bigint) => {
    const A = Point.fromBytes(key, true);
    for (let s = seed; ; s++) {
      const R = Point.BASE.multiply(s).toBytes();
      if (A.multiplyUnsafe(challenge(R, key, message)).is0()) return rs(R, s);
    }
  };
  /** RFC 8032 signature by scalar `a` for key bytes `key`, with nonce point [r]B + extra. */
  const signRaw = (key: Uint8Array, r: bigint, extra = Point.ZERO) => {
    const R = Point.BASE.multiply(r).add(extra).toBytes();
    return rs(R, (r + challenge(R, key, message) * a) % L);
  };
  /** R = R0 (no nonce), S = k·a: valid under the cofactored equation when R0 has small order. */
  const withR = (R: Uint8Array) => rs(R, (challenge(R, publicKey, message) * a) % L);
  const mixedKey = Point.BASE.multiply(a).add(t8).toBytes();
  const smallOrderKeys: Array<readonly [string, Uint8Array]> = [
    ["identity", Point.ZERO.toBytes()],
    ["identity, x sign bit set", flip(Point.ZERO.toBytes(), 31, 0x80)],
    ["identity, non-canonical y = 1 + p", le32(1n + P)],
    ...torsion.slice(0, 7).map((t, i) => [`${i + 1}·T8`, t.toBytes()] as const),
    ["4·T8 (order 2), x sign bit set", flip(torsion[3]!.toBytes(), 31, 0x80)],
  ];
  const c = (name: string, check: SignatureCheck, expected: boolean): Ed25519Case => ({
    name,
    check,
    expected,
  });
  return [
    c("valid", { publicKey, message, signature }, true),
    c(
      "valid, empty message",
      { publicKey, message: new Uint8Array(0), signature: ed25519.sign(new Uint8Array(0), secret) },
      true,
    ),
    c("tampered message", { publicKey, message: flip(message, 0), signature }, false),
    c("tampered R", { publicKey, message, signature: flip(signature, 3) }, false),
    c("tampered S", { publicKey, message, signature: flip(signature, 40) }, false),
    c(
      "S + L (non-canonical S)",
      { publicKey, message, signature: rs(signature.slice(0, 32), fromLe(signature.slice(32)) + L) },
      false,
    ),
    c("S = L", { publicKey, message, signature: rs(signature.slice(0, 32), L) }, false),
    ...smallOrderKeys.map(([name, key]) =>
      c(
        `small-order key: ${name}, forged`,
        { publicKey: key, message, signature: forged(key, 12345n) },
        false,
      ),
    ),
    c(
      "R with a small-order component (cofactored: valid)",
      { publicKey, message, signature: signRaw(publicKey, 777n, t8) },
      true,
    ),
    c("small-order R, S = k·a", { publicKey, message, signature: withR(t8.toBytes()) }, true),
    c(
      "key with a small-order component",
      { publicKey: mixedKey, message, signature: signRaw(mixedKey, 4242n) },
      true,
    ),
    c(
      "non-canonical R: identity as y = 1 + p",
      { publicKey, message, signature: withR(le32(1n + P)) },
      false,
    ),
    c("key not on the curve (y = 2)", { publicKey: le32(2n), message, signature }, false),
    c("31-byte key", { publicKey: publicKey.slice(0, 31), message, signature }, false),
    c("63-byte signature", { publicKey, message, signature: signature.slice(0, 63) }, false),
  ];
}

/** Single-byte mutations of valid signatures and keys (seeded): 20 valid, 40 mutated checks. */
export function ed25519MutationChecks(): SignatureCheck[] {
  const checks: SignatureCheck[] = [];
  for (let i = 0; i < 20; i++) {
    const sk = sha512(new Uint8Array([i])).slice(0, 32);
    const pk = ed25519.getPublicKey(sk);
    const m = sha512(new Uint8Array([i, 1])).slice(0, 1 + (i % 40));
    const s = ed25519.sign(m, sk);
    checks.push({ publicKey: pk, message: m, signature: s });
    checks.push({ publicKey: pk, message: m, signature: flip(s, (i * 7) % 64, 1 << (i % 8)) });
    checks.push({ publicKey: flip(pk, (i * 5) % 32, 1 << ((i + 3) % 8)), message: m, signature: s });
  }
  return checks;
}

// ----- Timing -----

export function median(samples: readonly number[]): number {
  if (samples.length === 0) throw new Error("median of no samples");
  const sorted = [...samples].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Wall time of `run` in ms per call, `runs` times after `warmup` untimed calls. */
export async function sample(runs: number, warmup: number, run: () => unknown): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await run();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await run();
    samples.push(performance.now() - start);
  }
  return samples;
}
