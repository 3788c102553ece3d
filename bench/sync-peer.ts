/**
 * A peer that serves a fixed chain (sync benchmark and tests): it answers `GetBlocks` like a
 * node (`Node.serveBlocks`: up to `count` blocks from `fromHeight`, the tip attestation with the
 * last block), and `drive` delivers its answers to a syncing node until nothing is asked.
 * Runs in Node and in workerd (no runtime imports).
 */

import type { Attestation } from "../protocol/attestation.js";
import type { Block } from "../protocol/block.js";
import { decodeMessage, encodeMessage, MessageType } from "../protocol/messages.js";
import type { NodeApi } from "../workers/consensus/node-api.js";
import type { Transport } from "../workers/consensus/ports.js";

export const CHAIN_PEER = "chain-peer";

export class ChainPeer {
  private readonly asked: Uint8Array[] = [];
  /** Answers encoded once per range, so the serving side costs little in a measurement. */
  private readonly answers = new Map<string, Uint8Array>();
  requests = 0;

  constructor(
    private readonly blocks: readonly Block[],
    private readonly tipAttestation: Attestation,
    /** Changes a block as served (a bad peer), by height. */
    private readonly tamper: ((block: Block) => Block) | null = null,
  ) {}

  /** The transport the syncing node uses: this peer is its only one. */
  transport(): Transport {
    return {
      broadcast: () => {},
      send: (_peer, bytes) => {
        this.asked.push(bytes);
      },
      peers: () => [CHAIN_PEER],
    };
  }

  answer(fromHeight: number, count: number): Uint8Array {
    const key = `${fromHeight}/${count}`;
    let bytes = this.answers.get(key);
    if (bytes === undefined) {
      const out = this.blocks.slice(fromHeight - 1, fromHeight - 1 + count);
      const blocks = this.tamper === null ? out : out.map(this.tamper);
      const last = blocks[blocks.length - 1];
      const tipAttestation =
        last !== undefined && last.header.height === this.blocks.length ? this.tipAttestation : null;
      bytes = encodeMessage({ type: MessageType.Blocks, blocks, tipAttestation });
      this.answers.set(key, bytes);
    }
    return bytes;
  }

  /** Pre-encodes the answers to the aligned requests a pipeline makes (outside a measurement). */
  prepare(batch: number): void {
    for (let from = 1; from <= this.blocks.length; from += batch) this.answer(from, batch);
  }

  /**
   * Answers the node's requests until it asks nothing more or `maxAnswers` were given; returns
   * the answers given. Other messages the node sends (votes of a joined node) are ignored.
   */
  async drive(node: NodeApi, maxAnswers = Number.POSITIVE_INFINITY): Promise<number> {
    let given = 0;
    while (this.asked.length > 0 && given < maxAnswers) {
      const m = decodeMessage(this.asked.shift()!);
      if (m.type !== MessageType.GetBlocks) continue;
      this.requests += 1;
      given += 1;
      await node.onMessage(CHAIN_PEER, this.answer(m.fromHeight, m.count));
    }
    return given;
  }
}
