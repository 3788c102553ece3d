import { describe, expect, it } from "vitest";
import { blsKeyFromSeed } from "../../protocol/bls.js";
import { RoutingError } from "../../workers/routing/errors.js";
import { nodeIdFromPublicKey } from "../../workers/routing/id.js";
import {
  decodeLinkHello,
  encodeLinkHello,
  LinkHandshake,
  type LinkIdentity,
} from "../../workers/routing/link-auth.js";

const genesisHash = new Uint8Array(32).fill(7);
const keyA = blsKeyFromSeed(new Uint8Array(32).fill(1));
const keyB = blsKeyFromSeed(new Uint8Array(32).fill(2));
const keyM = blsKeyFromSeed(new Uint8Array(32).fill(3));
const identity = (k: typeof keyA, chainId = "test-chain"): LinkIdentity => ({ chainId, genesisHash, ...k });
const nonce = (b: number) => new Uint8Array(32).fill(b);

function code(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(RoutingError);
    return (e as RoutingError).code;
  }
  return undefined;
}

describe("link authentication (BLS proof bound to the link)", () => {
  it("authenticates both sides and yields the peer's node id", () => {
    const d = new LinkHandshake("dialer", identity(keyA), nonce(10));
    const a = new LinkHandshake("acceptor", identity(keyB), nonce(20));
    const proofD = d.onHello(a.hello());
    const proofA = a.onHello(d.hello());
    const seenByD = d.onProof(proofA);
    const seenByA = a.onProof(proofD);
    expect(seenByD.publicKey).toEqual(keyB.publicKey);
    expect(seenByD.nodeId).toEqual(nodeIdFromPublicKey(keyB.publicKey));
    expect(seenByA.nodeId).toEqual(nodeIdFromPublicKey(keyA.publicKey));
  });

  it("refuses a proof replayed on another link, reflected back, or made with another key", () => {
    const d1 = new LinkHandshake("dialer", identity(keyA), nonce(1));
    const a1 = new LinkHandshake("acceptor", identity(keyB), nonce(2));
    d1.onHello(a1.hello());
    const proofB1 = a1.onHello(d1.hello());
    // Another link between the same keys (fresh nonces): the old proof does not verify.
    const d2 = new LinkHandshake("dialer", identity(keyA), nonce(3));
    const a2 = new LinkHandshake("acceptor", identity(keyB), nonce(4));
    d2.onHello(a2.hello());
    expect(code(() => d2.onProof(proofB1))).toBe("LINK_BAD_PROOF");
    // Reflection: the acceptor sends the dialer's own proof back.
    const d3 = new LinkHandshake("dialer", identity(keyA), nonce(5));
    const a3 = new LinkHandshake("acceptor", identity(keyB), nonce(6));
    const proofD3 = d3.onHello(a3.hello());
    expect(code(() => d3.onProof(proofD3))).toBe("LINK_BAD_PROOF");
    // Claiming keyB's public key while holding keyM's secret key.
    const liar = new LinkHandshake("acceptor", { ...identity(keyM), publicKey: keyB.publicKey }, nonce(8));
    const d4 = new LinkHandshake("dialer", identity(keyA), nonce(7));
    d4.onHello(liar.hello());
    expect(code(() => d4.onProof(liar.onHello(d4.hello())))).toBe("LINK_BAD_PROOF");
  });

  it("refuses other chains, itself, frames out of order and malformed frames", () => {
    const d = new LinkHandshake("dialer", identity(keyA), nonce(1));
    const other = new LinkHandshake("acceptor", identity(keyB, "other-chain"), nonce(2));
    expect(code(() => d.onHello(other.hello()))).toBe("LINK_CHAIN_MISMATCH");
    const self = new LinkHandshake("acceptor", identity(keyA), nonce(3));
    expect(code(() => d.onHello(self.hello()))).toBe("LINK_TO_SELF");
    const fresh = new LinkHandshake("dialer", identity(keyA), nonce(4));
    expect(code(() => fresh.onProof(new Uint8Array(97)))).toBe("LINK_OUT_OF_ORDER");
    const hello = new LinkHandshake("acceptor", identity(keyB), nonce(5)).hello();
    expect(code(() => decodeLinkHello(hello.subarray(0, 40)))).toBe("LINK_MALFORMED");
    expect(code(() => decodeLinkHello(new Uint8Array([...hello, 0])))).toBe("LINK_MALFORMED");
    const hostile = new Uint8Array([0xa1, 0xff, 0xff, 0xff, 0xff]);
    expect(code(() => decodeLinkHello(hostile))).toBe("LINK_MALFORMED");
    const h = decodeLinkHello(hello);
    expect(encodeLinkHello(h)).toEqual(hello);
    fresh.onHello(hello);
    expect(code(() => fresh.onHello(hello))).toBe("LINK_OUT_OF_ORDER");
    expect(code(() => fresh.onProof(new Uint8Array(96)))).toBe("LINK_MALFORMED");
  });
});
