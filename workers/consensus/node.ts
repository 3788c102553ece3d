/**
 * A node: chain, mempool and consensus wired together behind `NodeApi`. Pure: the clock,
 * storage, transport and transaction-signature verifier are injected (ports.ts), so the same
 * code runs in a Durable Object, in a Node host and in the simulator.
 *
 * Every entry point runs through one serial queue (bounded), so handlers never interleave even
 * though some of them await (WebCrypto verification, candidate execution).
 */

import type { Attestation } from "../../protocol/attestation.js";
import { StepKind, VoteKind, voteSigningMessage } from "../../protocol/attestation.js";
import {
  type Block,
  blockHash,
  decodeBlock,
  encodeBlock,
  faultsRoot,
  headerHash,
  transactionsRoot,
} from "../../protocol/block.js";
import { BLS_SIGNATURE_BYTES, PublicKeyCache } from "../../protocol/bls.js";
import { bytesEqual, toHex, utf8 } from "../../protocol/bytes.js";
import { isProtocolError, ProtocolError } from "../../protocol/errors.js";
import { type FaultProof, faultKey, faultSlot } from "../../protocol/fault.js";
import { genesisHash } from "../../protocol/genesis.js";
import { domainHash, hash } from "../../protocol/hash.js";
import { DEFAULT_MEMPOOL_OPTIONS, Mempool } from "../../protocol/mempool.js";
import { decodeMessage, encodeMessage, type Message, MessageType, roundOf } from "../../protocol/messages.js";
import { LIMITS } from "../../protocol/params.js";
import { type BlockIncentives, type StakeRecord, stakeWeight } from "../../protocol/stake.js";
import type { Account } from "../../protocol/state.js";
import { decodeTransaction, type Transaction, TxKind, transactionIdHex } from "../../protocol/transaction.js";
import { checkAffordable, checkTransferStatic } from "../../protocol/transfer.js";
import { checkContractAdmission } from "../executor/contracts/admission.js";
import {
  applyTransactions,
  type ExecutionResult,
  executeTransactions,
  verifyTransactionSignatures,
} from "../executor/execute-block.js";
import { admitShielded } from "../executor/shielded.js";
import { Chain, type SlashView } from "./chain.js";
import { Consensus, type ConsensusHost, type RoundInput } from "./consensus.js";
import { ContractQueries } from "./contract-queries.js";
import { checkFault, type FaultContext, missedGenerations } from "./fault-rules.js";
import { labelOfHeader } from "./finality.js";
import { blockIncentives, type IncentiveHeader } from "./incentives.js";
import type { BlockView, NodeApi, NodeStatus, ResourceUsage, TransactionView } from "./node-api.js";
import type { Logger, NodeDeps, NodeOptions } from "./node-options.js";
import { Label } from "./ports.js";
import { PreverifiedProofs } from "./proof-service.js";
import { RoundCommittees } from "./round-committees.js";
import { verifySeed } from "./seed.js";
import { ShieldedQueries } from "./shielded-queries.js";
import { type GuardHalt, type Interchange, SigningGuard } from "./signing-guard.js";
import type { Provisioner } from "./sortition.js";
import { verifyAttestation } from "./step-votes-verifier.js";
import { DEFAULT_SYNC_OPTIONS, SyncPipeline, type SyncProgress } from "./sync.js";
import { collectRunClaims } from "./sync-claims.js";
import { PreverifiedVoteCrypto, verifyClaims } from "./sync-signatures.js";
import { BlsVoteCrypto } from "./vote-crypto.js";

/** Most events waiting in the serial queue; beyond it peer messages are dropped. */
const MAX_QUEUED_EVENTS = 2_048;
/** How long a block request may stay unanswered before another may be sent. */
const SYNC_REQUEST_TIMEOUT_MS = 2_000;
/** Executed candidates kept per round (one per iteration at most). */
const MAX_EXECUTED_CANDIDATES = 64;
const META_ITERATION = "consensus/iteration";
const META_CANDIDATE = "consensus/candidate";
const META_GENERATED = "duties/generated";
/** Peers each first-seen message is relayed to. */
const RELAY_FANOUT = 3;
/** Message hashes remembered for de-duplication (a few rounds of a 64-member committee). */
const MAX_SEEN_MESSAGES = 8_192;
/** Fault proofs waiting for inclusion. */
const MAX_PENDING_FAULTS = 64;
/** Committees of recent rounds kept (fault checks look back at most faultWindowRounds). */
const MAX_CACHED_COMMITTEES = 16;
/** Rounds ahead of the current one beyond which a message is logged as far-future. */
const FAR_FUTURE_ROUNDS = LIMITS.blocksPerRequest;
/** Next-round messages kept for replay (a round's worth for a 64-member committee and more). */
const MAX_EARLY_MESSAGES = 512;
/** Slashes listed per provisioner by `stakeInfo`. */
const MAX_LISTED_SLASHES = 32;

export interface Duties {
  readonly proposals: number;
  readonly validationVotes: number;
  readonly ratificationVotes: number;
  readonly blocksGenerated: number;
  /** Set when a doppelganger halted signing (signing-guard.ts). */
  readonly halted: GuardHalt | null;
}

function u64Bytes(n: number): Uint8Array {
  const v = new Uint8Array(8);
  new DataView(v.buffer).setBigUint64(0, BigInt(n), true);
  return v;
}

export interface StakeInfo {
  readonly record: StakeRecord;
  readonly eligible: boolean;
  /** Sortition weight in the next round (0 when immature, suspended or below the minimum). */
  readonly weight: bigint;
  readonly slashes: readonly SlashView[];
}

/** Signature claims batch-verified at once (a 64-block response has about 4 per block). */
const MAX_SYNC_CLAIMS = 1_024;

const noLog: Logger = () => {};

export async function openNode(options: NodeOptions, deps: NodeDeps): Promise<NodeApi> {
  const node = new Node(options, deps);
  node.resume();
  return node;
}

export class Node implements NodeApi, ConsensusHost {
  readonly chainId: string;
  readonly params;
  /** The vote scheme, with claims a sync batch proved (sync-signatures.ts). */
  readonly crypto: PreverifiedVoteCrypto;
  readonly guard: SigningGuard | null;
  readonly log: Logger;
  private readonly chain: Chain;
  private readonly mempool: Mempool;
  private readonly consensus: Consensus;
  private readonly genesisHashHex: string;
  private readonly executed = new Map<string, ExecutionResult>();
  /** Shielded proofs the proof service accepted, waiting for execution to ask (bounded). */
  private readonly preverified = new PreverifiedProofs();
  private queue: Promise<unknown> = Promise.resolve();
  private queued = 0;
  private sync: { peer: string; deadline: number } | null = null;
  /** Pipelined catch-up (sync.ts): ranges in flight, early responses, progress. */
  private readonly syncPipe = new SyncPipeline(DEFAULT_SYNC_OPTIONS);
  /** Batched sync verification runs for BLS only (the simulator's fast scheme checks per block). */
  private readonly batchSync: boolean;
  private readonly syncKeys = new PublicKeyCache(1_024);
  /** Secret salt of the batch scalars: a peer cannot predict them (sync-signatures.ts). */
  private readonly syncSalt: Uint8Array;
  private pendingQuorum: { round: number; attestation: Attestation } | null = null;
  /**
   * Consensus messages for the next round that arrived before this node committed the current
   * one (a faster peer already moved on); replayed once the round starts. Bounded.
   */
  private early: Array<{ peer: string; message: Message }> = [];
  private peerCursor = 0;
  /** Id (hash hex) of the peer message being handled, for logs. */
  private handlingId = "";
  /** Fault proofs seen and checked, waiting for a block of this node's to carry them. */
  private readonly pendingFaults = new Map<string, FaultProof>();
  private readonly committeeCache = new Map<string, RoundCommittees>();
  /** Hashes of messages already received (bounded, oldest forgotten first). */
  private readonly seen = new BoundedSet(MAX_SEEN_MESSAGES);
  /** Blocks of this node's key accepted on this chain (restarts included). */
  private blocksGenerated = 0;

  constructor(
    private readonly options: NodeOptions,
    private readonly deps: NodeDeps,
  ) {
    const g = options.genesis;
    this.chainId = g.chainId;
    this.params = g.params.consensus;
    this.log = deps.log ?? noLog;
    this.chain = Chain.open(g, deps.store);
    this.genesisHashHex = toHex(genesisHash(g));
    this.mempool = new Mempool(options.mempool ?? DEFAULT_MEMPOOL_OPTIONS);
    this.batchSync = deps.voteCrypto === undefined || deps.voteCrypto instanceof BlsVoteCrypto;
    this.crypto = new PreverifiedVoteCrypto(deps.voteCrypto ?? new BlsVoteCrypto(), MAX_SYNC_CLAIMS);
    // Without a provisioner key (a follower) the salt is only as secret as its start time.
    this.syncSalt = domainHash(
      "sync-salt",
      options.provisionerKey?.secretKey ?? utf8.encode(`${this.genesisHashHex}/${deps.clock.now()}`),
    );
    this.guard =
      options.provisionerKey === null
        ? null
        : new SigningGuard(options.provisionerKey, deps.store, this.crypto);
    this.consensus = new Consensus(this);
    const generated = deps.store.getMeta(META_GENERATED);
    if (generated !== undefined && generated.length === 8)
      this.blocksGenerated = Number(
        new DataView(generated.buffer, generated.byteOffset, 8).getBigUint64(0, true),
      );
  }

  exportSlashingProtection(): Interchange | null {
    return this.guard?.exportInterchange(this.genesisHashHex) ?? null;
  }

  importSlashingProtection(doc: unknown): { imported: number; watermark: number } {
    if (this.guard === null) throw new Error("this node holds no provisioner key");
    return this.guard.importInterchange(doc, this.genesisHashHex);
  }

  resumeSigning(): boolean {
    if (this.guard?.halted == null) return false;
    this.guard.resume();
    this.log("warn", "signing-resumed", {});
    return true;
  }

  /** What this node's provisioner key did (operator status, metrics); null without a key. */
  duties(): Duties | null {
    if (this.guard === null) return null;
    return { ...this.guard.signed, blocksGenerated: this.blocksGenerated, halted: this.guard.halted };
  }

  /** Starts the round above the stored tip, at the iteration persisted before a restart. */
  resume(): void {
    this.startRound(true);
  }

  now(): number {
    return this.deps.clock.now();
  }

  broadcast(message: Message): void {
    this.deps.transport.broadcast(encodeMessage(message));
  }

  // ---- NodeApi --------------------------------------------------------------------------

  onMessage(peer: string, bytes: Uint8Array): Promise<void> {
    if (this.queued >= MAX_QUEUED_EVENTS) {
      this.log("warn", "peer-message-dropped", { peer, reason: "queue full", limit: MAX_QUEUED_EVENTS });
      return Promise.resolve();
    }
    return this.serial(async () => {
      // A copy seen before is not relayed again. It is still handled: a message that meant
      // nothing when it first came (a quorum for a branch not known yet) can matter later, and
      // the handlers drop real duplicates cheaply (no signature is checked twice).
      const id = toHex(hash(bytes));
      const firstCopy = !this.seen.has(id);
      if (firstCopy) this.seen.add(id);
      let message: Message;
      try {
        message = decodeMessage(bytes);
      } catch (e) {
        this.log("warn", "peer-message-malformed", {
          peer,
          code: isProtocolError(e) ? e.code : "UNKNOWN",
          error: String(e),
        });
        return;
      }
      if (firstCopy && this.options.relay !== false && this.shouldRelay(message)) this.relay(peer, id, bytes);
      try {
        this.handlingId = id;
        await this.handle(peer, message);
        this.handlingId = "";
        await this.replayEarly();
      } catch (e) {
        this.log("error", "peer-message-failed", { peer, type: MessageType[message.type], error: String(e) });
      }
    });
  }

  onPeerConnected(peer: string): Promise<void> {
    return this.serial(async () => this.requestBlocks(peer, true));
  }

  onTimer(): Promise<void> {
    return this.serial(async () => {
      if (this.sync !== null && this.now() >= this.sync.deadline) {
        this.sync = null;
        if (this.pendingQuorum !== null) this.requestBlocks(this.nextPeer(), true);
      }
      const due = this.syncPipe.nextDeadline();
      if (due !== null && this.now() >= due) this.planSync();
      await this.consensus.tick();
      await this.replayEarly();
    });
  }

  nextWakeMs(): number | null {
    const c = this.consensus.nextWakeMs();
    const pipe = this.syncPipe.nextDeadline();
    const own = this.sync?.deadline ?? null;
    const s = own === null ? pipe : pipe === null ? own : Math.min(own, pipe);
    if (c === null) return s;
    if (s === null) return c;
    return Math.min(c, s);
  }

  async submitTransaction(bytes: Uint8Array): Promise<{ id: string }> {
    let tx: Transaction;
    try {
      tx = decodeTransaction(bytes);
    } catch (e) {
      if (isProtocolError(e) && e.code.startsWith("DECODE_")) {
        throw new ProtocolError("TX_MALFORMED", `malformed transaction: ${e.message}`, {
          ...e.data,
          cause: e.code,
        });
      }
      throw e;
    }
    await this.checkTransaction(tx);
    if (this.deps.proofService !== undefined) {
      await this.preverified.prepare(
        this.deps.proofService,
        [tx],
        this.chainId,
        this.options.genesis.params.execution,
      );
    }
    const id = await this.serial(async () => this.addToMempool(tx));
    this.broadcast({ type: MessageType.Transaction, tx });
    return { id };
  }

  /**
   * Gas price to offer: the chain minimum, or, when the next block would be full of pooled
   * transactions, one above the lowest price that still made it in.
   */
  gasPrice(): { minimum: bigint; suggested: bigint } {
    const exec = this.options.genesis.params.execution;
    const selected = this.mempool.select(this.chain.state, exec);
    const gas = selected.reduce((n, tx) => n + tx.gasLimit, 0n);
    const full = selected.length >= exec.maxBlockTransactions || gas + exec.transferGas > exec.blockGasLimit;
    let lowest: bigint | undefined;
    for (const tx of selected) if (lowest === undefined || tx.gasPrice < lowest) lowest = tx.gasPrice;
    lowest ??= exec.minGasPrice;
    return { minimum: exec.minGasPrice, suggested: full ? lowest + 1n : exec.minGasPrice };
  }

  status(): NodeStatus {
    return {
      chainId: this.chainId,
      genesisHash: this.genesisHashHex,
      nodeId: this.guard === null ? "" : toHex(this.guard.key.publicKey),
      height: this.chain.tip.height,
      finalizedHeight: this.chain.finalizedHeight,
      round: this.consensus.round,
      iteration: this.consensus.iteration,
      mempoolSize: this.mempool.size,
      syncing: this.sync !== null || this.syncPipe.active,
      peers: this.deps.transport.peers().length,
      sync: this.syncProgress(),
    };
  }

  blockByHeight(height: number): BlockView | undefined {
    const stored = this.chain.blockAt(height);
    if (stored === undefined) return undefined;
    return {
      block: decodeBlockStored(stored.bytes),
      hash: stored.hash,
      label: this.chain.labelOf(height) ?? stored.label,
    };
  }

  blockByHash(hash: Uint8Array): BlockView | undefined {
    const stored = this.chain.blockByHash(hash);
    return stored === undefined ? undefined : this.blockByHeight(stored.height);
  }

  account(address: Uint8Array): Account {
    return this.chain.state.getAccount(address);
  }

  transaction(id: string): TransactionView | undefined {
    const pending = this.mempool.get(id);
    if (pending !== undefined) return { tx: pending, status: "pending" };
    const height = this.chain.transactionHeight(id);
    if (height === undefined) return undefined;
    const view = this.blockByHeight(height);
    const tx = view?.block.transactions.find((t) => transactionIdHex(t) === id);
    if (view === undefined || tx === undefined) return undefined;
    const receipt = this.contracts.receipt(id);
    return {
      tx,
      status: "included",
      height,
      label: view.label,
      ...(receipt === undefined ? {} : { receipt }),
    };
  }

  /** Contract records, storage, events and read-only calls over the committed chain. */
  get contracts(): ContractQueries {
    return new ContractQueries(this.chain, this.chainId, this.options.genesis.params.execution);
  }

  /** Note tree, note index and nullifier set (docs/SHIELDED.md). */
  get shielded(): ShieldedQueries {
    return new ShieldedQueries(this.chain, this.options.genesis.params.execution);
  }

  resourceUsage(): ResourceUsage {
    const mempool = this.options.mempool ?? DEFAULT_MEMPOOL_OPTIONS;
    return {
      eventQueue: { size: this.queued, limit: MAX_QUEUED_EVENTS },
      earlyMessages: { size: this.early.length, limit: MAX_EARLY_MESSAGES },
      executedCandidates: { size: this.executed.size, limit: MAX_EXECUTED_CANDIDATES },
      mempool: { size: this.mempool.size, limit: mempool.maxTransactions },
      seenMessages: { size: this.seen.size, limit: MAX_SEEN_MESSAGES },
      pendingFaults: { size: this.pendingFaults.size, limit: MAX_PENDING_FAULTS },
      ...this.consensus.resourceUsage(),
    };
  }

  /**
   * Gossip: the first copy of a message goes on to RELAY_FANOUT peers other than its sender,
   * chosen by hashing the message id with each peer id (deterministic, different per message),
   * so a lost copy is made up by others at a cost of about RELAY_FANOUT copies per node.
   */
  private relay(from: string, id: string, bytes: Uint8Array): void {
    const ranked = this.deps.transport
      .peers()
      .filter((p) => p !== from)
      .map((p) => ({ p, rank: toHex(hash(utf8.encode(`${id}/${p}`))) }))
      .sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0));
    for (const { p } of ranked.slice(0, RELAY_FANOUT)) this.deps.transport.send(p, bytes);
  }

  /** Consensus messages of the current or next round, and transactions, are relayed once. */
  private shouldRelay(m: Message): boolean {
    if (m.type === MessageType.Transaction) return true;
    const round = roundOf(m);
    const current = this.chain.tip.height + 1;
    return round === current || round === current + 1;
  }

  // ---- ConsensusHost --------------------------------------------------------------------

  async validateCandidate(block: Block): Promise<boolean> {
    try {
      await this.checkBlock(block, true);
      return true;
    } catch (e) {
      this.log("warn", "candidate-invalid", {
        round: block.header.height,
        iteration: block.header.iteration,
        code: isProtocolError(e) ? e.code : "UNKNOWN",
        error: String(e),
      });
      return false;
    }
  }

  async buildCandidate(
    round: RoundInput,
    iteration: number,
    seed: Uint8Array,
    failedIterations: readonly (Attestation | null)[],
  ): Promise<Block> {
    const tip = this.chain.tip;
    const exec = this.options.genesis.params.execution;
    let txs = this.mempool.select(this.chain.state, exec);
    let result: ExecutionResult | null = null;
    const timestampMs = Math.max(this.now(), tip.block.header.timestampMs + this.params.minBlockTimeMs);
    const blockCtx = { height: round.round, timestampMs };
    const faults = this.faultsToInclude(round.round);
    const generator = this.guard!.key.publicKey;
    const prevAttestation = tip.height === 0 ? null : this.chain.tipAttestation;
    const incentives = this.incentivesOf(
      { height: round.round, generator, prevAttestation, failedIterations },
      faults,
    );
    // Mempool signatures were verified at admission. Drop transactions that no longer execute
    // (the selection is conservative, so this is rare); at most one retry per transaction.
    for (let attempt = 0; attempt <= txs.length; attempt++) {
      try {
        result = applyTransactions(this.chain.state, txs, {
          chainId: this.chainId,
          params: exec,
          block: blockCtx,
          consensus: this.params,
          incentives,
        });
        break;
      } catch (e) {
        const index = isProtocolError(e) ? e.data.index : undefined;
        if (typeof index !== "number") throw e;
        this.log("warn", "candidate-dropped-transaction", {
          code: isProtocolError(e) ? e.data.cause : undefined,
        });
        this.mempool.remove(transactionIdHex(txs[index]!));
        txs = txs.filter((_, i) => i !== index);
      }
    }
    if (result === null) throw new Error("could not build a candidate");
    const header = {
      version: 1,
      height: round.round,
      timestampMs,
      prevHash: tip.hash,
      seed,
      generator,
      txRoot: transactionsRoot(txs),
      stateRoot: result.stateRoot,
      faultRoot: faultsRoot(faults),
      gasUsed: result.gasUsed,
      iteration,
      prevAttestation,
      failedIterations,
      signature: new Uint8Array(BLS_SIGNATURE_BYTES),
    };
    this.remember(toHex(headerHash(header)), result);
    return { header, transactions: txs, faults };
  }

  async accept(block: Block, attestation: Attestation): Promise<void> {
    const hash = toHex(blockHash(block));
    const result = this.executed.get(hash);
    if (result === undefined) throw new Error(`accepted block ${hash} was never executed here`);
    this.commit(block, result, attestation);
    this.startRound(false);
  }

  reportFault(proof: FaultProof): void {
    const key = faultKey(proof);
    if (this.pendingFaults.has(key) || this.chain.hasFault(key)) return;
    if (this.pendingFaults.size >= MAX_PENDING_FAULTS) {
      const oldest = this.pendingFaults.keys().next().value;
      if (oldest !== undefined) this.pendingFaults.delete(oldest);
    }
    this.pendingFaults.set(key, proof);
  }

  /** Pending fault proofs that hold for a block at `height`, within the per-block bound. */
  private faultsToInclude(height: number): FaultProof[] {
    const out: FaultProof[] = [];
    const ctx = this.faultContext(height);
    for (const [key, proof] of this.pendingFaults) {
      if (out.length >= this.params.maxFaultsPerBlock) break;
      if (this.chain.hasFault(key)) {
        this.pendingFaults.delete(key);
        continue;
      }
      const slot = faultSlot(proof);
      if (slot.round >= height) continue; // proven from the next round on
      const problem = checkFault(proof, ctx);
      if (problem === null) out.push(proof);
      else this.pendingFaults.delete(key);
    }
    return out;
  }

  private faultContext(height: number): FaultContext {
    return {
      chainId: this.chainId,
      crypto: this.crypto,
      height,
      windowRounds: this.params.faultWindowRounds,
      hashAt: (h) => (h <= this.chain.tip.height ? this.chain.blockAt(h)?.hash : undefined),
      committeesOf: (round) => this.committeesOf(round),
    };
  }

  /** Eligible provisioners of the next round (matured, not suspended) in sortition order. */
  provisionerList(): readonly Provisioner[] {
    return this.chain.provisionersFor(this.chain.tip.height + 1);
  }

  /** A provisioner key's stake record and its slashes (RPC, operator status). */
  stakeInfo(publicKey: Uint8Array): StakeInfo | undefined {
    const record = this.chain.stakeOf(publicKey);
    if (record === undefined) return undefined;
    const round = this.chain.tip.height + 1;
    return {
      record,
      eligible: this.provisionerList().some((p) => bytesEqual(p.publicKey, publicKey)),
      weight: stakeWeight(record, round, this.params),
      slashes: this.chain.slashesOf(publicKey, MAX_LISTED_SLASHES),
    };
  }

  /** True for any key with a stake record (eligible or not): such a key may hold a peer link. */
  isStaked(publicKey: Uint8Array): boolean {
    return this.chain.isStaked(publicKey);
  }

  /**
   * Rewards and slashes of a block at the tip + 1 (protocol/stake.ts), once its fees are known:
   * committees of its own round (missed generations) and of the tip's (the attestation it carries).
   */
  private incentivesOf(
    header: IncentiveHeader,
    faults: readonly FaultProof[],
  ): (fees: bigint) => BlockIncentives {
    const tip = this.chain.tip;
    const committees = this.committeesOf(header.height);
    const parent =
      tip.height === 0
        ? null
        : { committees: this.committeesOf(tip.height), iteration: tip.block.header.iteration };
    const devFund = this.options.genesis.devFund;
    return (fees) => blockIncentives(header, faults, fees, committees, parent, devFund);
  }

  /** Generator and committees of the round in progress at its current iteration (explorer, RPC). */
  currentCommittees(): {
    round: number;
    iteration: number;
    generator: Uint8Array;
    validation: ReadonlyArray<{ publicKey: Uint8Array; credits: number }>;
    ratification: ReadonlyArray<{ publicKey: Uint8Array; credits: number }>;
  } {
    const { round, iteration } = this.status();
    const c = this.committeesOf(round);
    return {
      round,
      iteration,
      generator: c.generator(iteration),
      validation: c.committee(iteration, StepKind.Validation).members,
      ratification: c.committee(iteration, StepKind.Ratification).members,
    };
  }

  /** Committees of a round of this chain (seeded by its block round - 1), cached. */
  private committeesOf(round: number): RoundCommittees {
    const below = this.chain.blockAt(round - 1);
    if (below === undefined) throw new Error(`no block ${round - 1} to seed round ${round}`);
    const key = `${round}/${toHex(below.hash)}`;
    let c = this.committeeCache.get(key);
    if (c === undefined) {
      const seed =
        round - 1 === this.chain.tip.height
          ? this.chain.tip.block.header.seed
          : decodeBlock(below.bytes).header.seed;
      const provisioners = this.chain.provisionersFor(round);
      // Keys are checked (and kept decoded) once they can be elected.
      for (const p of provisioners) this.crypto.checkPublicKey(p.publicKey);
      c = new RoundCommittees(round, seed, provisioners, this.params);
      if (this.committeeCache.size >= MAX_CACHED_COMMITTEES) {
        const oldest = this.committeeCache.keys().next().value;
        if (oldest !== undefined) this.committeeCache.delete(oldest);
      }
      this.committeeCache.set(key, c);
    }
    return c;
  }

  missingCandidate(round: number, attestation: Attestation): void {
    this.pendingQuorum = { round, attestation };
    this.requestBlocks(this.nextPeer(), true);
  }

  persistIteration(round: number, iteration: number): void {
    const value = new Uint8Array(12);
    const view = new DataView(value.buffer);
    view.setBigUint64(0, BigInt(round), true);
    view.setUint32(8, iteration, true);
    this.deps.store.transaction(() => this.deps.store.putMeta(META_ITERATION, value));
  }

  persistCandidate(block: Block): void {
    // Only a restart's re-send depends on it: a failed write must not stop the candidate.
    try {
      this.deps.store.transaction(() => this.deps.store.putMeta(META_CANDIDATE, encodeBlock(block)));
    } catch (e) {
      this.log("warn", "candidate-not-stored", { round: block.header.height, error: String(e) });
    }
  }

  persistedCandidate(round: number, iteration: number, prevHash: Uint8Array): Block | null {
    const bytes = this.deps.store.getMeta(META_CANDIDATE);
    if (bytes === undefined) return null;
    const block = decodeBlock(bytes);
    const h = block.header;
    return h.height === round && h.iteration === iteration && bytesEqual(h.prevHash, prevHash) ? block : null;
  }

  // ---- internals ------------------------------------------------------------------------

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    this.queued += 1;
    const run = this.queue.then(fn);
    this.queue = run.then(
      () => {
        this.queued -= 1;
      },
      () => {
        this.queued -= 1;
      },
    );
    return run;
  }

  private startRound(resuming: boolean): void {
    const tip = this.chain.tip;
    const round = tip.height + 1;
    let startIteration = 0;
    const saved = this.deps.store.getMeta(META_ITERATION);
    if (resuming && saved !== undefined && saved.length === 12) {
      const view = new DataView(saved.buffer, saved.byteOffset, 12);
      if (Number(view.getBigUint64(0, true)) === round) startIteration = view.getUint32(8, true);
    }
    this.executed.clear();
    this.pendingQuorum = null;
    this.guard?.prune(round);
    this.consensus.startRound({
      round,
      prevHash: tip.hash,
      prevSeed: tip.block.header.seed,
      prevTimestampMs: tip.block.header.timestampMs,
      committees: this.committeesOf(round),
      startIteration,
    });
    if (!resuming) this.log("debug", "round-started", { round });
  }

  private remember(hashHex: string, result: ExecutionResult): void {
    if (this.executed.size >= MAX_EXECUTED_CANDIDATES) {
      const oldest = this.executed.keys().next().value;
      if (oldest !== undefined) this.executed.delete(oldest);
    }
    this.executed.set(hashHex, result);
  }

  private commit(block: Block, result: ExecutionResult, attestation: Attestation): void {
    const missed = missedGenerations(block.header, this.committeesOf(block.header.height));
    const label = this.chain.commit(block, result.overlay, attestation, result.receipts, result.incentives);
    for (const e of result.incentives) {
      if (e.kind !== "reward")
        this.log("warn", e.kind, { height: e.height, provisioner: toHex(e.provisioner), amount: e.amount });
    }
    for (const m of missed) {
      this.log("info", "fault-missed-generation", {
        round: block.header.height,
        iteration: m.iteration,
        generator: toHex(m.generator),
      });
    }
    this.mempool.prune(this.chain.state);
    for (const f of block.faults) this.pendingFaults.delete(faultKey(f));
    if (this.guard !== null && bytesEqual(block.header.generator, this.guard.key.publicKey)) {
      this.blocksGenerated += 1;
      this.deps.store.transaction(() =>
        this.deps.store.putMeta(META_GENERATED, u64Bytes(this.blocksGenerated)),
      );
    }
    this.log("info", "block-accepted", {
      height: block.header.height,
      iteration: block.header.iteration,
      txs: block.transactions.length,
      label: Label[label],
      finalized: this.chain.finalizedHeight,
    });
  }

  /**
   * Doppelganger check: a candidate or vote signed with this node's key that its guard did not
   * sign means another machine holds the key. Signing halts (persistently) with an alert.
   */
  private watchOwnKey(m: Message): void {
    const guard = this.guard;
    if (guard === null || this.options.doppelgangerProtection === false) return;
    const mine = guard.key.publicKey;
    let slot: {
      round: number;
      iteration: number;
      step: StepKind;
      message: Uint8Array;
      signature: Uint8Array;
    } | null = null;
    if (m.type === MessageType.Candidate && bytesEqual(m.block.header.generator, mine)) {
      const h = m.block.header;
      slot = {
        round: h.height,
        iteration: h.iteration,
        step: StepKind.Proposal,
        message: headerHash(h),
        signature: h.signature,
      };
    } else if (
      (m.type === MessageType.Validation || m.type === MessageType.Ratification) &&
      bytesEqual(m.signed.signer, mine)
    ) {
      const step = m.type === MessageType.Validation ? StepKind.Validation : StepKind.Ratification;
      const { header, vote } = m.signed;
      slot = {
        round: header.round,
        iteration: header.iteration,
        step,
        message: voteSigningMessage(this.chainId, header, step, vote),
        signature: m.signed.signature,
      };
    }
    if (slot === null) return;
    // Only a message our key really signed proves a second machine: anyone can put our public
    // key on a forged vote, and that must not halt us (found by test/unit/hostile-peers.test.ts).
    if (!this.crypto.verify(mine, slot.message, slot.signature)) return;
    // Only the current and the previous round: older records may be pruned.
    if (guard.observe(slot.round, slot.iteration, slot.step, slot.message, this.chain.tip.height)) {
      this.log("error", "doppelganger-detected", {
        ...slot,
        message: undefined,
        signature: undefined,
        reason: guard.halted?.reason,
      });
    }
  }

  private async handle(peer: string, m: Message): Promise<void> {
    this.watchOwnKey(m);
    switch (m.type) {
      case MessageType.Candidate:
        if (this.routeRound(peer, m.block.header.height, m)) await this.consensus.onCandidate(m.block);
        return;
      case MessageType.Validation:
        if (this.routeRound(peer, m.signed.header.round, m)) await this.consensus.onValidationVote(m.signed);
        return;
      case MessageType.Ratification:
        if (this.routeRound(peer, m.signed.header.round, m))
          await this.consensus.onRatificationVote(m.signed, m.validation);
        return;
      case MessageType.Quorum:
        if (this.routeRound(peer, m.header.round, m)) await this.consensus.onQuorum(m.header, m.attestation);
        else if (m.header.round <= this.chain.tip.height) this.onPastQuorum(peer, m.header, m.attestation);
        return;
      case MessageType.Transaction:
        try {
          await this.checkTransaction(m.tx);
          this.addToMempool(m.tx);
        } catch (e) {
          this.log("debug", "peer-transaction-refused", {
            peer,
            code: isProtocolError(e) ? e.code : "UNKNOWN",
          });
        }
        return;
      case MessageType.GetBlocks:
        this.serveBlocks(peer, m.fromHeight, m.count);
        return;
      case MessageType.Blocks:
        await this.onBlocks(peer, m.blocks, m.tipAttestation);
        return;
    }
  }

  /**
   * True for the current round. A message for the next round is kept for replay; one from a
   * later round means this node is behind: sync.
   */
  private routeRound(peer: string, round: number, message: Message): boolean {
    const current = this.chain.tip.height + 1;
    // Observations only (the handling is the same): a message two or more rounds old is not a
    // late copy of live traffic but a replay; one far ahead is made up or this node is far behind.
    if (round < current - 1 && message.type !== MessageType.Quorum)
      this.log("debug", "message-stale", { peer, id: this.handlingId, round, current });
    else if (round > current + FAR_FUTURE_ROUNDS)
      this.log("debug", "message-far-future", { peer, round, iteration: iterationOf(message), current });
    if (round === current + 1 && this.early.length < MAX_EARLY_MESSAGES) this.early.push({ peer, message });
    if (round > current) {
      this.syncPipe.observeTarget(round - 1);
      this.requestBlocks(peer, false);
    }
    return round === current;
  }

  /** Replays kept next-round messages once their round is current; drops stale ones. */
  private async replayEarly(): Promise<void> {
    const current = this.chain.tip.height + 1;
    if (this.early.length === 0 || roundOf(this.early[0]!.message) === current + 1) return;
    const kept = this.early;
    this.early = [];
    for (const { peer, message } of kept) {
      if (roundOf(message) === current) await this.handle(peer, message);
      else if (roundOf(message) === current + 1 && this.early.length < MAX_EARLY_MESSAGES)
        this.early.push({ peer, message });
    }
  }

  private nextPeer(): string {
    const peers = this.deps.transport.peers();
    if (peers.length === 0) return "";
    this.peerCursor = (this.peerCursor + 1) % peers.length;
    return peers[this.peerCursor]!;
  }

  private requestBlocks(peer: string, force: boolean, fromHeight = this.chain.tip.height + 1): void {
    if (peer === "") return;
    if (this.sync !== null && !force && this.now() < this.sync.deadline) return;
    this.sync = { peer, deadline: this.now() + SYNC_REQUEST_TIMEOUT_MS };
    this.syncPipe.begin(this.chain.tip.height, this.now());
    const message = encodeMessage({
      type: MessageType.GetBlocks,
      fromHeight,
      count: LIMITS.blocksPerRequest,
    });
    this.deps.transport.send(peer, message);
  }

  private serveBlocks(peer: string, fromHeight: number, count: number): void {
    const blocks: Block[] = [];
    let bytes = 0;
    const tip = this.chain.tip.height;
    for (let h = fromHeight; h <= tip && blocks.length < count; h++) {
      const stored = this.chain.blockAt(h);
      if (stored === undefined) break;
      // Stay under the message limit with room for the attestation and framing.
      if (bytes + stored.bytes.length > LIMITS.messageBytes - 1_024) break;
      bytes += stored.bytes.length;
      blocks.push(decodeBlockStored(stored.bytes));
    }
    const last = blocks[blocks.length - 1];
    const tipAttestation =
      last !== undefined && last.header.height === tip ? this.chain.tipAttestation : null;
    this.deps.transport.send(peer, encodeMessage({ type: MessageType.Blocks, blocks, tipAttestation }));
  }

  /** Applies consecutive blocks from a peer, each proven by the attestation its child carries. */
  private async onBlocks(
    from: string,
    response: readonly Block[],
    responseAttestation: Attestation | null,
  ): Promise<void> {
    let [peer, blocks, tipAttestation] = [from, response, responseAttestation];
    if (this.sync?.peer === peer) this.sync = null;
    this.syncPipe.answered({ peer, blocks, tipAttestation });
    const first = blocks[0];
    if (first !== undefined && first.header.height > this.chain.tip.height) {
      // Blocks above the tip join the kept ones (a range that came early, the held last block of
      // the previous run) into one run from the tip up, once that run has begun (sync.ts).
      this.syncPipe.stash({ peer, blocks, tipAttestation });
      const run = this.syncPipe.takeRun(this.chain.tip.height);
      if (run === undefined) return;
      ({ peer, blocks, tipAttestation } = run);
      if (bytesEqual(blocks[0]!.header.prevHash, this.chain.tip.hash)) this.proveRun(blocks, tipAttestation);
    }
    let applied = 0;
    let held: readonly Block[] = [];
    let reverted = false;
    for (let i = 0; i < blocks.length; i++) {
      const block = blocks[i]!;
      const attestation = blocks[i + 1]?.header.prevAttestation ?? tipAttestation ?? this.pendingFor(block);
      const tip = this.chain.tip;
      if (block.header.height <= tip.height) {
        const outcome = this.forkChoice(peer, block, attestation, blocks.slice(i + 1));
        if (outcome === "same") continue;
        if (outcome === "ours") break;
        reverted = true; // our chain now ends just below this block, which extends it
      } else if (block.header.height !== tip.height + 1) {
        break;
      } else if (!bytesEqual(block.header.prevHash, tip.hash)) {
        // The peer's chain forked below our tip: fetch it from above the last final block, where
        // the fork choice can compare siblings.
        this.log("info", "fork-detected", { peer, height: block.header.height });
        this.requestBlocks(peer, true, this.chain.finalizedHeight + 1);
        break;
      }
      if (attestation === null) {
        held = blocks.slice(i); // waits for the child that carries its attestation
        break;
      }
      try {
        const result = await this.checkSyncedBlock(block, attestation);
        this.commit(block, result, attestation);
        applied += 1;
      } catch (e) {
        this.log("warn", "synced-block-invalid", { peer, height: block.header.height, error: String(e) });
        break;
      }
    }
    this.crypto.forget();
    if (held[0]?.header.height === this.chain.tip.height + 1)
      this.syncPipe.stash({ peer, blocks: held, tipAttestation: null });
    if (applied > 0 || reverted) {
      this.syncPipe.applied(this.chain.tip.height, this.now());
      this.log("info", "synced", { peer, blocks: applied, ...this.syncProgress() });
      this.consensus.stop();
      this.startRound(false);
      // Keep up to maxInFlight ranges in flight while a peer shows more (sync.ts decides).
      this.planSync();
    }
  }

  /** Sends the pipeline's block requests (sync.ts) to peers in turn. */
  private planSync(): void {
    const requests = this.syncPipe.plan(this.chain.tip.height, this.deps.transport.peers(), this.now());
    for (const r of requests) {
      const message = { type: MessageType.GetBlocks, fromHeight: r.fromHeight, count: r.count } as const;
      this.deps.transport.send(r.peer, encodeMessage(message));
    }
  }

  private syncProgress(): SyncProgress {
    return this.syncPipe.progress(this.chain.tip.height);
  }

  /**
   * Batch-verifies every signature a run of blocks above the tip stands on (one final
   * exponentiation, sync-signatures.ts) and marks them proven for the per-block checks that
   * follow; a failed batch proves nothing, so those checks name the bad block.
   */
  private proveRun(blocks: readonly Block[], tipAttestation: Attestation | null): void {
    if (!this.batchSync || blocks.length < 2) return;
    const ctx = {
      chainId: this.chainId,
      // The set of the round above the tip: a run that crosses a stake change gets claims under
      // the wrong keys, its batch fails, and the per-block checks (with each round's own set)
      // decide, so this is an optimisation only (docs/STAKING.md).
      provisioners: this.chain.provisionersFor(this.chain.tip.height + 1),
      params: this.params,
      maxClaims: MAX_SYNC_CLAIMS,
    };
    const claims = collectRunClaims(ctx, this.chain.tip.block.header, blocks, tipAttestation);
    if (verifyClaims(claims, this.syncKeys, this.syncSalt)) this.crypto.prove(claims);
    else this.log("warn", "sync-batch-failed", { blocks: blocks.length, claims: claims.length });
  }

  /**
   * Fork choice between our block at `block`'s height and the peer's (Dusk: the lowest iteration
   * wins; a final block is never replaced). "same": the same block; "ours": keep ours (and tell
   * the peer, by sending our block's quorum, so it can switch); "theirs": our chain was reverted
   * to just below `block`, which the caller then applies like any synced block.
   */
  private forkChoice(
    peer: string,
    block: Block,
    attestation: Attestation | null,
    successors: readonly Block[],
  ): "same" | "ours" | "theirs" {
    const h = block.header.height;
    const ours = this.chain.blockAt(h);
    if (ours === undefined || bytesEqual(ours.hash, blockHash(block))) return "same";
    const below = this.chain.blockAt(h - 1);
    const oursHeader = decodeBlock(ours.bytes).header;
    const finalHere = h <= this.chain.finalizedHeight;
    if (finalHere || below === undefined || !bytesEqual(block.header.prevHash, below.hash)) {
      if (finalHere) this.log("warn", "fork-below-final", { peer, height: h });
      return "ours";
    }
    // Rolling finality on their branch: enough consecutive Attested blocks after theirs (each
    // proven by the next one's parent attestation) make it final there, whatever its iteration.
    const finalThere = this.rollingFinalOnBranch(successors);
    if (block.header.iteration >= oursHeader.iteration && !finalThere) {
      this.sendOurQuorum(peer, h);
      return "ours";
    }
    // Theirs wins (a lower iteration, or final on its branch) if its attestation holds.
    if (attestation === null) return "ours";
    const header = { round: h, iteration: block.header.iteration, prevHash: block.header.prevHash };
    const check =
      attestation.result.kind === VoteKind.Valid && bytesEqual(attestation.result.hash, blockHash(block))
        ? verifyAttestation(this.chainId, header, attestation, this.committeesOf(h), this.crypto)
        : { ok: false as const, reason: "not a Valid quorum for this block" };
    if (!check.ok) {
      this.log("warn", "fork-attestation-invalid", { peer, height: h, reason: check.reason });
      return "ours";
    }
    const removed = this.chain.revertTo(h - 1);
    this.log("warn", "fallback", {
      peer,
      height: h,
      reverted: removed.length,
      ourIteration: oursHeader.iteration,
      theirIteration: block.header.iteration,
    });
    // Their transactions go back to the mempool where they still apply.
    for (const b of removed) {
      for (const tx of b.transactions) {
        try {
          this.addToMempool(tx);
        } catch {
          // Stale or already included: dropped.
        }
      }
    }
    return "theirs";
  }

  /**
   * True when `successors` (a linked branch) starts with `rollingFinalityBlocks` + 1 Attested
   * blocks: by the rolling rule everything below the last of them is final on that branch. The
   * attestations are checked when the branch is applied; a forged branch fails there.
   */
  private rollingFinalOnBranch(successors: readonly Block[]): boolean {
    const needed = this.params.rollingFinalityBlocks + 1;
    if (successors.length < needed) return false;
    for (let k = 0; k < needed; k++) {
      const b = successors[k]!;
      if (k > 0 && !bytesEqual(b.header.prevHash, blockHash(successors[k - 1]!))) return false;
      if (labelOfHeader(b.header, this.params) !== Label.Attested) return false;
    }
    return true;
  }

  /** Sends the peer the quorum of our block at `height` (its attestation rides in the child). */
  private sendOurQuorum(peer: string, height: number): void {
    const child = this.chain.blockAt(height + 1);
    const ours = this.chain.blockAt(height);
    if (ours === undefined) return;
    const attestation =
      child === undefined ? this.chain.tipAttestation : decodeBlock(child.bytes).header.prevAttestation;
    if (attestation === null) return;
    const oursHeader = decodeBlock(ours.bytes).header;
    const header = { round: height, iteration: oursHeader.iteration, prevHash: oursHeader.prevHash };
    this.deps.transport.send(peer, encodeMessage({ type: MessageType.Quorum, header, attestation }));
  }

  /**
   * A Valid quorum for a round this node already decided: if it names a lower-iteration sibling
   * of our (non-final) block, fetch that branch from the peer; the fork choice decides.
   */
  private onPastQuorum(
    peer: string,
    header: { round: number; iteration: number; prevHash: Uint8Array },
    attestation: Attestation,
  ): void {
    if (attestation.result.kind !== VoteKind.Valid || header.round <= this.chain.finalizedHeight) return;
    const ours = this.chain.blockAt(header.round);
    const below = this.chain.blockAt(header.round - 1);
    if (ours === undefined || below === undefined || bytesEqual(ours.hash, attestation.result.hash)) return;
    if (!bytesEqual(header.prevHash, below.hash)) return;
    if (header.iteration >= decodeBlock(ours.bytes).header.iteration) return;
    const check = verifyAttestation(
      this.chainId,
      header,
      attestation,
      this.committeesOf(header.round),
      this.crypto,
    );
    if (!check.ok) return;
    this.pendingQuorum = { round: header.round, attestation };
    this.log("info", "lower-iteration-quorum", { peer, round: header.round, iteration: header.iteration });
    this.requestBlocks(peer, true, header.round);
  }

  private pendingFor(block: Block): Attestation | null {
    const p = this.pendingQuorum;
    if (p === null || p.round !== block.header.height) return null;
    return bytesEqual(p.attestation.result.hash, blockHash(block)) ? p.attestation : null;
  }

  private async checkSyncedBlock(block: Block, attestation: Attestation): Promise<ExecutionResult> {
    const tip = this.chain.tip;
    const hash = blockHash(block);
    if (attestation.result.kind !== VoteKind.Valid || !bytesEqual(attestation.result.hash, hash)) {
      throw new ProtocolError("BLOCK_INVALID", "attestation is not a Valid quorum for this block", {});
    }
    const committees = this.committeesOf(block.header.height);
    const header = { round: block.header.height, iteration: block.header.iteration, prevHash: tip.hash };
    const check = verifyAttestation(this.chainId, header, attestation, committees, this.crypto);
    if (!check.ok) throw new ProtocolError("BLOCK_INVALID", `attestation: ${check.reason}`, {});
    if (!bytesEqual(block.header.generator, committees.generator(block.header.iteration))) {
      throw new ProtocolError("BLOCK_INVALID", "generator was not selected for this iteration", {});
    }
    if (!this.crypto.verify(block.header.generator, hash, block.header.signature)) {
      throw new ProtocolError("BLOCK_INVALID", "bad generator signature", {});
    }
    return this.checkBlock(block, false);
  }

  /**
   * Checks a block on top of the tip (everything but the attestation of the block itself) and
   * executes it. `live` adds the clock check a candidate must pass (not a historical block).
   */
  private async checkBlock(block: Block, live: boolean): Promise<ExecutionResult> {
    const h = block.header;
    const tip = this.chain.tip;
    const p = this.params;
    const fail = (message: string): never => {
      throw new ProtocolError("BLOCK_INVALID", message, { height: h.height });
    };
    if (h.height !== tip.height + 1 || !bytesEqual(h.prevHash, tip.hash)) fail("does not extend the tip");
    if (h.timestampMs < tip.block.header.timestampMs + p.minBlockTimeMs)
      fail("timestamp before the minimum block time");
    if (live && h.timestampMs > this.now() + p.maxClockDriftMs) fail("timestamp too far in the future");
    const exec = this.options.genesis.params.execution;
    if (block.transactions.length > exec.maxBlockTransactions) fail("too many transactions");
    if (!bytesEqual(h.txRoot, transactionsRoot(block.transactions))) fail("transaction root mismatch");
    if (!verifySeed(this.crypto, h.generator, tip.block.header.seed, h.seed))
      fail("seed is not the generator's signature over the parent seed");
    this.checkParentAttestation(h.prevAttestation);
    this.checkFailedIterations(h);
    this.checkFaults(block);
    if (this.deps.proofService !== undefined) {
      const kept = await this.preverified.prepare(
        this.deps.proofService,
        block.transactions,
        this.chainId,
        exec,
      );
      if (kept > 0) this.log("info", "proofs-preverified", { height: h.height, proofs: kept });
    }
    const result = await executeTransactions(this.chain.state, block.transactions, {
      chainId: this.chainId,
      params: exec,
      verifier: this.deps.txVerifier,
      zk: this.preverified.zkHost(),
      block: { height: h.height, timestampMs: h.timestampMs },
      consensus: this.params,
      incentives: this.incentivesOf(h, block.faults),
    });
    if (!bytesEqual(result.stateRoot, h.stateRoot)) fail("state root mismatch");
    if (result.gasUsed !== h.gasUsed) fail("gas used mismatch");
    this.remember(toHex(blockHash(block)), result);
    return result;
  }

  /**
   * Relaxed mode: exactly min(iteration, relaxIterations) entries, each either null or a
   * failure attestation (never Valid) that verifies for that iteration of this round.
   */
  private checkFailedIterations(h: Block["header"]): void {
    const expected = Math.min(h.iteration, this.params.relaxIterations);
    if (h.failedIterations.length !== expected) {
      throw new ProtocolError(
        "BLOCK_INVALID",
        `carries ${h.failedIterations.length} failed iterations, expected ${expected}`,
        {},
      );
    }
    const committees = this.committeesOf(h.height);
    h.failedIterations.forEach((att, i) => {
      if (att === null) return;
      if (att.result.kind === VoteKind.Valid) {
        throw new ProtocolError("BLOCK_INVALID", `failed iteration ${i} carries a Valid attestation`, {});
      }
      const check = verifyAttestation(
        this.chainId,
        { round: h.height, iteration: i, prevHash: h.prevHash },
        att,
        committees,
        this.crypto,
      );
      if (!check.ok) throw new ProtocolError("BLOCK_INVALID", `failed iteration ${i}: ${check.reason}`, {});
    });
  }

  /** Fault proofs: bounded, committed by the fault root, each new to this chain and valid. */
  private checkFaults(block: Block): void {
    const h = block.header;
    if (block.faults.length > this.params.maxFaultsPerBlock) {
      throw new ProtocolError(
        "BLOCK_INVALID",
        `carries ${block.faults.length} faults, limit ${this.params.maxFaultsPerBlock}`,
        {},
      );
    }
    if (!bytesEqual(h.faultRoot, faultsRoot(block.faults)))
      throw new ProtocolError("BLOCK_INVALID", "fault root mismatch", {});
    const seen = new Set<string>();
    const ctx = this.faultContext(h.height);
    for (const f of block.faults) {
      const key = faultKey(f);
      if (seen.has(key) || this.chain.hasFault(key)) {
        throw new ProtocolError("BLOCK_INVALID", `fault ${key} is already proven`, {});
      }
      seen.add(key);
      const problem = checkFault(f, ctx);
      if (problem !== null) throw new ProtocolError("BLOCK_INVALID", `fault ${key}: ${problem}`, {});
    }
  }

  /** The attestation a block carries must prove its parent (the tip); none above genesis. */
  private checkParentAttestation(att: Attestation | null): void {
    const tip = this.chain.tip;
    if (tip.height === 0) {
      if (att !== null)
        throw new ProtocolError("BLOCK_INVALID", "the first block carries no attestation", {});
      return;
    }
    if (att === null) throw new ProtocolError("BLOCK_INVALID", "missing the parent's attestation", {});
    if (att.result.kind !== VoteKind.Valid || !bytesEqual(att.result.hash, tip.hash)) {
      throw new ProtocolError("BLOCK_INVALID", "parent attestation is not for the parent", {});
    }
    const known = this.chain.tipAttestation;
    if (known !== null && sameAttestation(known, att)) return;
    const header = {
      round: tip.height,
      iteration: tip.block.header.iteration,
      prevHash: tip.block.header.prevHash,
    };
    const check = verifyAttestation(this.chainId, header, att, this.committeesOf(tip.height), this.crypto);
    if (!check.ok) throw new ProtocolError("BLOCK_INVALID", `parent attestation: ${check.reason}`, {});
  }

  /** Stateless checks of a transaction: chain, gas, signature. */
  private async checkTransaction(tx: Transaction): Promise<void> {
    checkTransferStatic(tx, this.chainId, this.options.genesis.params.execution);
    try {
      await verifyTransactionSignatures([tx], this.deps.txVerifier);
    } catch (e) {
      if (isProtocolError(e))
        throw new ProtocolError("TX_BAD_SIGNATURE", "transaction signature does not verify", {});
      throw e;
    }
  }

  /** Balance check against committed state, then the mempool (nonce rules). Returns the id. */
  private addToMempool(tx: Transaction): string {
    if (tx.kind !== TxKind.ShieldedTransfer) checkAffordable(tx, this.chain.state);
    checkContractAdmission(tx, this.chain.state, {
      consensus: this.params,
      height: this.chain.tip.height + 1,
    });
    // Shielded: proof, root and nullifiers now, so a bad or double spend is refused at submit.
    admitShielded(
      tx,
      this.chainId,
      this.options.genesis.params.execution,
      this.chain.state,
      this.preverified.zkHost(),
    );
    if (tx.kind === TxKind.ShieldedTransfer && this.mempool.spendsPendingNullifier(tx)) {
      throw new ProtocolError(
        "SHIELDED_NULLIFIER_SPENT",
        "a pending transaction already spends this note",
        {},
      );
    }
    return this.mempool.add(tx, this.chain.state).id;
  }
}

/** Insertion-ordered set that forgets its oldest entry beyond `limit`. */
class BoundedSet {
  private readonly items = new Set<string>();
  constructor(private readonly limit: number) {}
  has(key: string): boolean {
    return this.items.has(key);
  }
  add(key: string): void {
    if (this.items.size >= this.limit) {
      const oldest = this.items.values().next().value;
      if (oldest !== undefined) this.items.delete(oldest);
    }
    this.items.add(key);
  }
  get size(): number {
    return this.items.size;
  }
}

function sameAttestation(a: Attestation, b: Attestation): boolean {
  return (
    a.result.kind === b.result.kind &&
    bytesEqual(a.result.hash, b.result.hash) &&
    a.validation.bitset === b.validation.bitset &&
    bytesEqual(a.validation.signature, b.validation.signature) &&
    a.ratification.bitset === b.ratification.bitset &&
    bytesEqual(a.ratification.signature, b.ratification.signature)
  );
}

function decodeBlockStored(bytes: Uint8Array): Block {
  return decodeBlock(bytes);
}

function iterationOf(m: Message): number {
  switch (m.type) {
    case MessageType.Candidate:
      return m.block.header.iteration;
    case MessageType.Validation:
    case MessageType.Ratification:
      return m.signed.header.iteration;
    case MessageType.Quorum:
      return m.header.iteration;
    default:
      return -1;
  }
}
