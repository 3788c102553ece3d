/**
 * A small in-memory network of nodes on a stopped clock: messages queue and are delivered in
 * order, time jumps to the next wake-up of any node. Deterministic for a given setup.
 */

import { StepKind, VoteKind, voteOf, voteSigningMessage } from "../../protocol/attestation.js";
import { type Block, decodeBlock } from "../../protocol/block.js";
import { type BlsKeyPair, blsSign } from "../../protocol/bls.js";
import { NobleSignatureVerifier } from "../../protocol/ed25519.js";
import { devGenesisJson, type Genesis, parseGenesis } from "../../protocol/genesis.js";
import { devProvisionerKey } from "../../protocol/keys.js";
import { decodeMessage, encodeMessage, type Message, MessageType } from "../../protocol/messages.js";
import type { Chain } from "../../workers/consensus/chain.js";
import { blockIncentives } from "../../workers/consensus/incentives.js";
import { MemoryChainStore } from "../../workers/consensus/memory-chain-store.js";
import { openNode } from "../../workers/consensus/node.js";
import type { NodeApi } from "../../workers/consensus/node-api.js";
import type { LogLevel } from "../../workers/consensus/node-options.js";
import { StoppedClock, type Transport } from "../../workers/consensus/ports.js";
import { RoundCommittees } from "../../workers/consensus/round-committees.js";

/**
 * What a replay outside a node passes to `applyTransactions` besides the chain id and execution
 * parameters: the consensus rules and the block's rewards and slashes, from committees derived
 * like the node derives them (provisioner sets stored by `chain`).
 */
export function replayContext(chain: Chain, genesis: Genesis, block: Block) {
  const p = genesis.params.consensus;
  const committees = (round: number) =>
    new RoundCommittees(
      round,
      decodeBlock(chain.blockAt(round - 1)!.bytes).header.seed,
      chain.provisionersFor(round),
      p,
    );
  const h = block.header.height;
  const parent =
    h === 1 ? null : { committees: committees(h - 1), iteration: chain.tip.block.header.iteration };
  const own = committees(h);
  return {
    consensus: p,
    incentives: (fees: bigint) =>
      blockIncentives(block.header, block.faults, fees, own, parent, genesis.devFund),
  };
}

/**
 * Makes node `from` (holding `key`) follow its first Valid validation vote with a NoCandidate
 * vote for the same step: a provable double vote. Returns how many were injected so far.
 */
export function injectDoubleVote(net: TestNetwork, from: string, key: BlsKeyPair): () => number {
  let injected = 0;
  net.inject = (sender, m) => {
    if (sender !== from || m.type !== MessageType.Validation || m.signed.vote.kind !== VoteKind.Valid)
      return [];
    if (injected >= 1) return [];
    injected += 1;
    const vote = voteOf(VoteKind.NoCandidate);
    const signature = blsSign(
      key.secretKey,
      voteSigningMessage(CHAIN_ID, m.signed.header, StepKind.Validation, vote),
    );
    return [{ type: MessageType.Validation, signed: { ...m.signed, vote, signature } }];
  };
  return () => injected;
}

export const SEED = "test-seed";
export const CHAIN_ID = "test-chain";
export const GENESIS_TIME_MS = 1_700_000_000_000;

const genesisCache = new Map<number, Genesis>();

export function testGenesis(provisioners: number): Genesis {
  let g = genesisCache.get(provisioners);
  if (g === undefined) {
    g = parseGenesis(
      devGenesisJson({
        seed: SEED,
        chainId: CHAIN_ID,
        provisioners,
        accounts: 8,
        timestampMs: GENESIS_TIME_MS,
      }),
    );
    genesisCache.set(provisioners, g);
  }
  return g;
}

interface Envelope {
  readonly from: string;
  readonly to: string;
  readonly bytes: Uint8Array;
}

export interface LogEntry {
  readonly node: string;
  readonly level: LogLevel;
  readonly event: string;
  readonly data?: Record<string, unknown>;
}

export class TestNetwork {
  readonly clock = new StoppedClock(GENESIS_TIME_MS);
  readonly nodes = new Map<string, NodeApi>();
  readonly stores = new Map<string, MemoryChainStore>();
  readonly logs: LogEntry[] = [];
  private readonly queue: Envelope[] = [];
  /** Links that drop everything (both directions), e.g. to isolate a node. */
  readonly down = new Set<string>();
  /** Drops single messages the test chooses (by sender, receiver and decoded message). */
  drop: ((from: string, to: string, message: Message) => boolean) | null = null;
  /** Extra messages a (byzantine) node broadcasts after each of its own. */
  inject: ((from: string, message: Message) => Message[]) | null = null;
  delivered = 0;
  /** Provisioner keys of nodes beyond the genesis ones (staked later), by node index. */
  readonly extraKeys = new Map<number, BlsKeyPair>();

  constructor(
    readonly genesis: Genesis,
    readonly ids: string[],
  ) {}

  static async start(provisioners: number, nodes = provisioners): Promise<TestNetwork> {
    const ids = Array.from({ length: nodes }, (_, i) => `node-${i}`);
    const net = new TestNetwork(testGenesis(provisioners), ids);
    for (let i = 0; i < nodes; i++) await net.open(i);
    return net;
  }

  transportFor(id: string): Transport {
    return {
      broadcast: (bytes) => {
        const extra = this.inject === null ? [] : this.inject(id, decodeMessage(bytes)).map(encodeMessage);
        for (const b of [bytes, ...extra]) {
          for (const other of this.ids) if (other !== id) this.queue.push({ from: id, to: other, bytes: b });
        }
      },
      send: (peer, bytes) => {
        this.queue.push({ from: id, to: peer, bytes });
      },
      peers: () => this.ids.filter((other) => other !== id && !this.down.has(other) && !this.down.has(id)),
    };
  }

  /** Opens (or re-opens after a crash, from its store) node i. */
  async open(i: number, store = this.stores.get(`node-${i}`) ?? new MemoryChainStore()): Promise<NodeApi> {
    const id = `node-${i}`;
    this.stores.set(id, store);
    const node = await openNode(
      {
        genesis: this.genesis,
        provisionerKey:
          i < this.genesis.provisioners.length ? devProvisionerKey(SEED, i) : (this.extraKeys.get(i) ?? null),
      },
      {
        clock: this.clock,
        store,
        transport: this.transportFor(id),
        txVerifier: new NobleSignatureVerifier(),
        log: (level, event, data) => {
          this.logs.push(data === undefined ? { node: id, level, event } : { node: id, level, event, data });
        },
      },
    );
    this.nodes.set(id, node);
    return node;
  }

  /** Drops a node from the network (its store survives, as after kill -9). */
  crash(i: number): void {
    this.nodes.delete(`node-${i}`);
  }

  node(i: number): NodeApi {
    const n = this.nodes.get(`node-${i}`);
    if (n === undefined) throw new Error(`node-${i} is down`);
    return n;
  }

  /** Delivers queued messages, then jumps the clock to the next wake-up; one step. */
  async step(): Promise<void> {
    while (this.queue.length > 0) {
      const e = this.queue.shift()!;
      const target = this.nodes.get(e.to);
      if (target === undefined || this.down.has(e.to) || this.down.has(e.from) || !this.nodes.has(e.from))
        continue;
      if (this.drop?.(e.from, e.to, decodeMessage(e.bytes))) continue;
      this.delivered += 1;
      await target.onMessage(e.from, e.bytes);
    }
    let next = Number.POSITIVE_INFINITY;
    for (const n of this.nodes.values()) {
      const w = n.nextWakeMs();
      if (w !== null && w < next) next = w;
    }
    if (!Number.isFinite(next)) throw new Error("network is idle: no node has anything scheduled");
    if (next > this.clock.now()) this.clock.set(next);
    for (const n of this.nodes.values()) {
      const w = n.nextWakeMs();
      if (w !== null && w <= this.clock.now()) await n.onTimer();
    }
  }

  /** Steps until `done()` or until virtual time passes `maxMs`; returns whether done. */
  async runUntil(done: () => boolean, maxMs: number): Promise<boolean> {
    const end = this.clock.now() + maxMs;
    while (!done()) {
      if (this.clock.now() > end) return false;
      await this.step();
    }
    return true;
  }

  heights(): number[] {
    return [...this.nodes.values()].map((n) => n.status().height);
  }
}
