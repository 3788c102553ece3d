/**
 * Ed25519 verification through the runtime's WebCrypto (native code: about 50 µs per verify in
 * workerd, 150-210 µs in Node, against 1.25 ms for the pure verifier), giving on every input the
 * same answer as `NobleSignatureVerifier` (RFC 8032 strict, zip215: false). Nodes on either
 * verifier must never disagree on a block.
 *
 * ```ts
 * const verifier = new WebCryptoSignatureVerifier();
 * const ok = await verifier.verifyBatch([{ publicKey, message, signature }]); // [true]
 * ```
 *
 * Native libraries (OpenSSL in Node, BoringSSL in workerd) check the cofactorless equation
 * [S]B = R + [k]A and compare R bytewise; noble checks the cofactored one [8][S]B = [8]R + [8][k]A
 * and refuses small-order keys. Cofactorless acceptance implies cofactored acceptance, so two gaps
 * remain, both closed here (both seen in Node 22, see test/unit/verifier-ed25519.test.ts):
 *   1. Native accepts what noble refuses: a small-order key (anyone can forge for the identity
 *      key), or a non-canonical encoding. Byte-level prechecks refuse these before WebCrypto runs;
 *      each only refuses inputs that noble refuses too.
 *   2. Native refuses what noble accepts: R or A with a small-order component, which a key holder
 *      can make on purpose. Every native rejection is therefore re-checked by noble, at the cost of
 *      one pure verify per invalid signature (a valid block has none).
 * Without Ed25519 in `crypto.subtle` (found out once per SubtleCrypto, with an RFC 8032 test
 * vector and a forgery of it) everything goes to the fallback.
 */

import {
  NobleSignatureVerifier,
  type SignatureCheck,
  type SignatureVerifier,
} from "../../protocol/ed25519.js";

/** Group order L = 2^252 + 27742317777372353535851937790883648493 (RFC 8032 §5.1). */
const ED25519_L = (1n << 252n) + 27742317777372353535851937790883648493n;
/** Field prime p = 2^255 − 19. */
const ED25519_P = (1n << 255n) - 19n;
/**
 * y-coordinates of the eight points of order dividing 8 (the torsion subgroup is cyclic of order
 * 8): 1 (identity), p − 1 (order 2), 0 (order 4) and ±Y8 (order 8). With either sign bit, these
 * are every canonical small-order encoding (the test derives the set from noble).
 */
const Y8 = 0x05fc536d880238b13933c6d305acdfd5f098eff289f4c345b027b2c28f95e826n;
const SMALL_ORDER_Y = new Set([0n, 1n, ED25519_P - 1n, Y8, ED25519_P - Y8]);

/** RFC 8032 §7.1 test 1: an empty message under a known key, to detect native support. */
const PROBE_PUBLIC_KEY = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
const PROBE_SIGNATURE =
  "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";

/** Checks in flight at once; a block holds at most `LIMITS.blockTransactions` (5000). */
const DEFAULT_MAX_IN_FLIGHT = 1024;

export interface WebCryptoVerifierOptions {
  /** How many native verifications run concurrently (each holds an imported key). */
  readonly maxInFlight?: number;
}

export interface WebCryptoVerifierDependencies {
  /** Defaults to `globalThis.crypto.subtle`; undefined there means fallback only. */
  readonly subtle?: SubtleCrypto | undefined;
  /** Verifies when native Ed25519 is missing, and re-checks native rejections. */
  readonly fallback?: SignatureVerifier;
}

const supportBySubtle = new WeakMap<SubtleCrypto, Promise<boolean>>();

export class WebCryptoSignatureVerifier implements SignatureVerifier {
  private readonly subtle: SubtleCrypto | undefined;
  private readonly fallback: SignatureVerifier;
  private readonly maxInFlight: number;

  constructor(options: WebCryptoVerifierOptions = {}, deps: WebCryptoVerifierDependencies = {}) {
    this.subtle = "subtle" in deps ? deps.subtle : typeof crypto === "undefined" ? undefined : crypto.subtle;
    this.fallback = deps.fallback ?? new NobleSignatureVerifier();
    this.maxInFlight = Math.max(1, options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT);
  }

  /** Whether native Ed25519 is used (resolved once per SubtleCrypto object). */
  usesNative(): Promise<boolean> {
    const subtle = this.subtle;
    if (subtle === undefined) return Promise.resolve(false);
    let support = supportBySubtle.get(subtle);
    if (support === undefined) {
      support = probe(subtle);
      supportBySubtle.set(subtle, support);
    }
    return support;
  }

  async verifyBatch(checks: readonly SignatureCheck[]): Promise<boolean[]> {
    if (checks.length === 0) return [];
    const subtle = this.subtle;
    if (subtle === undefined || !(await this.usesNative())) return this.fallback.verifyBatch(checks);
    const results = new Array<boolean>(checks.length).fill(false);
    const recheck: number[] = [];
    for (let start = 0; start < checks.length; start += this.maxInFlight) {
      const wave = checks.slice(start, start + this.maxInFlight);
      const verdicts = await Promise.all(wave.map((c) => verifyNative(subtle, c)));
      verdicts.forEach((verdict, i) => {
        if (verdict === "valid") results[start + i] = true;
        else if (verdict === "rejected") recheck.push(start + i);
      });
    }
    if (recheck.length > 0) {
      const again = await this.fallback.verifyBatch(recheck.map((i) => checks[i]!));
      recheck.forEach((index, i) => {
        results[index] = again[i] === true;
      });
    }
    return results;
  }
}

/** "refused": noble refuses too, no re-check needed; "rejected": native said no, noble decides. */
type Verdict = "valid" | "refused" | "rejected";

async function verifyNative(subtle: SubtleCrypto, c: SignatureCheck): Promise<Verdict> {
  try {
    if (!passesPrechecks(c)) return "refused";
    const key = await subtle.importKey("raw", c.publicKey, { name: "Ed25519" }, false, ["verify"]);
    return (await subtle.verify({ name: "Ed25519" }, key, c.signature, c.message)) ? "valid" : "rejected";
  } catch {
    return "rejected";
  }
}

/**
 * Byte-level rules of RFC 8032 strict verification that native code may skip, each also applied
 * by noble (so a refusal here never changes an answer): lengths, S < L, canonical y-coordinates
 * (y < p) of A and R, no "negative zero" x for R, and no small-order key A.
 */
function passesPrechecks(c: SignatureCheck): boolean {
  const { publicKey, signature, message } = c;
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32) return false;
  if (!(signature instanceof Uint8Array) || signature.length !== 64) return false;
  if (!(message instanceof Uint8Array)) return false;
  if (littleEndian(signature, 32, 64) >= ED25519_L) return false;
  const aY = yOf(publicKey, 0);
  if (aY >= ED25519_P || SMALL_ORDER_Y.has(aY)) return false;
  const rY = yOf(signature, 0);
  if (rY >= ED25519_P) return false;
  // x = 0 exactly when y = ±1; its sign bit must then be 0.
  if ((rY === 1n || rY === ED25519_P - 1n) && (signature[31]! & 0x80) !== 0) return false;
  return true;
}

/** The 255-bit y of a point encoding at `offset` (sign bit of x cleared). */
function yOf(bytes: Uint8Array, offset: number): bigint {
  return littleEndian(bytes, offset, offset + 32) & ((1n << 255n) - 1n);
}

function littleEndian(bytes: Uint8Array, from: number, to: number): bigint {
  let n = 0n;
  for (let i = to - 1; i >= from; i--) n = (n << 8n) | BigInt(bytes[i]!);
  return n;
}

/** Native support = the RFC 8032 vector verifies and the same signature on another message does not. */
async function probe(subtle: SubtleCrypto): Promise<boolean> {
  try {
    const key = await subtle.importKey("raw", hexBytes(PROBE_PUBLIC_KEY), { name: "Ed25519" }, false, [
      "verify",
    ]);
    const signature = hexBytes(PROBE_SIGNATURE);
    const valid = await subtle.verify({ name: "Ed25519" }, key, signature, new Uint8Array(0));
    const forged = await subtle.verify({ name: "Ed25519" }, key, signature, new Uint8Array(1));
    return valid === true && forged === false;
  } catch {
    return false;
  }
}

function hexBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}
