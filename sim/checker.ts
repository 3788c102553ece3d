/**
 * The properties every simulated run must keep, checked from the outside through `NodeApi`:
 *
 *   safety    never two different Final blocks at one height across honest nodes; a block once
 *             seen Final on a node never changes, loses its label or disappears (restarts
 *             included); a node's finalized height never goes down.
 *   validity  the Final chain links by parent hash from genesis and every block re-executes,
 *             from the genesis state, to its header's state root and gas used
 *             (workers/executor/execute-block.ts, independent of any node's state).
 * Liveness and bounded memory are checked by the simulator loop (simulator.ts), which knows
 * when the network is calm and what each queue's bound is.
 */

import { type Block, blockHash } from "../protocol/block.js";
import { bytesEqual, toHex } from "../protocol/bytes.js";
import type { SignatureVerifier } from "../protocol/ed25519.js";
import { type Genesis, genesisBlock, genesisHash, genesisState } from "../protocol/genesis.js";
import { blockIncentives } from "../workers/consensus/incentives.js";
import type { NodeApi } from "../workers/consensus/node-api.js";
import { Label } from "../workers/consensus/ports.js";
import { RoundCommittees } from "../workers/consensus/round-committees.js";
import { executeTransactions } from "../workers/executor/execute-block.js";
import type { QuorumChecker } from "./quorum-checker.js";

interface NodeRecord {
  finalized: number;
  /** Highest tip height seen (for the time-to-accept measure). */
  tip: number;
  lastProgressMs: number;
  readonly hashes: Map<number, string>;
  /** Blocks already given to the quorum checks (height -> hash), a sliding window. */
  readonly checked: Map<number, string>;
}

export class FinalityChecker {
  private readonly records = new Map<string, NodeRecord>();
  /** The Final chain as first seen by any honest node. */
  private readonly finalChain = new Map<number, { hash: string; block: Block; node: string }>();
  private finalitySumMs = 0;
  private finalityCount = 0;
  private acceptSumMs = 0;
  private acceptCount = 0;

  constructor(
    private readonly genesis: Genesis,
    private readonly verifier: SignatureVerifier,
    private readonly now: () => number,
    private readonly fail: (violation: string) => void,
    /** Quorum checks on every accepted block (quorum-checker.ts); null to skip them. */
    private readonly quorums: QuorumChecker | null = null,
  ) {}

  private record(node: string): NodeRecord {
    let r = this.records.get(node);
    if (r === undefined) {
      r = { finalized: 0, tip: 0, lastProgressMs: this.now(), hashes: new Map(), checked: new Map() };
      this.records.set(node, r);
    }
    return r;
  }

  finalizedOf(node: string): number {
    return this.records.get(node)?.finalized ?? 0;
  }

  lastProgressMs(node: string): number {
    return this.record(node).lastProgressMs;
  }

  /** Mean over (honest node, block) of the time from the block's timestamp to that node seeing it Final. */
  meanTimeToFinalityMs(): number | null {
    return this.finalityCount === 0 ? null : this.finalitySumMs / this.finalityCount;
  }

  meanTimeToAcceptMs(): number | null {
    return this.acceptCount === 0 ? null : this.acceptSumMs / this.acceptCount;
  }

  /** Picks up blocks that became Final on `node` since the last look. */
  observe(node: string, api: NodeApi): void {
    const r = this.record(node);
    const status = api.status();
    for (let h = r.tip + 1; h <= status.height; h++) {
      const view = api.blockByHeight(h);
      if (view === undefined) break;
      this.acceptSumMs += this.now() - view.block.header.timestampMs;
      this.acceptCount += 1;
      r.tip = h;
      this.checkQuorums(node, api, h);
    }
    const f = status.finalizedHeight;
    if (f < r.finalized) {
      this.fail(`safety: ${node}'s finalized height went down from ${r.finalized} to ${f}`);
      return;
    }
    for (let h = r.finalized + 1; h <= f; h++) {
      const view = api.blockByHeight(h);
      if (view === undefined) {
        this.fail(`safety: ${node} reports finalized height ${f} but has no block ${h}`);
        return;
      }
      if (view.label !== Label.Final) {
        this.fail(`safety: ${node} reports finalized height ${f} but labels block ${h} ${Label[view.label]}`);
        return;
      }
      const hex = toHex(view.hash);
      const known = this.finalChain.get(h);
      if (known === undefined) this.finalChain.set(h, { hash: hex, block: view.block, node });
      else if (known.hash !== hex) {
        this.fail(
          `safety: two different Final blocks at height ${h}: ${known.hash.slice(0, 16)} on ${known.node}, ` +
            `${hex.slice(0, 16)} on ${node}`,
        );
        return;
      }
      r.hashes.set(h, hex);
      this.finalitySumMs += this.now() - view.block.header.timestampMs;
      this.finalityCount += 1;
    }
    if (f > r.finalized) r.lastProgressMs = this.now();
    r.finalized = f;
  }

  private checkQuorums(node: string, api: NodeApi, h: number): void {
    if (this.quorums === null) return;
    const view = api.blockByHeight(h);
    if (view === undefined) return;
    const hex = toHex(view.hash);
    const r = this.record(node);
    if (r.checked.get(h) === hex) return;
    r.checked.set(h, hex);
    r.checked.delete(h - 64);
    const parent = h >= 1 ? (api.blockByHeight(h - 1)?.block ?? null) : null;
    const grand = h >= 2 ? (api.blockByHeight(h - 2)?.block ?? null) : null;
    this.quorums.onBlock(node, view.block, hex, parent, grand);
  }

  /** Everything `node` ever showed as Final must still be there, unchanged and Final. */
  recheck(node: string, api: NodeApi): void {
    const r = this.record(node);
    const f = api.status().finalizedHeight;
    if (f < r.finalized) {
      this.fail(`safety: ${node}'s finalized height went down from ${r.finalized} to ${f}`);
      return;
    }
    for (const [h, hex] of r.hashes) {
      const view = api.blockByHeight(h);
      if (view === undefined || toHex(view.hash) !== hex || view.label !== Label.Final) {
        this.fail(
          `safety: Final block ${h} (${hex.slice(0, 16)}) on ${node} was reverted: now ` +
            (view === undefined
              ? "missing"
              : `${toHex(view.hash).slice(0, 16)} labelled ${Label[view.label]}`),
        );
        return;
      }
    }
    // A fork choice may have replaced non-final blocks below the highest tip seen.
    const tip = api.status().height;
    for (let h = Math.max(1, f + 1); h <= Math.min(tip, r.tip); h++) this.checkQuorums(node, api, h);
    this.observe(node, api);
  }

  /**
   * Replays the Final chain from genesis and checks every state root. Rewards follow from
   * committees of the genesis provisioner set (the simulator turns slashing off, so it never
   * changes).
   */
  async checkValidity(): Promise<void> {
    const g = this.genesis;
    const state = genesisState(g);
    let prev = genesisHash(g);
    const provisioners = g.provisioners.filter((p) => p.stake >= g.params.consensus.minimumStake);
    const committeesOf = (round: number, seed: Uint8Array) =>
      new RoundCommittees(round, seed, provisioners, g.params.consensus);
    for (let h = 1; ; h++) {
      const entry = this.finalChain.get(h);
      if (entry === undefined) return;
      const block = entry.block;
      if (!bytesEqual(block.header.prevHash, prev)) {
        this.fail(`validity: Final block ${h} does not link to Final block ${h - 1}`);
        return;
      }
      const parent = h === 1 ? genesisBlock(g) : this.finalChain.get(h - 1)!.block;
      const grand = h <= 2 ? genesisBlock(g) : this.finalChain.get(h - 2)!.block;
      try {
        const result = await executeTransactions(state, block.transactions, {
          chainId: g.chainId,
          params: g.params.execution,
          verifier: this.verifier,
          block: { height: block.header.height, timestampMs: block.header.timestampMs },
          consensus: g.params.consensus,
          incentives: (fees) =>
            blockIncentives(
              block.header,
              block.faults,
              fees,
              committeesOf(h, parent.header.seed),
              h === 1
                ? null
                : { committees: committeesOf(h - 1, grand.header.seed), iteration: parent.header.iteration },
              g.devFund,
            ),
        });
        if (!bytesEqual(result.stateRoot, block.header.stateRoot)) {
          this.fail(`validity: Final block ${h} re-executes to another state root than its header's`);
          return;
        }
        if (result.gasUsed !== block.header.gasUsed) {
          this.fail(
            `validity: Final block ${h} re-executes to gas ${result.gasUsed}, header says ${block.header.gasUsed}`,
          );
          return;
        }
        state.commit(result.overlay);
      } catch (e) {
        this.fail(`validity: Final block ${h} does not re-execute: ${String(e)}`);
        return;
      }
      prev = blockHash(block);
    }
  }
}
