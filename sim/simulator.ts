/**
 * The deterministic network simulator (after TigerBeetle's packet simulator): N nodes running
 * the production consensus core (`openNode`) on one virtual clock, driven by an event queue
 * (virtual time, stable tie-break) and a seeded PRNG. The network has per-link latency (mean +-
 * jitter), loss, duplication, reordering and partitions that form and heal; nodes crash and
 * restart from their persisted MemoryChainStore; byzantine actors wrap some nodes' transports.
 *
 * Checked on every run (see checker.ts): safety, validity, liveness after the last disruption,
 * bounded memory. `runSimulation(options)` is a pure function of its options (seed included).
 */

import { toHex } from "../protocol/bytes.js";
import { NobleSignatureVerifier, type SignatureVerifier } from "../protocol/ed25519.js";
import { isProtocolError } from "../protocol/errors.js";
import type { Genesis } from "../protocol/genesis.js";
import { encodeTransaction, signTransfer, transactionSigningHash } from "../protocol/transaction.js";
import { MemoryChainStore } from "../workers/consensus/memory-chain-store.js";
import { openNode } from "../workers/consensus/node.js";
import type { NodeApi } from "../workers/consensus/node-api.js";
import type { LogLevel } from "../workers/consensus/node-options.js";
import { Label, StoppedClock, type Transport } from "../workers/consensus/ports.js";
import { BlsVoteCrypto, type VoteCrypto } from "../workers/consensus/vote-crypto.js";
import { ByzantineActor, type ByzantineKind, FAULT_DETECTORS } from "./byzantine.js";
import { FinalityChecker } from "./checker.js";
import { addCounts, CountingVoteCrypto, type CryptoCounts, emptyCounts } from "./counting-vote-crypto.js";
import { EventQueue } from "./event-queue.js";
import { FastTxVerifier } from "./fast-tx-verifier.js";
import { FastVoteCrypto } from "./fast-vote-crypto.js";
import type { SimOptions } from "./options.js";
import { Prng } from "./prng.js";
import { QuorumChecker } from "./quorum-checker.js";
import {
  baseStake,
  runGenesis,
  SIM_ACCOUNTS,
  SIM_GENESIS_TIME_MS,
  simAccountKey,
  simProvisionerKey,
} from "./sim-genesis.js";

export interface SimResult {
  readonly seed: number;
  readonly pass: boolean;
  readonly violations: readonly string[];
  /** Highest round any honest node reached. */
  readonly rounds: number;
  /** Lowest finalized height among honest nodes at the end. */
  readonly finalHeight: number;
  readonly virtualMs: number;
  readonly events: number;
  readonly byzantineStake: number;
  readonly byzantineNodes: ReadonlyArray<{ id: string; behaviours: ByzantineKind[] }>;
  readonly injected: Readonly<Record<string, number>>;
  /** Injected faults (with a detector) seen by at least one honest node's log, as distinct keys. */
  readonly detected: Readonly<Record<string, number>>;
  /** Distinct keys (round/iteration/...) of the injected faults that have a detector. */
  readonly injectedDistinct: Readonly<Record<string, number>>;
  readonly logEvents: Readonly<Record<string, number>>;
  readonly crypto: CryptoCounts;
  readonly network: {
    sent: number;
    delivered: number;
    dropped: number;
    duplicated: number;
    peakInFlight: number;
  };
  /** Mean over (honest node, block) of virtual ms from the block's timestamp to that node seeing it Final. */
  readonly meanTimeToFinalityMs: number | null;
  /** The same, to that node accepting it (the block on its chain, any label). */
  readonly meanTimeToAcceptMs: number | null;
  /** Last lines logged at warn/error by honest nodes (for a failing seed). */
  readonly tail: readonly string[];
  /** The first running honest node's chain at the end, `height:iteration:label` (at most 64 blocks). */
  readonly chain: string;
}

type SimEvent =
  | {
      readonly k: "deliver";
      readonly from: string;
      readonly to: string;
      readonly bytes: Uint8Array;
      /** The receiver's incarnation when sent: a crash loses what was in flight to it. */
      readonly incarnation: number;
    }
  | { readonly k: "timer"; readonly node: number; readonly gen: number }
  | { readonly k: "crash"; readonly node: number; readonly downMs: number }
  | { readonly k: "restart"; readonly node: number }
  | { readonly k: "partition"; readonly groups: readonly number[]; readonly healMs: number }
  | { readonly k: "heal" }
  | { readonly k: "tx" }
  | { readonly k: "check" };

interface SimNode {
  readonly index: number;
  readonly id: string;
  readonly honest: boolean;
  readonly store: MemoryChainStore;
  api: NodeApi | null;
  /** Bumped at each crash. */
  incarnation: number;
  actor: ByzantineActor | null;
  wakeGen: number;
  wakeAt: number | null;
  /** This node's clock minus the virtual time (--clock-skew-ms). */
  readonly skewMs: number;
  sameMsTimers: number;
  lastTimerMs: number;
}

/** How often the whole-history checks run (revert check, liveness window), virtual ms. */
const CHECK_INTERVAL_MS = 5_000;
/** Timer calls one node may take at one virtual millisecond before the next is pushed 1 ms on. */
const MAX_SAME_MS_TIMERS = 64;
const TAIL_LINES = 40;
/** Events the log counters track at most (distinct names). */
const MAX_LOG_EVENT_NAMES = 256;

/** What a benchmark may inject; the simulator itself reads no clock. */
export interface SimHooks {
  /** Timer wrapped around every consensus crypto call (e.g. performance.now). */
  readonly cryptoTimer?: () => number;
  /** Every log line of the nodes whose id passes `traceFilter` (all levels, honest or not). */
  readonly trace?: (line: string) => void;
  readonly traceFilter?: (nodeId: string) => boolean;
}

export async function runSimulation(o: SimOptions, hooks: SimHooks = {}): Promise<SimResult> {
  return new Simulation(o, hooks).run();
}

class Simulation {
  private readonly prng: Prng;
  private readonly netPrng: Prng;
  private readonly clock = new StoppedClock(SIM_GENESIS_TIME_MS);
  private readonly queue: EventQueue<SimEvent>;
  private readonly nodes: SimNode[] = [];
  private readonly byId = new Map<string, SimNode>();
  private readonly genesis: Genesis;
  private readonly linkMeanMs: number[];
  /** Partition group of each node (0 everywhere = no partition). */
  private group: number[];
  private readonly checker: FinalityChecker;
  private readonly quorums: QuorumChecker;
  private readonly cryptoCounts = emptyCounts();
  private readonly sharedCrypto: VoteCrypto | null;
  private readonly txVerifier: SignatureVerifier & { register?: FastTxVerifier["register"] };
  private readonly injected = new Map<string, number>();
  private readonly injectedKeys = new Map<string, Set<string>>();
  private readonly detectedKeys = new Map<string, Set<string>>();
  private readonly logEvents = new Map<string, number>();
  private readonly tail: string[] = [];
  private readonly violations: string[] = [];
  private readonly net = { sent: 0, delivered: 0, dropped: 0, duplicated: 0, inFlight: 0, peakInFlight: 0 };
  private readonly byzantineStake: number;
  private readonly calmFromMs: number;
  private readonly endMs: number;
  private events = 0;
  private txCounter = 0;
  private done = false;
  /** The node a liveness violation names (its chain goes into the result). */
  private stuck: SimNode | null = null;

  constructor(
    private readonly o: SimOptions,
    private readonly hooks: SimHooks,
  ) {
    validate(o);
    this.prng = new Prng(`dusk-edge-sim/${o.seed}`);
    this.netPrng = this.prng.fork("network");
    const setup = this.prng.fork("setup");
    const schedule = this.prng.fork("schedule");
    this.queue = new EventQueue(o.maxInFlight + 10_000);
    const n = o.nodes;
    this.group = new Array(n).fill(0);
    this.linkMeanMs = Array.from({ length: n * n }, () => o.latencyMs * this.netPrng.uniform(0.5, 1.5));

    // Byzantine provisioners: k of the provisioners that run a node, holding fraction `byzantine` of stake.
    const running = Math.min(o.nodes, o.provisioners);
    const k =
      o.byzantine <= 0 ? 0 : Math.min(running - 1, Math.max(1, Math.round(o.byzantine * o.provisioners)));
    const byzantine = new Set(setup.shuffled(Array.from({ length: running }, (_, i) => i)).slice(0, k));
    const honestStake = baseStake(o.provisioners);
    const stakes: bigint[] = [];
    const ppm = BigInt(Math.round(o.byzantine * 1_000_000));
    const byzStake =
      k === 0 ? 0n : (honestStake * ppm * BigInt(o.provisioners - k)) / (BigInt(k) * (1_000_000n - ppm));
    for (let i = 0; i < o.provisioners; i++) stakes.push(byzantine.has(i) ? byzStake : honestStake);
    const total = stakes.reduce((a, b) => a + b, 0n);
    this.byzantineStake = k === 0 ? 0 : Number((byzStake * BigInt(k) * 1_000_000n) / total) / 1_000_000;
    this.genesis = runGenesis(o.provisioners, `sim-${o.seed}`, stakes);
    if (byzStake > 0n && byzStake < this.genesis.params.consensus.minimumStake) {
      throw new RangeError("byzantine fraction too small: an actor's stake falls below the minimum stake");
    }

    const keys = Array.from({ length: o.provisioners }, (_, i) => simProvisionerKey(i));
    this.sharedCrypto = o.crypto === "fast" ? new FastVoteCrypto(keys) : null;
    this.txVerifier = o.crypto === "fast" ? new FastTxVerifier(1_000_000) : new NobleSignatureVerifier();
    this.quorums = new QuorumChecker(
      this.genesis,
      new Set([...byzantine].map((i) => toHex(keys[i]!.publicKey))),
      (v) => this.fail(v),
    );
    this.checker = new FinalityChecker(
      this.genesis,
      this.txVerifier,
      () => this.clock.now(),
      (v) => this.fail(v),
      this.quorums,
    );

    // Clock skew from its own stream, so runs without skew draw exactly what they drew before.
    const skewPrng = new Prng(`dusk-edge-sim/${o.seed}/clock-skew`);
    const skews = Array.from({ length: n }, () =>
      o.clockSkewMs > 0 ? Math.round(skewPrng.uniform(-o.clockSkewMs, o.clockSkewMs)) : 0,
    );
    for (let i = 0; i < n; i++) {
      const id = `node-${i}`;
      const node: SimNode = {
        index: i,
        id,
        honest: !byzantine.has(i),
        store: new MemoryChainStore(),
        api: null,
        incarnation: 0,
        actor: null,
        wakeGen: 0,
        wakeAt: null,
        skewMs: skews[i]!,
        sameMsTimers: 0,
        lastTimerMs: -1,
      };
      if (byzantine.has(i)) {
        const picks = new Set<ByzantineKind>();
        if (o.behaviours.length > 0) {
          picks.add(setup.pick(o.behaviours));
          if (setup.chance(0.5)) picks.add(setup.pick(o.behaviours));
        }
        node.actor = new ByzantineActor(picks, {
          id,
          key: keys[i]!,
          chainId: this.genesis.chainId,
          crypto: this.makeCrypto(),
          prng: this.prng.fork(`actor-${i}`),
          peers: () => this.peersOf(i),
          send: (peer, bytes, extraMs) => this.sendRaw(i, peer, bytes, extraMs),
          injected: (kind, key) => this.recordInjected(kind, key),
          stepTimeoutMs: this.genesis.params.consensus.stepTimeoutMs,
        });
      }
      this.nodes.push(node);
      this.byId.set(id, node);
    }

    // Disruptions happen inside [2 s, disruptEnd); afterwards the network is calm and whole.
    const t0 = SIM_GENESIS_TIME_MS;
    const disruptEnd = t0 + 2_000 + Math.max(20_000, o.rounds * 1_500);
    let calm = t0;
    if (o.partitions && n >= 2) {
      const count = schedule.range(1, 2);
      const slot = (disruptEnd - t0 - 2_000) / count;
      for (let p = 0; p < count; p++) {
        const start = t0 + 2_000 + p * slot + schedule.uniform(0, slot * 0.4);
        const heal = start + schedule.uniform(2_000, Math.max(2_000, slot * 0.6));
        const order = schedule.shuffled(Array.from({ length: n }, (_, i) => i));
        const cut = schedule.range(1, n - 1);
        const groups = new Array<number>(n).fill(0);
        for (let j = 0; j < n; j++) groups[order[j]!] = j < cut ? 1 : 2;
        this.queue.push(Math.floor(start), { k: "partition", groups, healMs: Math.floor(heal) });
        calm = Math.max(calm, Math.floor(heal));
      }
    }
    if (o.crashes) {
      const honest = this.nodes.filter((x) => x.honest).map((x) => x.index);
      const count = schedule.range(1, 2);
      for (let c = 0; c < count && honest.length > 0; c++) {
        const at = Math.floor(schedule.uniform(t0 + 3_000, disruptEnd - 2_000));
        const downMs = Math.floor(schedule.uniform(1_000, 12_000));
        this.queue.push(at, { k: "crash", node: schedule.pick(honest), downMs });
        calm = Math.max(calm, at + downMs);
      }
    }
    this.calmFromMs = calm;
    // The liveness rule ends any run that stops progressing; this cap is a second guard.
    this.endMs = calm + o.livenessWindowMs * (o.rounds + 4);
    if (o.txPerSecond > 0) this.queue.push(t0 + 1_000, { k: "tx" });
    this.queue.push(t0 + CHECK_INTERVAL_MS, { k: "check" });
  }

  async run(): Promise<SimResult> {
    for (const node of this.nodes) await this.open(node);
    while (!this.done) {
      const next = this.queue.pop();
      if (next === undefined) {
        this.fail("liveness: the network went idle (no timer or message pending) before the target");
        break;
      }
      if (next.atMs > this.endMs) {
        this.fail(
          `liveness: target height ${this.o.rounds} not reached by virtual time ${this.virtual(this.endMs)}`,
        );
        break;
      }
      if (next.atMs > this.clock.now()) this.clock.set(next.atMs);
      this.events += 1;
      if (this.events > this.o.maxEvents) {
        this.fail(`event budget of ${this.o.maxEvents} exhausted at ${this.virtual(this.clock.now())}`);
        break;
      }
      await this.dispatch(next.event);
      if (this.violations.length > 0) break;
      if (this.targetReached()) this.done = true;
    }
    if (this.violations.length === 0) await this.checker.checkValidity();
    return this.result();
  }

  // ---- events ---------------------------------------------------------------------------

  private async dispatch(e: SimEvent): Promise<void> {
    switch (e.k) {
      case "deliver": {
        this.net.inFlight -= 1;
        const to = this.byId.get(e.to)!;
        const from = this.byId.get(e.from)!;
        if (to.api === null || to.incarnation !== e.incarnation || !this.linked(from.index, to.index)) {
          this.net.dropped += 1;
          return;
        }
        this.net.delivered += 1;
        to.actor?.incoming(e.from, e.bytes);
        await to.api.onMessage(e.from, e.bytes);
        this.after(to);
        return;
      }
      case "timer": {
        const node = this.nodes[e.node]!;
        if (node.api === null || e.gen !== node.wakeGen) return;
        node.wakeAt = null;
        const now = this.clock.now();
        node.sameMsTimers = node.lastTimerMs === now ? node.sameMsTimers + 1 : 0;
        node.lastTimerMs = now;
        await node.api.onTimer();
        this.after(node);
        return;
      }
      case "crash": {
        const node = this.nodes[e.node]!;
        if (node.api === null) return;
        this.traceSim(`crash ${node.id} for ${e.downMs} ms`);
        this.checker.observe(node.id, node.api); // last look before it goes
        node.api = null;
        node.incarnation += 1;
        node.wakeGen += 1;
        node.wakeAt = null;
        this.queue.push(this.clock.now() + e.downMs, { k: "restart", node: e.node });
        return;
      }
      case "restart": {
        const node = this.nodes[e.node]!;
        await this.open(node);
        // Its store must still hold everything it had seen Final.
        this.checker.recheck(node.id, node.api!);
        for (const peer of this.peersOf(node.index)) {
          await node.api!.onPeerConnected(peer);
          this.after(node);
        }
        return;
      }
      case "partition":
        this.group = [...e.groups];
        this.traceSim(
          `partition ${e.groups.map((g, i) => `node-${i}:${g}`).join(" ")} until ${this.virtual(e.healMs)}`,
        );
        this.queue.push(e.healMs, { k: "heal" });
        return;
      case "heal": {
        this.traceSim("heal");
        const before = this.group;
        this.group = new Array(this.o.nodes).fill(0);
        for (const a of this.nodes) {
          if (a.api === null) continue;
          for (const b of this.nodes) {
            if (b === a || b.api === null || before[a.index] === before[b.index]) continue;
            await a.api.onPeerConnected(b.id);
            this.after(a);
          }
        }
        return;
      }
      case "tx":
        await this.submitTransfer();
        this.queue.push(this.clock.now() + Math.max(1, Math.round(1_000 / this.o.txPerSecond)), { k: "tx" });
        return;
      case "check":
        this.periodicCheck();
        this.queue.push(this.clock.now() + CHECK_INTERVAL_MS, { k: "check" });
        return;
    }
  }

  /** After any call into a node: re-arm its timer, check its resources and finality. */
  private after(node: SimNode): void {
    const api = node.api;
    if (api === null) return;
    const now = this.clock.now();
    const local = api.nextWakeMs();
    const w = local === null ? null : local - node.skewMs; // the node's clock runs skewMs ahead
    if (w === null) {
      if (node.wakeAt !== null) node.wakeGen += 1;
      node.wakeAt = null;
    } else {
      let at = Math.max(w, now);
      if (at === now && node.lastTimerMs === now && node.sameMsTimers >= MAX_SAME_MS_TIMERS) at = now + 1;
      if (node.wakeAt !== at) {
        node.wakeGen += 1;
        node.wakeAt = at;
        this.queue.push(at, { k: "timer", node: node.index, gen: node.wakeGen });
      }
    }
    for (const [name, { size, limit }] of Object.entries(api.resourceUsage())) {
      if (size > limit)
        this.fail(`bounded memory: ${node.id} ${name} holds ${size}, over its limit ${limit}`);
    }
    if (node.honest) this.checker.observe(node.id, api);
  }

  private periodicCheck(): void {
    const now = this.clock.now();
    for (const node of this.nodes) {
      if (!node.honest || node.api === null) continue;
      this.checker.recheck(node.id, node.api);
    }
    if (now < this.calmFromMs) return;
    // Liveness: once calm, every honest node below the target finalizes within the window.
    for (const node of this.nodes) {
      if (!node.honest || node.api === null) continue;
      const f = node.api.status().finalizedHeight;
      if (f >= this.o.rounds) continue;
      const since = Math.max(this.checker.lastProgressMs(node.id), this.calmFromMs);
      if (now - since > this.o.livenessWindowMs) {
        const st = node.api.status();
        this.fail(
          `liveness: ${node.id} finalized nothing for ${(now - since) / 1000} s after the network healed at ` +
            `${this.virtual(this.calmFromMs)} (finalized height ${f}, tip ${st.height}, round ${st.round}, ` +
            `iteration ${st.iteration}${st.syncing ? ", syncing" : ""}, ${st.peers} peers)`,
        );
        this.stuck = node;
        return;
      }
    }
  }

  private targetReached(): boolean {
    if (this.clock.now() < this.calmFromMs) return false;
    for (const node of this.nodes) {
      if (!node.honest) continue;
      if (node.api === null || node.api.status().finalizedHeight < this.o.rounds) return false;
    }
    return true;
  }

  // ---- nodes and network ----------------------------------------------------------------

  private makeCrypto(): VoteCrypto {
    return new CountingVoteCrypto(
      this.sharedCrypto ?? new BlsVoteCrypto(),
      this.cryptoCounts,
      this.hooks.cryptoTimer ?? null,
    );
  }

  private async open(node: SimNode): Promise<void> {
    const i = node.index;
    const transport: Transport = {
      broadcast: (bytes) => {
        if (node.actor !== null) node.actor.outgoing(null, bytes);
        else for (const peer of this.peersOf(i)) this.sendRaw(i, peer, bytes, 0);
      },
      send: (peer, bytes) => {
        if (node.actor !== null) node.actor.outgoing(peer, bytes);
        else this.sendRaw(i, peer, bytes, 0);
      },
      peers: () => this.peersOf(i),
    };
    node.api = await openNode(
      {
        genesis: this.genesis,
        provisionerKey: i < this.o.provisioners ? simProvisionerKey(i) : null,
        doppelgangerProtection: node.actor === null,
      },
      {
        clock: node.skewMs === 0 ? this.clock : { now: () => this.clock.now() + node.skewMs },
        store: node.store,
        transport,
        txVerifier: this.txVerifier,
        voteCrypto: this.makeCrypto(),
        log: (level, event, data) => this.onLog(node, level, event, data),
      },
    );
    node.wakeGen += 1;
    node.wakeAt = null;
    this.after(node);
  }

  private linked(a: number, b: number): boolean {
    return this.group[a] === 0 || this.group[a] === this.group[b];
  }

  private peersOf(i: number): string[] {
    const out: string[] = [];
    for (const other of this.nodes) {
      if (other.index !== i && other.api !== null && this.linked(i, other.index)) out.push(other.id);
    }
    return out;
  }

  private sendRaw(from: number, peer: string, bytes: Uint8Array, extraMs: number): void {
    const to = this.byId.get(peer);
    this.net.sent += 1;
    if (
      to === undefined ||
      to.api === null ||
      !this.linked(from, to.index) ||
      this.netPrng.chance(this.o.loss)
    ) {
      this.net.dropped += 1;
      return;
    }
    const copies = this.netPrng.chance(this.o.duplicate) ? 2 : 1;
    if (copies === 2) this.net.duplicated += 1;
    for (let c = 0; c < copies; c++) {
      if (this.net.inFlight >= this.o.maxInFlight) {
        this.fail(`bounded memory: network in-flight messages reached the bound ${this.o.maxInFlight}`);
        return;
      }
      const mean = this.linkMeanMs[from * this.o.nodes + to.index]!;
      let latency = Math.max(1, mean + this.netPrng.uniform(-this.o.jitterMs, this.o.jitterMs));
      if (this.netPrng.chance(this.o.reorder)) latency += this.netPrng.uniform(0, 5 * this.o.latencyMs);
      this.net.inFlight += 1;
      if (this.net.inFlight > this.net.peakInFlight) this.net.peakInFlight = this.net.inFlight;
      this.queue.push(this.clock.now() + Math.round(latency + extraMs), {
        k: "deliver",
        from: `node-${from}`,
        to: peer,
        bytes,
        incarnation: to.incarnation,
      });
    }
  }

  // ---- workload -------------------------------------------------------------------------

  private async submitTransfer(): Promise<void> {
    const targets = this.nodes.filter((x) => x.honest && x.api !== null);
    if (targets.length === 0) return;
    const target = this.prng.pick(targets);
    const from = simAccountKey(this.txCounter % SIM_ACCOUNTS);
    const to = simAccountKey((this.txCounter + 1) % SIM_ACCOUNTS);
    this.txCounter += 1;
    const tx = signTransfer(from.secretKey, {
      chainId: this.genesis.chainId,
      from: from.publicKey,
      to: to.publicKey,
      amount: BigInt(this.prng.range(1, 1_000)),
      nonce: target.api!.account(from.publicKey).nonce + 1n,
      gasLimit: this.genesis.params.execution.transferGas,
      gasPrice: BigInt(this.prng.range(1, 3)),
      memo: new Uint8Array(0),
    });
    this.txVerifier.register?.({
      publicKey: tx.from,
      message: transactionSigningHash(tx),
      signature: tx.signature,
    });
    try {
      await target.api!.submitTransaction(encodeTransaction(tx));
      this.count("sim-tx-accepted");
    } catch (e) {
      this.count(`sim-tx-refused/${isProtocolError(e) ? e.code : "UNKNOWN"}`);
    }
    this.after(target);
  }

  // ---- accounting -----------------------------------------------------------------------

  private onLog(node: SimNode, level: LogLevel, event: string, data?: Record<string, unknown>): void {
    const trace = this.hooks.trace;
    if (trace !== undefined && (this.hooks.traceFilter?.(node.id) ?? true)) {
      trace(
        `${this.virtual(this.clock.now())} ${node.id}${node.honest ? "" : "(byz)"} ${level} ${event} ${data === undefined ? "" : short(data, 400)}`,
      );
    }
    if (!node.honest) return;
    this.count(event);
    for (const [kind, detector] of Object.entries(FAULT_DETECTORS)) {
      if (detector !== event || data === undefined) continue;
      const key =
        kind === "replayed-message"
          ? String(data.id)
          : kind === "bad-sync/forged-block"
            ? `${data.peer}/${data.height}`
            : kind === "double-candidate"
              ? `${data.round}/${data.iteration}/${data.generator}`
              : kind === "double-vote" ||
                  kind === "double-vote/two-candidates" ||
                  kind === "unknown-block-vote"
                ? `${data.round}/${data.iteration}/${data.step}/${data.signer}`
                : `${data.round}/${data.iteration}`;
      if (this.injectedKeys.get(kind)?.has(key)) {
        const set = this.detectedKeys.get(kind) ?? new Set<string>();
        this.detectedKeys.set(kind, set);
        set.add(key);
      }
    }
    if (level === "warn" || level === "error") {
      if (this.tail.length >= TAIL_LINES) this.tail.shift();
      this.tail.push(
        `${this.virtual(this.clock.now())} ${node.id} ${level} ${event} ${data === undefined ? "" : short(data)}`,
      );
    }
  }

  private traceSim(what: string): void {
    this.hooks.trace?.(`${this.virtual(this.clock.now())} sim ${what}`);
  }

  private count(event: string): void {
    if (!this.logEvents.has(event) && this.logEvents.size >= MAX_LOG_EVENT_NAMES) return;
    this.logEvents.set(event, (this.logEvents.get(event) ?? 0) + 1);
  }

  private recordInjected(kind: string, key: string): void {
    this.injected.set(kind, (this.injected.get(kind) ?? 0) + 1);
    if (FAULT_DETECTORS[kind] === null || FAULT_DETECTORS[kind] === undefined) return;
    const set = this.injectedKeys.get(kind) ?? new Set<string>();
    this.injectedKeys.set(kind, set);
    set.add(key);
  }

  private fail(violation: string): void {
    if (this.violations.length < 8) this.violations.push(`${this.virtual(this.clock.now())} ${violation}`);
  }

  private virtual(ms: number): string {
    return `t=${((ms - SIM_GENESIS_TIME_MS) / 1000).toFixed(3)}s`;
  }

  private result(): SimResult {
    const honest = this.nodes.filter((x) => x.honest);
    let rounds = 0;
    let finalHeight = Number.POSITIVE_INFINITY;
    for (const node of honest) {
      const st = node.api?.status();
      rounds = Math.max(rounds, st?.round ?? 0);
      finalHeight = Math.min(finalHeight, this.checker.finalizedOf(node.id));
    }
    const injected: Record<string, number> = {};
    for (const [k, v] of [...this.injected].sort()) injected[k] = v;
    const detected: Record<string, number> = {};
    const injectedDistinct: Record<string, number> = {};
    for (const k of Object.keys(injected)) {
      if (!FAULT_DETECTORS[k]) continue;
      detected[k] = this.detectedKeys.get(k)?.size ?? 0;
      injectedDistinct[k] = this.injectedKeys.get(k)?.size ?? 0;
    }
    const byzantineNodes = this.nodes
      .filter((x) => x.actor !== null)
      .map((x) => ({ id: x.id, behaviours: [...x.actor!.behaviours] }));
    const crypto = emptyCounts();
    addCounts(crypto, this.cryptoCounts);
    return {
      seed: this.o.seed,
      pass: this.violations.length === 0,
      violations: this.violations,
      rounds,
      finalHeight: Number.isFinite(finalHeight) ? finalHeight : 0,
      virtualMs: this.clock.now() - SIM_GENESIS_TIME_MS,
      events: this.events,
      byzantineStake: this.byzantineStake,
      byzantineNodes,
      injected,
      detected,
      injectedDistinct,
      logEvents: Object.fromEntries([...this.logEvents].sort()),
      crypto,
      network: {
        sent: this.net.sent,
        delivered: this.net.delivered,
        dropped: this.net.dropped,
        duplicated: this.net.duplicated,
        peakInFlight: this.net.peakInFlight,
      },
      meanTimeToFinalityMs: this.checker.meanTimeToFinalityMs(),
      meanTimeToAcceptMs: this.checker.meanTimeToAcceptMs(),
      tail: this.tail,
      chain: this.chainSummary(),
    };
  }

  private chainSummary(): string {
    const node = this.stuck?.api ? this.stuck : this.nodes.find((x) => x.honest && x.api !== null);
    if (node === undefined) return "";
    const api = node.api!;
    const top = api.status().height;
    const out: string[] = [];
    for (let h = Math.max(1, top - 63); h <= top; h++) {
      const v = api.blockByHeight(h);
      if (v !== undefined) out.push(`${h}:${v.block.header.iteration}:${Label[v.label]}`);
    }
    return `${node.id} ${out.join(" ")}`;
  }
}

function short(data: Record<string, unknown>, max = 200): string {
  const s = JSON.stringify(data, (_k, v) => (typeof v === "bigint" ? String(v) : v));
  return s.length > max ? `${s.slice(0, max)}...` : s;
}

function validate(o: SimOptions): void {
  const int = (v: number, lo: number, hi: number, name: string) => {
    if (!Number.isSafeInteger(v) || v < lo || v > hi)
      throw new RangeError(`${name} must be an integer in ${lo}..${hi}, got ${v}`);
  };
  const frac = (v: number, lo: number, hi: number, name: string) => {
    if (!(v >= lo && v <= hi)) throw new RangeError(`${name} must be in [${lo}, ${hi}], got ${v}`);
  };
  int(o.seed, 0, Number.MAX_SAFE_INTEGER, "seed");
  int(o.nodes, 1, 512, "nodes");
  int(o.provisioners, 1, 512, "provisioners");
  int(o.rounds, 1, 100_000, "rounds");
  frac(o.loss, 0, 0.9, "loss");
  frac(o.duplicate, 0, 0.9, "duplicate");
  frac(o.reorder, 0, 1, "reorder");
  frac(o.byzantine, 0, 0.95, "byzantine");
  frac(o.latencyMs, 0, 60_000, "latency-ms");
  frac(o.jitterMs, 0, o.latencyMs, "jitter-ms");
  frac(o.txPerSecond, 0, 1_000, "tx-per-second");
  frac(o.clockSkewMs, 0, 600_000, "clock-skew-ms");
}
