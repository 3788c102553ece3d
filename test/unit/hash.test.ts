import { blake3 } from "@noble/hashes/blake3.js";
import { describe, expect, it } from "vitest";
import { toHex, utf8 } from "../../protocol/bytes.js";
import { domainHash, HASH_BYTES, hash, merkleRoot } from "../../protocol/hash.js";

const leaf = (n: number) => new Uint8Array([n, n + 1, n + 2]);
const node = (l: Uint8Array, r: Uint8Array) => {
  const pair = new Uint8Array(64);
  pair.set(l, 0);
  pair.set(r, 32);
  return domainHash("merkle-node", pair);
};
const leafHash = (l: Uint8Array) => domainHash("merkle-leaf", l);

describe("hash", () => {
  it("hash is plain BLAKE3-256 (official empty-input vector)", () => {
    expect(toHex(hash(new Uint8Array(0)))).toBe(
      "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262",
    );
    expect(hash(new Uint8Array(0)).length).toBe(HASH_BYTES);
  });

  it("domainHash is keyed BLAKE3 with the key derived from the domain name", () => {
    const data = utf8.encode("payload");
    const key = blake3(utf8.encode("dusk-edge/tx"));
    expect(domainHash("tx", data)).toEqual(blake3(data, { key }));
  });

  it("the same bytes hash differently in two domains, and differently from plain hash", () => {
    const data = utf8.encode("same bytes");
    const a = domainHash("tx", data);
    const b = domainHash("header", data);
    expect(a).not.toEqual(b);
    expect(a).not.toEqual(hash(data));
    expect(domainHash("tx", data)).toEqual(a);
  });
});

describe("merkleRoot", () => {
  it("the empty root is fixed and differs from the root of one empty leaf", () => {
    expect(merkleRoot([])).toEqual(domainHash("merkle-empty", new Uint8Array(0)));
    expect(merkleRoot([])).toEqual(merkleRoot([]));
    expect(merkleRoot([new Uint8Array(0)])).not.toEqual(merkleRoot([]));
  });

  it("one leaf: the leaf-domain hash of the leaf (never the raw leaf)", () => {
    const l = new Uint8Array(32).fill(4);
    expect(merkleRoot([l])).toEqual(leafHash(l));
    expect(merkleRoot([l])).not.toEqual(l);
  });

  it("two leaves: one node over the two leaf hashes, order-sensitive", () => {
    const [a, b] = [leaf(1), leaf(2)];
    expect(merkleRoot([a, b])).toEqual(node(leafHash(a), leafHash(b)));
    expect(merkleRoot([a, b])).not.toEqual(merkleRoot([b, a]));
  });

  it("three leaves: the odd leaf is promoted unchanged", () => {
    const [a, b, c] = [leaf(1), leaf(2), leaf(3)];
    const expected = node(node(leafHash(a), leafHash(b)), leafHash(c));
    expect(merkleRoot([a, b, c])).toEqual(expected);
    expect(merkleRoot([a, b, c])).not.toEqual(merkleRoot([a, c, b]));
    expect(merkleRoot([a, b, c])).not.toEqual(merkleRoot([c, b, a]));
  });

  it("five leaves: deterministic, matches the level-by-level construction", () => {
    const ls = [1, 2, 3, 4, 5].map(leaf);
    const h = ls.map(leafHash);
    const expected = node(node(node(h[0]!, h[1]!), node(h[2]!, h[3]!)), h[4]!);
    expect(merkleRoot(ls)).toEqual(expected);
    expect(merkleRoot(ls.map((l) => l.slice()))).toEqual(expected);
  });

  it("a leaf level cannot be confused with an inner level (no second preimage across levels)", () => {
    const [a, b] = [leaf(1), leaf(2)];
    const pair = new Uint8Array(64);
    pair.set(leafHash(a), 0);
    pair.set(leafHash(b), 32);
    // Presenting the concatenated child hashes as one leaf must not reproduce the two-leaf root.
    expect(merkleRoot([pair])).not.toEqual(merkleRoot([a, b]));
  });

  it("duplicating the last leaf changes the root (unlike Bitcoin's tree, CVE-2012-2459)", () => {
    const [a, b, c] = [leaf(1), leaf(2), leaf(3)];
    expect(merkleRoot([a, b, c])).not.toEqual(merkleRoot([a, b, c, c]));
  });

  it("returns a fresh array: mutating a root cannot corrupt later roots", () => {
    const empty = merkleRoot([]);
    const expected = empty.slice();
    empty.fill(0);
    expect(merkleRoot([])).toEqual(expected);
    const one = merkleRoot([leaf(1)]);
    one.fill(0);
    expect(merkleRoot([leaf(1)])).toEqual(leafHash(leaf(1)));
  });

  it("does not modify its input", () => {
    const ls = [leaf(1), leaf(2), leaf(3)];
    const copy = ls.map((l) => l.slice());
    merkleRoot(ls);
    expect(ls).toEqual(copy);
  });
});
