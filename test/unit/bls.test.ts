// BLS12-381 costs tens of milliseconds per operation in Node: keys are made once per file and
// each test checks several things.
import { describe, expect, it } from "vitest";
import {
  aggregatePublicKeys,
  aggregateSignatures,
  BLS_PUBLIC_KEY_BYTES,
  BLS_SIGNATURE_BYTES,
  blsKeyFromSeed,
  blsProvePossession,
  blsSign,
  blsVerify,
  blsVerifyPossession,
  decodePublicKey,
  decodeSignature,
  PublicKeyCache,
  verifyAggregateSameMessage,
} from "../../protocol/bls.js";
import { utf8 } from "../../protocol/bytes.js";
import { devProvisionerKey } from "../../protocol/keys.js";
import { bytes, expectCode } from "./fixtures.js";

const keys = [1, 2, 3].map((n) => blsKeyFromSeed(bytes(32, n)));
const [k1, k2, k3] = keys as [(typeof keys)[0], (typeof keys)[0], (typeof keys)[0]];
const message = utf8.encode("vote: valid 0xabc");

describe("bls keys", () => {
  it("derives deterministic 32-byte secret and 48-byte public keys from seeds", () => {
    expect(k1.secretKey.length).toBe(32);
    expect(k1.publicKey.length).toBe(BLS_PUBLIC_KEY_BYTES);
    expect(blsKeyFromSeed(bytes(32, 1)).publicKey).toEqual(k1.publicKey);
    expect(k2.publicKey).not.toEqual(k1.publicKey);
    expectCode(() => blsKeyFromSeed(bytes(31, 1)), "INVALID_KEY");
    expect(devProvisionerKey("s", 0).publicKey).toEqual(devProvisionerKey("s", 0).publicKey);
    expect(devProvisionerKey("s", 0).publicKey).not.toEqual(devProvisionerKey("s", 1).publicKey);
  });

  it("refuses malformed public keys with INVALID_KEY", () => {
    expectCode(() => decodePublicKey(bytes(47, 1)), "INVALID_KEY");
    expectCode(() => decodePublicKey(bytes(48, 0xff)), "INVALID_KEY");
    // The compressed identity (point at infinity) is refused: it would verify anything aggregated.
    const identity = new Uint8Array(48);
    identity[0] = 0xc0;
    expectCode(() => decodePublicKey(identity), "INVALID_KEY");
    expectCode(() => aggregatePublicKeys([]), "INVALID_KEY");
  });

  it("refuses malformed signatures with INVALID_SIGNATURE", () => {
    expectCode(() => decodeSignature(bytes(95, 1)), "INVALID_SIGNATURE");
    expectCode(() => decodeSignature(bytes(96, 0xff)), "INVALID_SIGNATURE");
    expectCode(() => aggregateSignatures([]), "INVALID_SIGNATURE");
    expectCode(() => aggregateSignatures([bytes(96, 0xff)]), "INVALID_SIGNATURE");
  });
});

describe("bls signatures", () => {
  const sig1 = blsSign(k1.secretKey, message);

  it("a signature verifies for its key and message only", () => {
    expect(sig1.length).toBe(BLS_SIGNATURE_BYTES);
    expect(blsVerify(k1.publicKey, message, sig1)).toBe(true);
    expect(blsVerify(decodePublicKey(k1.publicKey), message, sig1)).toBe(true);
    expect(blsVerify(k1.publicKey, utf8.encode("vote: valid 0xabd"), sig1)).toBe(false);
    expect(blsVerify(k2.publicKey, message, sig1)).toBe(false);
  });

  it("blsVerify answers false, not an exception, for malformed keys and signatures", () => {
    expect(blsVerify(bytes(48, 0xff), message, sig1)).toBe(false);
    expect(blsVerify(k1.publicKey, message, bytes(96, 0xff))).toBe(false);
    expect(blsVerify(k1.publicKey, message, sig1.subarray(1))).toBe(false);
  });

  it("same-message signatures aggregate and verify against the signers' keys only", () => {
    const sigs = keys.map((k) => blsSign(k.secretKey, message));
    const agg = aggregateSignatures(sigs);
    const points = keys.map((k) => decodePublicKey(k.publicKey));
    expect(verifyAggregateSameMessage(points, message, agg)).toBe(true);
    expect(verifyAggregateSameMessage(points.slice(0, 2), message, agg)).toBe(false);
    expect(verifyAggregateSameMessage(points, utf8.encode("other"), agg)).toBe(false);
    expect(verifyAggregateSameMessage([], message, agg)).toBe(false);
    // Two of three signers: the bitset must match the signatures actually aggregated.
    const agg12 = aggregateSignatures(sigs.slice(0, 2));
    expect(verifyAggregateSameMessage(points.slice(0, 2), message, agg12)).toBe(true);
  });
});

describe("bls proof of possession", () => {
  it("a PoP verifies for its key; another key's PoP and a plain signature do not", () => {
    const pop1 = blsProvePossession(k1);
    expect(blsVerifyPossession(k1.publicKey, pop1)).toBe(true);
    expect(blsVerifyPossession(k2.publicKey, pop1)).toBe(false);
    // Same secret, same bytes, but under the signing tag: domain separation keeps it from being a PoP.
    expect(blsVerifyPossession(k1.publicKey, blsSign(k1.secretKey, k1.publicKey))).toBe(false);
    expect(blsVerifyPossession(bytes(48, 0xff), pop1)).toBe(false);
  });
});

describe("PublicKeyCache", () => {
  it("returns the cached point on a hit and evicts the oldest beyond its bound", () => {
    const cache = new PublicKeyCache(2);
    const p1 = cache.get(k1.publicKey);
    expect(cache.get(k1.publicKey.slice())).toBe(p1);
    const p2 = cache.get(k2.publicKey);
    cache.get(k3.publicKey); // evicts k1, the oldest
    expect(cache.get(k2.publicKey)).toBe(p2);
    const again = cache.get(k1.publicKey);
    expect(again).not.toBe(p1);
    expect(again.equals(p1)).toBe(true);
  });

  it("does not cache an invalid key", () => {
    const cache = new PublicKeyCache(2);
    expectCode(() => cache.get(bytes(48, 0xff)), "INVALID_KEY");
    expectCode(() => cache.get(bytes(48, 0xff)), "INVALID_KEY");
  });
});
