/**
 * Byzantine actors. Each wraps an honest node's transport (the node runs the production code
 * and its slashing protection; the actor rewrites, drops, delays, duplicates or adds messages on
 * their way out) and holds only that node's own secret key, so everything it crafts is signed
 * by it: it can equivocate but never forge another provisioner's signature.
 *
 * Every fault injected is counted by kind with a key (round/iteration/...) that the simulator
 * matches against the honest nodes' log events to count detections.
 */

import {
  EMPTY_STEP_VOTES,
  StepKind,
  type Vote,
  VoteKind,
  voteOf,
  voteSigningMessage,
} from "../protocol/attestation.js";
import type { Block } from "../protocol/block.js";
import { headerHash } from "../protocol/block.js";
import type { BlsKeyPair } from "../protocol/bls.js";
import { toHex } from "../protocol/bytes.js";
import {
  decodeMessage,
  encodeMessage,
  type Message,
  MessageType,
  roundOf,
  type SignedVote,
} from "../protocol/messages.js";
import type { VoteCrypto } from "../workers/consensus/vote-crypto.js";
import type { Prng } from "./prng.js";

export const BYZANTINE_KINDS = [
  "equivocate",
  "double-vote",
  "invalid-candidate",
  "unknown-vote",
  "silent",
  "delay",
  "replay",
  "future",
  "forged-quorum",
] as const;
export type ByzantineKind = (typeof BYZANTINE_KINDS)[number];

/**
 * Behaviours drawn by default: the list as it stood when the sweeps in docs/SIMULATOR.md were
 * run, so their seeds replay unchanged. Newer behaviours are opt-in with `--behaviours`.
 */
export const DEFAULT_BYZANTINE_KINDS: readonly ByzantineKind[] = BYZANTINE_KINDS.slice(0, 8);

/** Kinds of fault injected (a behaviour may inject several), with the log event that detects it. */
export const FAULT_DETECTORS: Readonly<Record<string, string | null>> = {
  "double-candidate": "fault-double-candidate",
  "double-vote": "fault-double-vote",
  "invalid-candidate/state-root": "candidate-invalid",
  "invalid-candidate/signature": "candidate-bad-signature",
  "unknown-block-vote": null,
  "silenced-message": null,
  "delayed-message": null,
  "replayed-message": null,
  "far-future-message": null,
  "forged-quorum": "quorum-invalid",
};

/** Messages kept for replay. */
const MAX_RECORDED = 256;
/** How far ahead a far-future message claims to be. */
const FUTURE_ROUNDS_MIN = 100;

export interface ActorContext {
  readonly id: string;
  readonly key: BlsKeyPair;
  readonly chainId: string;
  readonly crypto: VoteCrypto;
  readonly prng: Prng;
  /** Reachable peers now. */
  peers(): string[];
  /** Puts bytes on the simulated link to `peer`, after the link's latency plus `extraMs`. */
  send(peer: string, bytes: Uint8Array, extraMs: number): void;
  /** Counts one injected fault; `key` identifies it for detection matching. */
  injected(kind: string, key: string): void;
  /** Consensus step timeout base, to scale delays. */
  readonly stepTimeoutMs: number;
}

export class ByzantineActor {
  private readonly recorded: Uint8Array[] = [];

  constructor(
    readonly behaviours: ReadonlySet<ByzantineKind>,
    private readonly ctx: ActorContext,
  ) {}

  /** A message the wrapped node sends: to one peer, or to all (`peer` null). */
  outgoing(peer: string | null, bytes: Uint8Array): void {
    const ctx = this.ctx;
    const targets = peer === null ? ctx.peers() : [peer];
    if (this.behaviours.has("silent")) {
      for (const _ of targets) ctx.injected("silenced-message", "");
      return;
    }
    let message: Message | null = null;
    try {
      message = decodeMessage(bytes);
    } catch {
      message = null;
    }
    const delay = (): number => {
      if (!this.behaviours.has("delay")) return 0;
      ctx.injected("delayed-message", "");
      return ctx.prng.uniform(0.3, 2.5) * ctx.stepTimeoutMs;
    };
    let handled = false;
    if (message !== null && peer === null) handled = this.rewrite(message, targets, delay);
    if (!handled) for (const t of targets) ctx.send(t, bytes, delay());
    if (
      message !== null &&
      this.behaviours.has("replay") &&
      this.recorded.length > 0 &&
      ctx.prng.chance(0.3)
    ) {
      const old = ctx.prng.pick(this.recorded);
      const to = ctx.prng.pick(targets.length > 0 ? targets : ctx.peers().concat([""]));
      if (to !== "") {
        ctx.injected("replayed-message", "");
        ctx.send(to, old, 0);
      }
    }
    if (message !== null && this.behaviours.has("future") && ctx.prng.chance(0.1)) this.sendFuture(message);
    if (message !== null && this.behaviours.has("forged-quorum") && ctx.prng.chance(0.3))
      this.sendForgedQuorum(message);
  }

  /**
   * A Quorum message for the current iteration claiming Valid(random hash) by every committee
   * member, with signatures it cannot have: only its own key signed anything.
   */
  private sendForgedQuorum(m: Message): void {
    if (m.type !== MessageType.Validation && m.type !== MessageType.Ratification) return;
    const header = m.signed.header;
    const fake = () => ({
      bitset: (1n << 64n) - 1n,
      signature: this.ctx.crypto.sign(this.ctx.key.secretKey, this.ctx.prng.bytes(32)),
    });
    const bytes = encodeMessage({
      type: MessageType.Quorum,
      header,
      attestation: {
        result: voteOf(VoteKind.Valid, this.ctx.prng.bytes(32)),
        validation: fake(),
        ratification: fake(),
      },
    });
    this.ctx.injected("forged-quorum", `${header.round}/${header.iteration}`);
    for (const t of this.ctx.peers()) this.ctx.send(t, bytes, 0);
  }

  /** A message the wrapped node receives (kept for replay). */
  incoming(_from: string, bytes: Uint8Array): void {
    if (!this.behaviours.has("replay")) return;
    if (this.recorded.length >= MAX_RECORDED) this.recorded.splice(this.ctx.prng.int(MAX_RECORDED), 1);
    this.recorded.push(bytes);
  }

  /** Rewrites a broadcast; true when it took care of sending. */
  private rewrite(m: Message, targets: string[], delay: () => number): boolean {
    const b = this.behaviours;
    if (m.type === MessageType.Candidate) {
      if (b.has("invalid-candidate") && this.ctx.prng.chance(0.7)) {
        const bad = this.invalidCandidate(m.block);
        for (const t of targets) this.ctx.send(t, bad, delay());
        return true;
      }
      if (b.has("equivocate")) {
        this.equivocateCandidate(m.block, targets, delay);
        return true;
      }
    }
    if (m.type === MessageType.Validation) {
      if (b.has("unknown-vote") && this.ctx.prng.chance(0.7)) {
        const vote = voteOf(VoteKind.Valid, this.ctx.prng.bytes(32));
        this.ctx.injected("unknown-block-vote", voteKeyOf(m.signed, StepKind.Validation));
        const bytes = encodeMessage({
          type: MessageType.Validation,
          signed: this.signVote(m.signed, StepKind.Validation, vote),
        });
        for (const t of targets) this.ctx.send(t, bytes, delay());
        return true;
      }
      if (b.has("double-vote")) {
        const other =
          m.signed.vote.kind === VoteKind.NoCandidate
            ? voteOf(VoteKind.Valid, this.ctx.prng.bytes(32))
            : voteOf(VoteKind.NoCandidate);
        const second = encodeMessage({
          type: MessageType.Validation,
          signed: this.signVote(m.signed, StepKind.Validation, other),
        });
        this.split(
          encodeMessage(m),
          second,
          targets,
          delay,
          "double-vote",
          voteKeyOf(m.signed, StepKind.Validation),
        );
        return true;
      }
    }
    if (
      m.type === MessageType.Ratification &&
      b.has("double-vote") &&
      m.signed.vote.kind !== VoteKind.NoQuorum
    ) {
      const second = encodeMessage({
        type: MessageType.Ratification,
        signed: this.signVote(m.signed, StepKind.Ratification, voteOf(VoteKind.NoQuorum)),
        validation: EMPTY_STEP_VOTES,
      });
      this.split(
        encodeMessage(m),
        second,
        targets,
        delay,
        "double-vote",
        voteKeyOf(m.signed, StepKind.Ratification),
      );
      return true;
    }
    return false;
  }

  /** Two different, validly signed candidates for one slot: some peers get one, some the other, some both. */
  private equivocateCandidate(block: Block, targets: string[], delay: () => number): void {
    const h = block.header;
    const altHeader = { ...h, timestampMs: h.timestampMs + 1 };
    const alt: Block = {
      ...block,
      header: {
        ...altHeader,
        signature: this.ctx.crypto.sign(this.ctx.key.secretKey, headerHash(altHeader)),
      },
    };
    this.split(
      encodeMessage({ type: MessageType.Candidate, block }),
      encodeMessage({ type: MessageType.Candidate, block: alt }),
      targets,
      delay,
      "double-candidate",
      `${h.height}/${h.iteration}/${toHex(h.generator)}`,
    );
  }

  private split(
    a: Uint8Array,
    b: Uint8Array,
    targets: string[],
    delay: () => number,
    kind: string,
    key: string,
  ): void {
    this.ctx.injected(kind, key);
    for (const t of targets) {
      const r = this.ctx.prng.float();
      if (r < 0.4) this.ctx.send(t, a, delay());
      else if (r < 0.8) this.ctx.send(t, b, delay());
      else {
        const [first, second] = this.ctx.prng.chance(0.5) ? [a, b] : [b, a];
        this.ctx.send(t, first, delay());
        this.ctx.send(t, second, delay());
      }
    }
  }

  /** The node's candidate with a wrong state root (re-signed) or a broken signature. */
  private invalidCandidate(block: Block): Uint8Array {
    const h = block.header;
    const key = `${h.height}/${h.iteration}`;
    if (this.ctx.prng.chance(0.5)) {
      const badHeader = { ...h, stateRoot: this.ctx.prng.bytes(32) };
      const signature = this.ctx.crypto.sign(this.ctx.key.secretKey, headerHash(badHeader));
      this.ctx.injected("invalid-candidate/state-root", key);
      return encodeMessage({
        type: MessageType.Candidate,
        block: { ...block, header: { ...badHeader, signature } },
      });
    }
    const signature = h.signature.slice();
    signature[signature.length - 1]! ^= 0x01;
    this.ctx.injected("invalid-candidate/signature", key);
    return encodeMessage({ type: MessageType.Candidate, block: { ...block, header: { ...h, signature } } });
  }

  /** A validly signed vote for a round far ahead (the header's parent hash is made up). */
  private sendFuture(m: Message): void {
    const round = roundOf(m);
    if (round < 0) return;
    const header = {
      round: round + FUTURE_ROUNDS_MIN + this.ctx.prng.int(1_000_000),
      iteration: 0,
      prevHash: this.ctx.prng.bytes(32),
    };
    const vote = voteOf(VoteKind.NoCandidate);
    const message = voteSigningMessage(this.ctx.chainId, header, StepKind.Validation, vote);
    const signed: SignedVote = {
      header,
      vote,
      signer: this.ctx.key.publicKey,
      signature: this.ctx.crypto.sign(this.ctx.key.secretKey, message),
    };
    const bytes = encodeMessage({ type: MessageType.Validation, signed });
    const peers = this.ctx.peers();
    if (peers.length === 0) return;
    this.ctx.injected("far-future-message", "");
    this.ctx.send(this.ctx.prng.pick(peers), bytes, 0);
  }

  private signVote(like: SignedVote, step: StepKind, vote: Vote): SignedVote {
    const message = voteSigningMessage(this.ctx.chainId, like.header, step, vote);
    return {
      header: like.header,
      vote,
      signer: this.ctx.key.publicKey,
      signature: this.ctx.crypto.sign(this.ctx.key.secretKey, message),
    };
  }
}

function voteKeyOf(s: SignedVote, step: StepKind): string {
  return `${s.header.round}/${s.header.iteration}/${StepKind[step]}/${toHex(s.signer)}`;
}
