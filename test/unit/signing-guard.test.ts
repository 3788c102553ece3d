// Slashing protection (workers/consensus/signing-guard.ts): one message per (round, iteration,
// step) across restarts, the interchange export/import between machines (EIP-3076-like), the
// low watermark, and the doppelganger halt.
import { describe, expect, it } from "vitest";
import { blsKeyFromSeed, blsVerify, decodePublicKey } from "../../protocol/bls.js";
import { utf8 } from "../../protocol/bytes.js";
import { MemoryChainStore } from "../../workers/consensus/memory-chain-store.js";
import { SigningGuard } from "../../workers/consensus/signing-guard.js";
import { BlsVoteCrypto } from "../../workers/consensus/vote-crypto.js";

const key = blsKeyFromSeed(new Uint8Array(32).fill(42));
const crypto = new BlsVoteCrypto();
const GENESIS = "ab".repeat(32);
const m = (s: string) => utf8.encode(s);

describe("SigningGuard", () => {
  it("a restarted guard refuses a second message for a signed slot and re-signs the same one", () => {
    const store = new MemoryChainStore();
    const first = new SigningGuard(key, store, crypto);
    const sig = first.sign(10, 0, 1, m("vote A"))!;
    expect(blsVerify(decodePublicKey(key.publicKey), m("vote A"), sig)).toBe(true);
    // The process restarts: a new guard over the same store.
    const again = new SigningGuard(key, store, crypto);
    expect(again.sign(10, 0, 1, m("vote B"))).toBeNull();
    expect(again.sign(10, 0, 1, m("vote A"))).toEqual(sig);
    expect(again.sign(10, 0, 2, m("vote B"))).not.toBeNull();
    expect(again.signed).toEqual({ proposals: 0, validationVotes: 1, ratificationVotes: 1 });
  });

  it("exports a record that another machine imports: conflicting slots and older rounds are refused there", () => {
    const a = new SigningGuard(key, new MemoryChainStore(), crypto);
    a.sign(20, 0, 1, m("validation"));
    a.sign(20, 1, 0, m("candidate"));
    const doc = a.exportInterchange(GENESIS);
    expect(doc.metadata.genesis_hash).toBe(GENESIS);
    expect(doc.data[0]!.signed).toHaveLength(2);
    // JSON round trip, as through the operator API.
    const b = new SigningGuard(key, new MemoryChainStore(), crypto);
    const result = b.importInterchange(JSON.parse(JSON.stringify(doc)), GENESIS);
    expect(result).toEqual({ imported: 2, watermark: 20 });
    expect(b.sign(20, 0, 1, m("another validation"))).toBeNull();
    expect(b.sign(20, 1, 0, m("another candidate"))).toBeNull();
    // The same message signs to the same (deterministic) signature; below the watermark nothing.
    expect(b.sign(20, 0, 1, m("validation"))).not.toBeNull();
    expect(b.sign(19, 0, 1, m("old round"))).toBeNull();
    expect(b.sign(21, 0, 1, m("next round"))).not.toBeNull();
    expect(() => b.importInterchange(doc, "cd".repeat(32))).toThrow(/genesis/);
    expect(() => b.importInterchange({ metadata: {}, data: [] }, GENESIS)).toThrow(/version/);
  });

  it("halts on a message signed with its key that it never signed, persistently, until resumed", () => {
    const store = new MemoryChainStore();
    const g = new SigningGuard(key, store, crypto);
    g.sign(30, 0, 1, m("mine"));
    // Its own message echoed back by the network: fine.
    expect(g.observe(30, 0, 1, m("mine"), 29)).toBe(false);
    // Too old to judge (records may be pruned): ignored.
    expect(g.observe(10, 0, 1, m("old"), 29)).toBe(false);
    expect(g.observe(30, 0, 2, m("not mine"), 29)).toBe(true);
    expect(g.sign(31, 0, 1, m("next"))).toBeNull();
    const restarted = new SigningGuard(key, store, crypto);
    expect(restarted.halted?.reason).toMatch(/never signed/);
    expect(restarted.sign(31, 0, 1, m("next"))).toBeNull();
    restarted.resume();
    expect(restarted.sign(31, 0, 1, m("next"))).not.toBeNull();
  });
});
