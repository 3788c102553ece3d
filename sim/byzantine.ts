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
  type StepVotes,
  type Vote,
  VoteKind,
  voteOf,
  voteSigningMessage,
} from "../protocol/attestation.js";
import type { Block } from "../protocol/block.js";
import { headerHash } from "../protocol/block.js";
import type { BlsKeyPair } from "../protocol/bls.js";
import { toHex } from "../protocol/bytes.js";
import { hash } from "../protocol/hash.js";
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
  "vote-both",
  "bad-sync",
] as const;
export type ByzantineKind = (typeof BYZANTINE_KINDS)[number];

/**
 * Behaviours drawn by default: all but `forged-quorum` (opt-in: it only exercises the quorum
 * check). `vote-both` joined the defaults with the sweeps of docs/SIMULATOR.md "Sweeps on the
 * consensus-liveness core"; seeds of earlier sweeps replay with `--behaviours` and the first eight.
 */
export const DEFAULT_BYZANTINE_KINDS: readonly ByzantineKind[] = BYZANTINE_KINDS.filter(
  (k) => k !== "forged-quorum" && k !== "bad-sync",
);

/** Kinds of fault injected (a behaviour may inject several), with the log event that detects it. */
export const FAULT_DETECTORS: Readonly<Record<string, string | null>> = {
  "double-candidate": "fault-double-candidate",
  "double-vote": "fault-double-vote",
  "invalid-candidate/state-root": "candidate-invalid",
  "invalid-candidate/signature": "candidate-bad-signature",
  "unknown-block-vote": "vote-unknown-block",
  "silenced-message": null,
  "delayed-message": null,
  "replayed-message": "message-stale",
  "far-future-message": "message-far-future",
  "forged-quorum": "quorum-invalid",
  "double-vote/two-candidates": "fault-double-vote",
  "bad-sync/forged-block": "synced-block-invalid",
  "bad-sync/withheld": null,
};

/** Messages kept for replay. */
const MAX_RECORDED = 256;
/** Slots (round, iteration, parent) a `vote-both` actor tracks candidates and proofs for. */
const MAX_TRACKED_SLOTS = 64;
/** Candidates tracked per slot. */
const MAX_CANDIDATES_PER_SLOT = 4;

/**
 * What a `vote-both` actor knows of one slot: the candidates seen, the validation proofs seen in
 * ratification votes (per candidate), whether its node showed it sits on each committee (its
 * node voted there), and which votes it has sent.
 */
interface Slot {
  readonly header: SignedVote["header"];
  readonly candidates: Map<string, Uint8Array>;
  readonly proofs: Map<string, StepVotes>;
  validationMember: boolean;
  ratificationMember: boolean;
  readonly sentValidation: Set<string>;
  readonly sentRatification: Set<string>;
  /** Steps whose double vote was counted as injected (once, when membership is known). */
  readonly counted: Set<StepKind>;
}
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
  private readonly slots = new Map<string, Slot>();

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
    if (
      message !== null &&
      peer !== null &&
      message.type === MessageType.Blocks &&
      this.behaviours.has("bad-sync")
    )
      handled = this.badSyncAnswer(peer, message, delay);
    if (message !== null && peer === null && this.behaviours.has("vote-both"))
      handled = this.voteBothOutgoing(message, targets, delay);
    if (!handled && message !== null && peer === null) handled = this.rewrite(message, targets, delay);
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
        ctx.injected("replayed-message", toHex(hash(old)));
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

  /** A message the wrapped node receives (kept for replay; candidates and proofs for vote-both). */
  incoming(_from: string, bytes: Uint8Array): void {
    if (this.behaviours.has("vote-both") && !this.behaviours.has("silent")) this.voteBothIncoming(bytes);
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

  /**
   * A byzantine answer to a block request: half the time the first block comes back forged (a
   * transaction dropped or the state root changed, the header re-signed with this node's key:
   * the attestation its child carries no longer names it), else the answer is withheld (an
   * empty list, as if this node had nothing).
   */
  private badSyncAnswer(peer: string, m: Message, delay: () => number): boolean {
    if (m.type !== MessageType.Blocks) return false;
    const first = m.blocks[0];
    if (first === undefined || this.ctx.prng.chance(0.5)) {
      this.ctx.injected("bad-sync/withheld", "");
      this.ctx.send(
        peer,
        encodeMessage({ type: MessageType.Blocks, blocks: [], tipAttestation: null }),
        delay(),
      );
      return true;
    }
    const h = first.header;
    const forgedHeader = { ...h, stateRoot: this.ctx.prng.bytes(32) };
    const forged: Block = {
      ...first,
      header: {
        ...forgedHeader,
        signature: this.ctx.crypto.sign(this.ctx.key.secretKey, headerHash(forgedHeader)),
      },
    };
    this.ctx.injected("bad-sync/forged-block", `${this.ctx.id}/${h.height}`);
    const bytes = encodeMessage({ ...m, blocks: [forged, ...m.blocks.slice(1)] });
    this.ctx.send(peer, bytes, delay());
    return true;
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
    this.ctx.injected("far-future-message", `${header.round}/${header.iteration}`);
    this.ctx.send(this.ctx.prng.pick(peers), bytes, 0);
  }

  // ---- vote-both: votes for every candidate of a step, as generator two candidates -------

  /**
   * Which of two candidates a peer is steered to first: the same rule in every actor (the
   * coalition needs no channel), so the equivocating generator and the double voters split the
   * honest nodes the same way and each side can see a quorum for "its" candidate.
   */
  private sideOf(slotKey: string, peer: string): 0 | 1 {
    // Every node (this one included) ranked by a hash of (slot, id): the first half is side 0.
    // Actors share the peer set, so they compute the same halves; the halves are balanced.
    const rank = (id: string): number => {
      let h = 0;
      for (const c of `${slotKey}/${id}`) h = (Math.imul(h, 31) + c.charCodeAt(0)) | 0;
      return h;
    };
    const all = [...this.ctx.peers(), this.ctx.id].sort((x, y) => rank(x) - rank(y) || (x < y ? -1 : 1));
    return all.indexOf(peer) < all.length / 2 ? 0 : 1;
  }

  private slotOf(header: SignedVote["header"]): { key: string; slot: Slot } {
    const key = `${header.round}/${header.iteration}/${toHex(header.prevHash)}`;
    let slot = this.slots.get(key);
    if (slot === undefined) {
      if (this.slots.size >= MAX_TRACKED_SLOTS) {
        const oldest = this.slots.keys().next().value;
        if (oldest !== undefined) this.slots.delete(oldest);
      }
      slot = {
        header,
        candidates: new Map(),
        proofs: new Map(),
        validationMember: false,
        ratificationMember: false,
        sentValidation: new Set(),
        sentRatification: new Set(),
        counted: new Set(),
      };
      this.slots.set(key, slot);
    }
    return { key, slot };
  }

  private voteBothIncoming(bytes: Uint8Array): void {
    let m: Message;
    try {
      m = decodeMessage(bytes);
    } catch {
      return;
    }
    if (m.type === MessageType.Candidate) {
      const h = m.block.header;
      this.learnCandidate({ round: h.height, iteration: h.iteration, prevHash: h.prevHash }, headerHash(h));
    } else if (m.type === MessageType.Ratification && m.signed.vote.kind === VoteKind.Valid) {
      const { key, slot } = this.slotOf(m.signed.header);
      const hex = toHex(m.signed.vote.hash);
      if (!slot.proofs.has(hex)) {
        slot.proofs.set(hex, m.validation);
        this.sendBoth(key, slot, StepKind.Ratification);
      }
    }
  }

  private learnCandidate(header: SignedVote["header"], hash: Uint8Array): void {
    const { key, slot } = this.slotOf(header);
    const hex = toHex(hash);
    if (slot.candidates.has(hex) || slot.candidates.size >= MAX_CANDIDATES_PER_SLOT) return;
    slot.candidates.set(hex, hash);
    // Votes on every branch and for every candidate, member or not (a non-member's vote is
    // dropped by honest nodes; it cannot know the committees of a branch its node is not on).
    this.sendBoth(key, slot, StepKind.Validation);
  }

  /**
   * Own messages: as generator, two candidates split between the sides; as a committee member,
   * the node's own vote plus a Valid vote for every other candidate (validation) or every other
   * proven Valid result (ratification) of the slot, each side getting its own candidate's first.
   */
  private voteBothOutgoing(m: Message, targets: string[], delay: () => number): boolean {
    if (m.type === MessageType.Candidate) {
      const block = m.block;
      const h = block.header;
      const altHeader = { ...h, timestampMs: h.timestampMs + 1 };
      const alt: Block = {
        ...block,
        header: {
          ...altHeader,
          signature: this.ctx.crypto.sign(this.ctx.key.secretKey, headerHash(altHeader)),
        },
      };
      const slotHeader = { round: h.height, iteration: h.iteration, prevHash: h.prevHash };
      const [first, second] = [block, alt].sort((x, y) =>
        toHex(headerHash(x.header)) < toHex(headerHash(y.header)) ? -1 : 1,
      ) as [Block, Block];
      this.learnCandidate(slotHeader, headerHash(first.header));
      this.learnCandidate(slotHeader, headerHash(second.header));
      const { key } = this.slotOf(slotHeader);
      this.ctx.injected("double-candidate", `${h.height}/${h.iteration}/${toHex(h.generator)}`);
      const bytes = [first, second].map((b) => encodeMessage({ type: MessageType.Candidate, block: b }));
      // Each side gets only its own candidate (honest relays carry the other one over later).
      for (const t of targets) this.ctx.send(t, bytes[this.sideOf(key, t)]!, delay());
      return true;
    }
    if (m.type !== MessageType.Validation && m.type !== MessageType.Ratification) return false;
    const { key, slot } = this.slotOf(m.signed.header);
    if (m.type === MessageType.Validation) {
      slot.validationMember = true;
      if (m.signed.vote.kind === VoteKind.Valid) {
        const hex = toHex(m.signed.vote.hash);
        if (!slot.candidates.has(hex) && slot.candidates.size < MAX_CANDIDATES_PER_SLOT)
          slot.candidates.set(hex, m.signed.vote.hash);
      }
    } else {
      slot.ratificationMember = true;
      if (m.signed.vote.kind === VoteKind.Valid) {
        const hex = toHex(m.signed.vote.hash);
        if (!slot.proofs.has(hex)) slot.proofs.set(hex, m.validation);
      }
    }
    const step = m.type === MessageType.Validation ? StepKind.Validation : StepKind.Ratification;
    if (m.signed.vote.kind !== VoteKind.Valid) {
      // The node voted a failure (no candidate seen yet, or no quorum): send that as it is, and
      // Valid for whatever the slot holds.
      for (const t of targets) this.ctx.send(t, encodeMessage(m), delay());
      const sent = step === StepKind.Validation ? slot.sentValidation : slot.sentRatification;
      sent.add("failure");
    }
    // Nothing new to vote for: a re-send of the node's own vote after a step timeout.
    if (!this.sendBoth(key, slot, step, targets, delay) && m.signed.vote.kind === VoteKind.Valid)
      for (const t of targets) this.ctx.send(t, encodeMessage(m), delay());
    return true;
  }

  /** Sends a Valid vote of `step` for every candidate (or proven result) not voted for yet. */
  private sendBoth(
    key: string,
    slot: Slot,
    step: StepKind.Validation | StepKind.Ratification,
    targets: string[] = this.ctx.peers(),
    delay: () => number = () => 0,
  ): boolean {
    const sent = step === StepKind.Validation ? slot.sentValidation : slot.sentRatification;
    const hashes = step === StepKind.Validation ? [...slot.candidates.keys()] : [...slot.proofs.keys()];
    const fresh = hashes.filter((h) => !sent.has(h)).sort();
    for (const h of fresh) sent.add(h);
    // The fault: two votes of one step by a committee member (its node voted there, so it is
    // one); counted once per step, when both the membership and the second vote are known.
    const member = step === StepKind.Validation ? slot.validationMember : slot.ratificationMember;
    if (member && sent.size >= 2 && !slot.counted.has(step)) {
      slot.counted.add(step);
      this.ctx.injected(
        "double-vote/two-candidates",
        `${slot.header.round}/${slot.header.iteration}/${StepKind[step]}/${toHex(this.ctx.key.publicKey)}`,
      );
    }
    if (fresh.length === 0) return false;
    const votes = fresh.map((hex) => {
      const vote = voteOf(
        VoteKind.Valid,
        step === StepKind.Validation ? slot.candidates.get(hex)! : fromHexKey(slot, hex),
      );
      const signed = this.signVote(
        { header: slot.header, vote, signer: this.ctx.key.publicKey, signature: new Uint8Array(0) },
        step,
        vote,
      );
      return step === StepKind.Validation
        ? encodeMessage({ type: MessageType.Validation, signed })
        : encodeMessage({ type: MessageType.Ratification, signed, validation: slot.proofs.get(hex)! });
    });
    // With two or more hashes in the slot, each vote goes only to the side steered to its
    // candidate (the same rule the generator used), so each side counts it for "its" block.
    const all = [...hashes].sort();
    fresh.forEach((hex, i) => {
      const side = all.indexOf(hex) % 2;
      for (const t of targets) {
        if (all.length < 2 || this.sideOf(key, t) === side) this.ctx.send(t, votes[i]!, delay());
      }
    });
    return true;
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

/** The hash bytes of a proven result of `slot` (kept beside its proof). */
function fromHexKey(slot: Slot, hex: string): Uint8Array {
  const known = slot.candidates.get(hex);
  if (known !== undefined) return known;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function voteKeyOf(s: SignedVote, step: StepKind): string {
  return `${s.header.round}/${s.header.iteration}/${StepKind[step]}/${toHex(s.signer)}`;
}
