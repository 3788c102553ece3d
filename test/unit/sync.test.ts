// Batched sync (issue 11): a late joiner verifies a peer's blocks with one batch of signature
// claims per response (real noble BLS), falls back to per-block checks to name a bad block, and
// keeps a bounded pipeline of requests. The chain comes from the blst generator (bench/sync-chain.ts).
import { beforeAll, describe, expect, it } from "vitest";
import { type GeneratedChain, generateChain, SYNC_GENESIS_MS } from "../../bench/sync-chain.js";
import { arraySource, ChainPeer } from "../../bench/sync-peer.js";
import type { Block } from "../../protocol/block.js";
import { PublicKeyCache } from "../../protocol/bls.js";
import { NobleSignatureVerifier } from "../../protocol/ed25519.js";
import { MemoryChainStore } from "../../workers/consensus/memory-chain-store.js";
import { openNode } from "../../workers/consensus/node.js";
import type { LogLevel } from "../../workers/consensus/node-options.js";
import { StoppedClock } from "../../workers/consensus/ports.js";
import { SyncPipeline } from "../../workers/consensus/sync.js";
import { collectRunClaims } from "../../workers/consensus/sync-claims.js";
import { verifyClaims } from "../../workers/consensus/sync-signatures.js";
import { BlsVoteCrypto } from "../../workers/consensus/vote-crypto.js";

const BLOCKS = 70; // one full response of 64 and a short one
let chain: GeneratedChain;

beforeAll(async () => {
  chain = await generateChain({ blocks: BLOCKS });
}, 120_000);

async function lateJoiner(peer: ChainPeer) {
  const logs: Array<{ level: LogLevel; event: string; data?: Record<string, unknown> }> = [];
  const clock = new StoppedClock(SYNC_GENESIS_MS + 10_000_000);
  const crypto = new CountingBlsVoteCrypto();
  const node = await openNode(
    { genesis: chain.genesis, provisionerKey: null },
    {
      clock,
      store: new MemoryChainStore(),
      transport: peer.transport(),
      txVerifier: new NobleSignatureVerifier(),
      voteCrypto: crypto,
      log: (level, event, data) => logs.push({ level, event, ...(data === undefined ? {} : { data }) }),
    },
  );
  return { node, logs, clock, crypto };
}

/** Real BLS that counts the pairing checks it runs. */
class CountingBlsVoteCrypto extends BlsVoteCrypto {
  pairingChecks = 0;
  override verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
    this.pairingChecks += 1;
    return super.verify(publicKey, message, signature);
  }
  override verifyAggregate(keys: readonly Uint8Array[], message: Uint8Array, aggregate: Uint8Array): boolean {
    this.pairingChecks += 1;
    return super.verifyAggregate(keys, message, aggregate);
  }
}

describe("batched sync", () => {
  it("a late joiner catches up with batch-verified blocks and reports progress", async () => {
    const peer = new ChainPeer(arraySource(chain.blocks, chain.tipAttestation));
    const { node, logs, crypto } = await lateJoiner(peer);
    await node.onPeerConnected("chain-peer");
    await peer.drive(node);
    expect(node.status().height).toBe(BLOCKS);
    expect(node.blockByHeight(BLOCKS)?.hash).toEqual(node.blockByHeight(BLOCKS)?.hash);
    expect(logs.filter((l) => l.event === "sync-batch-failed")).toEqual([]);
    expect(logs.filter((l) => l.event === "synced-block-invalid")).toEqual([]);
    const synced = logs.filter((l) => l.event === "synced");
    // Block 64's attestation rides in block 65, so the first response applies 63 blocks.
    expect(synced.map((l) => l.data?.height)).toEqual([63, BLOCKS]);
    // Every attestation, generator signature and seed was proven by a batch: the per-block path
    // never ran a pairing of its own.
    expect(crypto.pairingChecks).toBe(0);
    expect(node.status().sync).toMatchObject({ height: BLOCKS, target: BLOCKS });
  }, 120_000);

  it("a bad attestation in a batch fails the batch and the per-block checks stop at that block", async () => {
    const bad = 20;
    // Block bad + 1 carries the attestation of block `bad`: flip its ratification signature to
    // another valid signature (the validation one), so it decodes but does not verify.
    const tamper = (b: Block): Block => {
      if (b.header.height !== bad + 1 || b.header.prevAttestation === null) return b;
      const att = b.header.prevAttestation;
      return {
        ...b,
        header: {
          ...b.header,
          prevAttestation: {
            ...att,
            ratification: { ...att.ratification, signature: att.validation.signature },
          },
        },
      };
    };
    const peer = new ChainPeer(arraySource(chain.blocks, chain.tipAttestation), tamper);
    const { node, logs } = await lateJoiner(peer);
    await node.onPeerConnected("chain-peer");
    await peer.drive(node, 1);
    expect(logs.filter((l) => l.event === "sync-batch-failed")).toHaveLength(1);
    const invalid = logs.filter((l) => l.event === "synced-block-invalid");
    expect(invalid.map((l) => l.data?.height)).toEqual([bad]);
    expect(String(invalid[0]?.data?.error)).toMatch(/ratification: aggregate signature does not verify/);
    expect(node.status().height).toBe(bad - 1);
  }, 120_000);

  it("verifyClaims accepts a run's claims and refuses them with one signature swapped", () => {
    const ctx = {
      chainId: chain.genesis.chainId,
      provisioners: chain.genesis.provisioners,
      params: chain.genesis.params.consensus,
      maxClaims: 1_024,
    };
    // Blocks 2..8 above block 1; block 8's attestation rides in block 9.
    const run = chain.blocks.slice(1, 8);
    const claims = collectRunClaims(
      ctx,
      chain.blocks[0]!.header,
      run,
      chain.blocks[8]!.header.prevAttestation,
    );
    // Per block: validation and ratification aggregates, generator signature, seed.
    expect(claims).toHaveLength(7 * 4);
    const keys = new PublicKeyCache();
    const salt = new Uint8Array(32).fill(7);
    expect(verifyClaims(claims, keys, salt)).toBe(true);
    const swapped = claims.map((c, i) => (i === 3 ? { ...c, signature: claims[4]!.signature } : c));
    expect(verifyClaims(swapped, keys, salt)).toBe(false);
  }, 60_000);
});

describe("SyncPipeline", () => {
  const options = { batchBlocks: 10, maxInFlight: 3, requestTimeoutMs: 1_000 };
  it("keeps at most maxInFlight aligned ranges in flight, up to the target", () => {
    const p = new SyncPipeline(options);
    p.observeTarget(100);
    const first = p.plan(0, ["a", "b"], 0);
    expect(first.map((r) => r.fromHeight)).toEqual([1, 11, 21]);
    expect(new Set(first.map((r) => r.peer))).toEqual(new Set(["a", "b"]));
    expect(p.plan(0, ["a", "b"], 10)).toEqual([]); // all in flight
  });
  it("asks again after a request's deadline", () => {
    const p = new SyncPipeline({ ...options, maxInFlight: 2 });
    p.observeTarget(15);
    expect(p.plan(0, ["a"], 0).map((r) => r.fromHeight)).toEqual([1, 11]);
    expect(p.nextDeadline()).toBe(1_000);
    expect(p.plan(0, ["a"], 1_000).map((r) => r.fromHeight)).toEqual([1, 11]);
  });
  it("keeps early blocks (bounded), joins them into one run from the tip, and plans around them", () => {
    const p = new SyncPipeline(options);
    const block = (height: number) => ({ header: { height } }) as unknown as Block;
    const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => block(from + i));
    // The held last block of a run (height 10) and the next range (11..20) that proves it.
    expect(p.stash({ peer: "a", blocks: range(11, 10), tipAttestation: null })).toBe(true);
    expect(p.takeRun(9)).toBeUndefined();
    expect(p.stash({ peer: "a", blocks: range(10, 1), tipAttestation: null })).toBe(true);
    p.observeTarget(100);
    // Planning walks over kept ranges: 21 is the first gap.
    expect(p.plan(9, ["a"], 0).map((r) => r.fromHeight)).toEqual([21, 31, 41]);
    const run = p.takeRun(9);
    expect(run?.blocks.map((b) => b.header.height)).toEqual(range(10, 11).map((b) => b.header.height));
    expect(p.takeRun(9)).toBeUndefined();
    for (let i = 0; i < 4; i++)
      expect(p.stash({ peer: "a", blocks: range(51 + 10 * i, 10), tipAttestation: null })).toBe(true);
    expect(p.stash({ peer: "a", blocks: range(91, 10), tipAttestation: null })).toBe(false);
  });
  it("reports blocks per second from the clock", () => {
    const p = new SyncPipeline(options);
    p.observeTarget(200);
    p.begin(0, 0);
    p.applied(64, 1_000);
    p.applied(128, 2_000);
    expect(p.progress(128)).toEqual({ height: 128, target: 200, blocksPerSecond: 64 });
  });
});
