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

/** The chain a `ChainPeer` serves: heights 1..height. */
export interface ChainSource {
  readonly height: number;
  readonly tipAttestation: Attestation;
  /** Blocks `from`..`from + count - 1`, clipped to the chain. */
  blocks(from: number, count: number): Block[];
}

/** A chain held as decoded blocks (tests). */
export function arraySource(blocks: readonly Block[], tipAttestation: Attestation): ChainSource {
  return {
    height: blocks.length,
    tipAttestation,
    blocks: (from, count) => blocks.slice(from - 1, from - 1 + count),
  };
}

export class ChainPeer {
  private readonly asked: Uint8Array[] = [];
  requests = 0;

  constructor(
    private readonly source: ChainSource,
    /** Changes a block as served (a bad peer). */
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
    const out = this.source.blocks(fromHeight, count);
    const blocks = this.tamper === null ? out : out.map(this.tamper);
    const last = blocks[blocks.length - 1];
    const tipAttestation =
      last !== undefined && last.header.height === this.source.height ? this.source.tipAttestation : null;
    return encodeMessage({ type: MessageType.Blocks, blocks, tipAttestation });
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
