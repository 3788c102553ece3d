import { describe, expect, it } from "vitest";
import {
  bucketIndex,
  compareDistance,
  ID_BYTES,
  nodeIdFromPublicKey,
  randomIdInBucket,
  xorDistance,
} from "../../workers/routing/id.js";
import { SeededRng } from "../../workers/routing/rng.js";

describe("routing ids: XOR distance and buckets", () => {
  const zero = new Uint8Array(ID_BYTES);

  it("derives a 32-byte id from a public key, deterministically", () => {
    const a = nodeIdFromPublicKey(new Uint8Array([1, 2, 3]));
    expect(a.length).toBe(32);
    expect(nodeIdFromPublicKey(new Uint8Array([1, 2, 3]))).toEqual(a);
    expect(nodeIdFromPublicKey(new Uint8Array([1, 2, 4]))).not.toEqual(a);
  });

  it("puts a peer in the bucket of the highest differing bit", () => {
    const top = zero.slice();
    top[0] = 0x80;
    expect(bucketIndex(zero, top)).toBe(255);
    const low = zero.slice();
    low[31] = 1;
    expect(bucketIndex(zero, low)).toBe(0);
    const mid = zero.slice();
    mid[30] = 0x05; // bits 8 and 10 set: highest is 10
    expect(bucketIndex(zero, mid)).toBe(10);
    expect(bucketIndex(zero, zero)).toBe(-1);
  });

  it("XOR distance is symmetric and orders by the highest bit", () => {
    const rng = new SeededRng(1);
    const a = randomIdInBucket(zero, 100, rng);
    const b = randomIdInBucket(zero, 200, rng);
    expect(xorDistance(a, b)).toEqual(xorDistance(b, a));
    expect(compareDistance(zero, a, b)).toBe(-1);
    expect(compareDistance(zero, b, a)).toBe(1);
    expect(compareDistance(zero, a, a)).toBe(0);
  });

  it("draws random ids inside the requested bucket", () => {
    const rng = new SeededRng(2);
    const self = nodeIdFromPublicKey(new Uint8Array([9]));
    for (const i of [0, 1, 7, 8, 9, 63, 128, 254, 255]) {
      for (let t = 0; t < 20; t++) expect(bucketIndex(self, randomIdInBucket(self, i, rng))).toBe(i);
    }
  });
});
