/**
 * workerd half of the sync benchmark (bench/sync-bench.ts): a Durable Object that receives a
 * generated chain in `Blocks` messages, then syncs a fresh node (real noble BLS, batched
 * verification, re-execution, blocks persisted in the object's SQLite through SqlChainStore)
 * from a peer that serves that chain (bench/sync-peer.ts). Each /run request answers up to
 * `answers` block requests and reports the time spent inside, by performance.now() (which
 * includes the serving peer decoding and encoding its answers, a few ms per 64 blocks).
 *
 *   POST /reset                  new empty chain and store
 *   POST /upload   (body: an encoded Blocks message, the last one with its tip attestation)
 *   POST /start                  opens the syncing node (outside the timing)
 *   POST /run?answers=N          {height, ms}
 */

import { DurableObject } from "cloudflare:workers";
import { SqlChainStore } from "../durable/sql-chain-store.js";
import type { Attestation } from "../protocol/attestation.js";
import type { Block } from "../protocol/block.js";
import { decodeMessage, MessageType } from "../protocol/messages.js";
import { openNode } from "../workers/consensus/node.js";
import type { NodeApi } from "../workers/consensus/node-api.js";
import { WebCryptoSignatureVerifier } from "../workers/verifier/ed25519-webcrypto.js";
import { syncGenesis } from "./sync-fixture.js";
import { CHAIN_PEER, ChainPeer, type ChainSource } from "./sync-peer.js";

interface Env {
  SYNC: DurableObjectNamespace<SyncBenchDO>;
}

export class SyncBenchDO extends DurableObject<Env> {
  /** The chain as uploaded: encoded Blocks messages (decoded blocks of 10,000 would not fit in memory). */
  private frames: Uint8Array[] = [];
  private frameBlocks: number[] = [];
  private tipAttestation: Attestation | null = null;
  private node: NodeApi | null = null;
  private peer: ChainPeer | null = null;
  private synced = 0;

  override async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    switch (url.pathname) {
      case "/reset":
        this.frames = [];
        this.frameBlocks = [];
        this.tipAttestation = null;
        this.node = null;
        await this.ctx.storage.deleteAll();
        return Response.json({ ok: true });
      case "/upload": {
        const bytes = new Uint8Array(await request.arrayBuffer());
        const m = decodeMessage(bytes);
        if (m.type !== MessageType.Blocks) return new Response("not a Blocks message", { status: 400 });
        this.frames.push(bytes);
        this.frameBlocks.push(m.blocks.length);
        if (m.tipAttestation !== null) this.tipAttestation = m.tipAttestation;
        return Response.json({ blocks: this.frameBlocks.reduce((a, b) => a + b, 0) });
      }
      case "/start": {
        if (this.tipAttestation === null) return new Response("upload the chain first", { status: 400 });
        const genesis = syncGenesis();
        this.peer = new ChainPeer(this.source(this.tipAttestation));
        this.node = await openNode(
          { genesis, provisionerKey: null },
          {
            clock: { now: () => Date.now() },
            store: new SqlChainStore(this.ctx.storage),
            transport: this.peer.transport(),
            txVerifier: new WebCryptoSignatureVerifier(),
            log: (level, event, data) => {
              if (level === "warn" || level === "error")
                console.log(JSON.stringify({ level, event, ...data }));
              if (event === "synced") this.synced += 1;
            },
          },
        );
        await this.node.onPeerConnected(CHAIN_PEER);
        return Response.json({ height: this.node.status().height });
      }
      case "/run": {
        if (this.node === null || this.peer === null) return new Response("start first", { status: 400 });
        const answers = Number(url.searchParams.get("answers") ?? "1");
        const start = performance.now();
        const given = await this.peer.drive(this.node, answers);
        const ms = performance.now() - start;
        return Response.json({ height: this.node.status().height, ms, given, status: this.node.status() });
      }
      default:
        return new Response("not found", { status: 404 });
    }
  }

  /** Serves ranges by decoding the uploaded frames they fall in (all of one size but the last). */
  private source(tipAttestation: Attestation): ChainSource {
    const per = this.frameBlocks[0] ?? 1;
    const height = this.frameBlocks.reduce((a, b) => a + b, 0);
    const frameBlocks = (i: number): Block[] => {
      const m = decodeMessage(this.frames[i]!);
      return m.type === MessageType.Blocks ? [...m.blocks] : [];
    };
    return {
      height,
      tipAttestation,
      blocks: (from, count) => {
        const out: Block[] = [];
        const last = Math.min(height, from + count - 1);
        for (let i = Math.floor((from - 1) / per); i * per + 1 <= last; i++) {
          for (const b of frameBlocks(i)) if (b.header.height >= from && b.header.height <= last) out.push(b);
        }
        return out;
      },
    };
  }
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    return env.SYNC.get(env.SYNC.idFromName("sync")).fetch(request);
  },
};
