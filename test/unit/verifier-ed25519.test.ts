// WebCryptoSignatureVerifier must answer exactly as NobleSignatureVerifier (RFC 8032 strict,
// zip215: false) on valid, tampered, non-canonical and small-order inputs, including the cases
// where native Ed25519 (OpenSSL in Node) and noble disagree on their own.
import { ed25519 } from "@noble/curves/ed25519.js";
import { describe, expect, it } from "vitest";
import { ED25519_T8_HEX, ed25519AgreementCases, ed25519MutationChecks } from "../../bench/fixtures.js";
import { NobleSignatureVerifier, type SignatureCheck } from "../../protocol/ed25519.js";
import { WebCryptoSignatureVerifier } from "../../workers/verifier/ed25519-webcrypto.js";

const P = (1n << 255n) - 19n;
const cases = ed25519AgreementCases();
const checks = cases.map((c) => c.check);
const expected = cases.map((c) => c.expected);

describe("WebCryptoSignatureVerifier (RFC 8032 strict, same answers as noble)", () => {
  const noble = new NobleSignatureVerifier();
  const webcrypto = new WebCryptoSignatureVerifier();

  it("uses native Ed25519 in this runtime (Node 22 has it in crypto.subtle)", async () => {
    expect(await webcrypto.usesNative()).toBe(true);
  });

  it("the torsion subgroup's y-coordinates are the five that the prechecks refuse", () => {
    const t8 = ed25519.Point.fromHex(ED25519_T8_HEX);
    const torsion = Array.from({ length: 8 }, (_, i) => t8.multiply(BigInt(i + 1)));
    for (const t of torsion) expect(t.isSmallOrder()).toBe(true);
    const y8 = t8.toAffine().y;
    expect(y8).toBe(0x05fc536d880238b13933c6d305acdfd5f098eff289f4c345b027b2c28f95e826n);
    const ys = [...new Set(torsion.map((t) => t.toAffine().y))].sort();
    expect(ys).toEqual([0n, 1n, P - 1n, y8, P - y8].sort());
  });

  it.each(cases.map((c) => [c.name, c.check, c.expected] as const))("%s", async (_name, check, want) => {
    const [n] = await noble.verifyBatch([check]);
    const [w] = await webcrypto.verifyBatch([check]);
    expect(n).toBe(want);
    expect(w).toBe(want);
  });

  it("raw WebCrypto alone would disagree with noble (why the prechecks and re-checks exist)", async () => {
    // Node 22's OpenSSL: cofactorless, no small-order key check. Should this change, the module
    // header of ed25519-webcrypto.ts needs updating, not the verifier.
    const raw = async (c: SignatureCheck): Promise<boolean> => {
      const key = await crypto.subtle.importKey("raw", c.publicKey, { name: "Ed25519" }, false, ["verify"]);
      return crypto.subtle.verify({ name: "Ed25519" }, key, c.signature, c.message);
    };
    const byName = new Map(cases.map((c) => [c.name, c.check]));
    expect(await raw(byName.get("small-order key: identity, forged")!)).toBe(true);
    expect(await raw(byName.get("R with a small-order component (cofactored: valid)")!)).toBe(false);
  });

  it("agrees on the whole set as one batch, results in input order", async () => {
    expect(await noble.verifyBatch(checks)).toEqual(expected);
    expect(await webcrypto.verifyBatch(checks)).toEqual(expected);
    expect(await new WebCryptoSignatureVerifier({ maxInFlight: 3 }).verifyBatch(checks)).toEqual(expected);
  });

  it("agrees on single-byte mutations of valid signatures and keys (seeded, 60 checks)", async () => {
    const mutations = ed25519MutationChecks();
    const fromNoble = await noble.verifyBatch(mutations);
    expect(await webcrypto.verifyBatch(mutations)).toEqual(fromNoble);
    expect(fromNoble.filter((x) => x).length).toBe(20);
  });

  it("never throws on junk input", async () => {
    const junk = [
      { publicKey: new Uint8Array(0), message: new Uint8Array(1), signature: new Uint8Array(0) },
      { publicKey: "not bytes", message: null, signature: 7 },
    ] as unknown as SignatureCheck[];
    expect(await webcrypto.verifyBatch(junk)).toEqual([false, false]);
    expect(await webcrypto.verifyBatch([])).toEqual([]);
  });
});

describe("WebCryptoSignatureVerifier fallback", () => {
  it("falls back to noble when there is no crypto.subtle", async () => {
    const v = new WebCryptoSignatureVerifier({}, { subtle: undefined });
    expect(await v.usesNative()).toBe(false);
    expect(await v.verifyBatch(checks)).toEqual(expected);
  });

  it("falls back to noble when crypto.subtle lacks Ed25519, probing once per SubtleCrypto", async () => {
    let probes = 0;
    const subtle = {
      importKey: async () => {
        probes++;
        throw new DOMException("Unrecognized algorithm name", "NotSupportedError");
      },
      verify: async () => true,
    } as unknown as SubtleCrypto;
    expect(await new WebCryptoSignatureVerifier({}, { subtle }).verifyBatch(checks)).toEqual(expected);
    expect(await new WebCryptoSignatureVerifier({}, { subtle }).verifyBatch(checks.slice(0, 2))).toEqual(
      expected.slice(0, 2),
    );
    expect(probes).toBe(1);
  });

  it("does not use a native verifier that fails the RFC 8032 probe", async () => {
    for (const answer of [true, false]) {
      const subtle = { importKey: async () => ({}), verify: async () => answer } as unknown as SubtleCrypto;
      const v = new WebCryptoSignatureVerifier({}, { subtle });
      expect(await v.usesNative()).toBe(false);
      expect(await v.verifyBatch(checks)).toEqual(expected);
    }
  });
});
