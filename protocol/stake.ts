/**
 * The genesis stake contract, native behind the contract interface: a call transaction to
 * `STAKE_CONTRACT_ID` with `fn` "stake", "unstake" or "withdraw" (docs/STAKING.md). Its records
 * live in the key-value part of the ledger state (prefix 0x10 ‖ provisioner BLS key), so the
 * state root commits to them, and every coin it holds sits in the contract's own account:
 *
 *   balance(STAKE_CONTRACT_ID) = Σ value + pending + locked + unbonding + reward
 *
 * Lifecycle of one provisioner key (after Dusk's stake contract):
 * - stake: the first call carries the key's proof of possession (rogue-key defence for vote
 *   aggregation) and at least `minimumStake`; its caller becomes the owner. The value is
 *   eligible from the start of the epoch after next (maturity). A later call by the owner tops
 *   up: the added value matures the same way while the rest stays eligible.
 * - unstake: everything staked moves to `unbonding` and leaves sortition at once, but is paid
 *   out only `faultWindowRounds` blocks later, the window in which a fault can still be proven:
 *   a pending slash cannot be escaped by unstaking.
 * - withdraw: pays the accumulated rewards, and the unbonded value once released.
 *
 * Per block (`applyBlockIncentives`): hard slashes for the equivocations the block proves
 * (burn `hardSlashPercent` of everything staked, suspend), soft slashes for the generators the
 * header proves missed their turn (lock `softSlashPercent` of the active value, suspend), then
 * rewards: block reward + fees, `generatorRewardPercent` to the generator, `votersRewardPercent`
 * per credit to the members of the parent's attestation, the rest to the development fund.
 */

import { BLS_PUBLIC_KEY_BYTES, BLS_SIGNATURE_BYTES, blsVerifyPossession } from "./bls.js";
import { bytesEqual, compareBytes, toHex, utf8 } from "./bytes.js";
import { Reader, Writer } from "./codec.js";
import { ProtocolError } from "./errors.js";
import { domainHash, hash } from "./hash.js";
import type { ConsensusParams } from "./params.js";
import type { ContractEvent } from "./receipt.js";
import { ADDRESS_BYTES, type StateOverlay, type StateReader, U64_MAX } from "./state.js";

/** The stake contract's id (and account): not a deployment's, so no deployment can take it. */
export const STAKE_CONTRACT_ID = domainHash("stake-contract", new Uint8Array(0));

const STAKE_PREFIX = 0x10;
/** Owner, five amounts, four heights, two fault counts. */
const RECORD_BYTES = 32 + 8 * 9 + 4 * 2;
const ZERO_OWNER = new Uint8Array(ADDRESS_BYTES);

export type StakeFunction = "stake" | "unstake" | "withdraw";

/** One provisioner key's stake. Heights are block heights (the round a block is made in). */
export interface StakeRecord {
  /** Account allowed to top up, unstake and withdraw (all zeros: nobody). */
  readonly owner: Uint8Array;
  /** Active stake: sortition weight from `eligibleFrom` on. */
  readonly value: bigint;
  readonly eligibleFrom: number;
  /** A top-up not matured yet: joins the weight from `pendingFrom` on. */
  readonly pending: bigint;
  readonly pendingFrom: number;
  /** Moved out of `value` by soft slashes: no weight, returned on unstake. */
  readonly locked: bigint;
  /** Accumulated rewards, paid by withdraw. */
  readonly reward: bigint;
  /** Unstaked value, paid by withdraw from `releaseAt` on; still slashable until then. */
  readonly unbonding: bigint;
  readonly releaseAt: number;
  /** Not eligible before this height (soft or hard slash). */
  readonly suspendedUntil: number;
  /** Missed generations (soft faults) and proven equivocations (hard faults) so far. */
  readonly softFaults: number;
  readonly hardFaults: number;
}

export interface EligibleProvisioner {
  readonly publicKey: Uint8Array;
  readonly stake: bigint;
}

export function stakeKey(publicKey: Uint8Array): Uint8Array {
  const out = new Uint8Array(1 + BLS_PUBLIC_KEY_BYTES);
  out[0] = STAKE_PREFIX;
  out.set(publicKey, 1);
  return out;
}

/** The provisioner key of a stake entry key, or null for any other entry. */
export function provisionerOfStakeKey(entryKey: Uint8Array): Uint8Array | null {
  return entryKey.length === 1 + BLS_PUBLIC_KEY_BYTES && entryKey[0] === STAKE_PREFIX
    ? entryKey.subarray(1)
    : null;
}

export function encodeStakeRecord(r: StakeRecord): Uint8Array {
  const w = new Writer(RECORD_BYTES).fixed(r.owner, ADDRESS_BYTES);
  for (const v of [r.value, r.pending, r.locked, r.reward, r.unbonding]) w.u64(v);
  for (const h of [r.eligibleFrom, r.pendingFrom, r.releaseAt, r.suspendedUntil]) w.u64(BigInt(h));
  return w.u32(r.softFaults).u32(r.hardFaults).finish();
}

export function decodeStakeRecord(bytes: Uint8Array): StakeRecord {
  const r = new Reader(bytes);
  const owner = r.fixed(ADDRESS_BYTES, "stake owner");
  const [value, pending, locked, reward, unbonding] = [0, 1, 2, 3, 4].map(() => r.u64("stake amount")) as [
    bigint,
    bigint,
    bigint,
    bigint,
    bigint,
  ];
  const [eligibleFrom, pendingFrom, releaseAt, suspendedUntil] = [0, 1, 2, 3].map(() =>
    r.safeU64("stake height"),
  ) as [number, number, number, number];
  const softFaults = r.u32("stake soft faults");
  const hardFaults = r.u32("stake hard faults");
  r.end("stake record");
  return {
    owner,
    value,
    eligibleFrom,
    pending,
    pendingFrom,
    locked,
    reward,
    unbonding,
    releaseAt,
    suspendedUntil,
    softFaults,
    hardFaults,
  };
}

export function readStake(state: StateReader, publicKey: Uint8Array): StakeRecord | undefined {
  const bytes = state.getEntry(stakeKey(publicKey));
  return bytes === undefined ? undefined : decodeStakeRecord(bytes);
}

function writeStake(overlay: StateOverlay, publicKey: Uint8Array, r: StakeRecord): void {
  const empty = stakeHoldings(r) === 0n;
  overlay.setEntry(stakeKey(publicKey), empty ? null : encodeStakeRecord(r));
}

/** First height of the epoch after next: when a stake made at `height` matures. */
export function maturityHeight(height: number, p: ConsensusParams): number {
  return (Math.floor(height / p.epochBlocks) + 2) * p.epochBlocks;
}

/**
 * A slashed provisioner sits out the rest of this epoch and `suspensionEpochs` more; 0 turns
 * suspension off (the simulator keeps its provisioner set fixed that way).
 */
export function suspensionEnd(height: number, p: ConsensusParams): number {
  if (p.suspensionEpochs === 0) return 0;
  return (Math.floor(height / p.epochBlocks) + 1 + p.suspensionEpochs) * p.epochBlocks;
}

/** The record as seen at `height`: a matured top-up folded into the active value. */
export function matured(r: StakeRecord, height: number): StakeRecord {
  if (r.pending === 0n || height < r.pendingFrom) return r;
  return { ...r, value: r.value + r.pending, pending: 0n, pendingFrom: 0 };
}

/** Sortition weight of a record for a block at `height` (0 when not eligible). */
export function stakeWeight(r: StakeRecord, height: number, p: ConsensusParams): bigint {
  if (height < r.suspendedUntil) return 0n;
  const m = matured(r, height);
  const weight = height >= m.eligibleFrom ? m.value : 0n;
  return weight >= p.minimumStake ? weight : 0n;
}

/**
 * Provisioners eligible for the round at `height`, sorted by key. If slashing left nobody
 * eligible, suspensions are ignored rather than halting the chain (every node derives the same
 * fallback from the same records).
 */
export function eligibleProvisioners(
  records: Iterable<readonly [Uint8Array, StakeRecord]>,
  height: number,
  p: ConsensusParams,
): EligibleProvisioner[] {
  const all = [...records];
  const pick = (ignoreSuspension: boolean): EligibleProvisioner[] =>
    all
      .map(([publicKey, r]) => ({
        publicKey,
        stake: stakeWeight(ignoreSuspension ? { ...r, suspendedUntil: 0 } : r, height, p),
      }))
      .filter((x) => x.stake > 0n)
      .sort((a, b) => compareBytes(a.publicKey, b.publicKey));
  const set = pick(false);
  return set.length > 0 ? set : pick(true);
}

/** Genesis stake records: mature from the first block, owned by the genesis `owner` if any. */
export function genesisStakeRecord(value: bigint, owner: Uint8Array | null): StakeRecord {
  return {
    owner: owner ?? ZERO_OWNER,
    value,
    eligibleFrom: 0,
    pending: 0n,
    pendingFrom: 0,
    locked: 0n,
    reward: 0n,
    unbonding: 0n,
    releaseAt: 0,
    suspendedUntil: 0,
    softFaults: 0,
    hardFaults: 0,
  };
}

// ---- calls ----------------------------------------------------------------------------------

export interface StakeCall {
  readonly from: Uint8Array;
  readonly amount: bigint;
  readonly fn: string;
  readonly input: Uint8Array;
}

function fail(code: ConstructorParameters<typeof ProtocolError>[0], message: string, data = {}): never {
  throw new ProtocolError(code, message, data);
}

/** Input of each function: stake takes key ‖ proof of possession (the proof may be left out on a top-up). */
function parseInput(call: StakeCall): { publicKey: Uint8Array; pop: Uint8Array | null } {
  const n = call.input.length;
  if (call.fn === "stake") {
    if (n !== BLS_PUBLIC_KEY_BYTES && n !== BLS_PUBLIC_KEY_BYTES + BLS_SIGNATURE_BYTES) {
      fail(
        "STAKE_INVALID_INPUT",
        `stake input is a 48-byte key and a 96-byte proof of possession, got ${n} bytes`,
      );
    }
    return {
      publicKey: call.input.slice(0, BLS_PUBLIC_KEY_BYTES),
      pop: n === BLS_PUBLIC_KEY_BYTES ? null : call.input.slice(BLS_PUBLIC_KEY_BYTES),
    };
  }
  if (call.fn === "unstake" || call.fn === "withdraw") {
    if (n !== BLS_PUBLIC_KEY_BYTES)
      fail("STAKE_INVALID_INPUT", `${call.fn} input is a 48-byte key, got ${n} bytes`);
    return { publicKey: call.input.slice(), pop: null };
  }
  return fail("STAKE_UNKNOWN_FUNCTION", `the stake contract has no function ${call.fn}`, { fn: call.fn });
}

/** Checked proofs of possession (key ‖ proof hash), bounded: admission and execution check the same one. */
const checkedPossession = new Set<string>();
const CHECKED_POSSESSION_MAX = 1_024;

function possessionHolds(publicKey: Uint8Array, pop: Uint8Array): boolean {
  const id = toHex(hash(new Writer(160).raw(publicKey).raw(pop).finish()));
  if (checkedPossession.has(id)) return true;
  if (!blsVerifyPossession(publicKey, pop)) return false;
  if (checkedPossession.size >= CHECKED_POSSESSION_MAX) checkedPossession.clear();
  checkedPossession.add(id);
  return true;
}

function owned(r: StakeRecord | undefined, from: Uint8Array, publicKey: Uint8Array): StakeRecord {
  if (r === undefined)
    return fail("STAKE_NOT_FOUND", `no stake for ${toHex(publicKey)}`, { provisioner: toHex(publicKey) });
  if (!bytesEqual(r.owner, from)) {
    fail("STAKE_NOT_OWNER", "only the stake's owner may do this", { owner: toHex(r.owner) });
  }
  return r;
}

/**
 * What a call would do, without doing it: the new record and the amount paid out to the
 * caller. Throws a STAKE_* error for a call that can only fail (admission refuses those).
 */
export function planStakeCall(
  state: StateReader,
  call: StakeCall,
  height: number,
  p: ConsensusParams,
): { publicKey: Uint8Array; record: StakeRecord; payout: bigint; event: string } {
  const { publicKey, pop } = parseInput(call);
  const existing = readStake(state, publicKey);
  if (call.fn !== "stake" && call.amount !== 0n) {
    fail("STAKE_AMOUNT_NOT_ALLOWED", `${call.fn} moves no amount in; send 0`, {
      amount: String(call.amount),
    });
  }
  if (call.fn === "stake") {
    if (call.amount === 0n) fail("STAKE_BELOW_MINIMUM", "a stake must move a positive amount");
    const from = maturityHeight(height, p);
    if (existing === undefined || existing.value + existing.pending === 0n) {
      if (pop === null) fail("STAKE_BAD_POSSESSION", "a first stake needs the key's proof of possession");
      if (!possessionHolds(publicKey, pop))
        fail("STAKE_BAD_POSSESSION", "the proof of possession does not verify");
      if (existing !== undefined) owned(existing, call.from, publicKey);
      if (call.amount < p.minimumStake) {
        fail("STAKE_BELOW_MINIMUM", `stake ${call.amount} is below the minimum ${p.minimumStake}`, {
          minimum: String(p.minimumStake),
        });
      }
      const base = existing ?? genesisStakeRecord(0n, call.from);
      return {
        publicKey,
        record: { ...base, value: call.amount, eligibleFrom: from },
        payout: 0n,
        event: "stake",
      };
    }
    const r = matured(owned(existing, call.from, publicKey), height);
    if (r.value + r.pending + call.amount > U64_MAX) fail("STAKE_INVALID_INPUT", "stake would overflow u64");
    return {
      publicKey,
      record: { ...r, pending: r.pending + call.amount, pendingFrom: from },
      payout: 0n,
      event: "topup",
    };
  }
  const r = matured(owned(existing, call.from, publicKey), height);
  if (call.fn === "unstake") {
    const moving = r.value + r.pending + r.locked;
    if (moving === 0n) fail("STAKE_NOTHING_TO_WITHDRAW", "nothing is staked");
    return {
      publicKey,
      record: {
        ...r,
        value: 0n,
        pending: 0n,
        pendingFrom: 0,
        locked: 0n,
        unbonding: r.unbonding + moving,
        releaseAt: height + p.faultWindowRounds,
      },
      payout: 0n,
      event: "unstake",
    };
  }
  const released = r.unbonding > 0n && height >= r.releaseAt ? r.unbonding : 0n;
  const payout = r.reward + released;
  if (payout === 0n) {
    fail("STAKE_NOTHING_TO_WITHDRAW", "no rewards, and no unbonded stake released yet", {
      releaseAt: r.releaseAt,
    });
  }
  return {
    publicKey,
    record: {
      ...r,
      reward: 0n,
      unbonding: r.unbonding - released,
      releaseAt: released > 0n ? 0 : r.releaseAt,
    },
    payout,
    event: "withdraw",
  };
}

/**
 * Applies a call on `overlay` (the sender's fee and nonce are the caller's business): moves
 * the amount in or the payout out through the contract's account. Returns the event.
 */
export function applyStakeCall(
  overlay: StateOverlay,
  call: StakeCall,
  height: number,
  p: ConsensusParams,
): ContractEvent {
  const plan = planStakeCall(overlay, call, height, p);
  const contract = overlay.getAccount(STAKE_CONTRACT_ID);
  const sender = overlay.getAccount(call.from);
  if (call.amount > 0n) {
    overlay.setAccount(call.from, { ...sender, balance: sender.balance - call.amount });
    overlay.setAccount(STAKE_CONTRACT_ID, { ...contract, balance: contract.balance + call.amount });
  } else if (plan.payout > 0n) {
    overlay.setAccount(STAKE_CONTRACT_ID, { ...contract, balance: contract.balance - plan.payout });
    overlay.setAccount(call.from, { ...sender, balance: sender.balance + plan.payout });
  }
  writeStake(overlay, plan.publicKey, plan.record);
  return stakeEvent(plan.event, plan.publicKey, call.amount > 0n ? call.amount : plan.payout);
}

function stakeEvent(topic: string, publicKey: Uint8Array, amount: bigint): ContractEvent {
  return {
    contract: STAKE_CONTRACT_ID,
    topic: utf8.encode(topic),
    data: new Writer(56).fixed(publicKey, BLS_PUBLIC_KEY_BYTES).u64(amount).finish(),
  };
}

// ---- per-block incentives -------------------------------------------------------------------

export interface BlockIncentives {
  readonly height: number;
  readonly generator: Uint8Array;
  /** Fees paid by the block's transactions (gas used × gas price). */
  readonly fees: bigint;
  /** Members of the parent's attestation (validation and ratification) with their credits. */
  readonly voters: ReadonlyArray<{ readonly publicKey: Uint8Array; readonly credits: number }>;
  /** Generators the header proves missed their iteration (NoCandidate). */
  readonly missed: readonly Uint8Array[];
  /** Offenders of the equivocations the block proves. */
  readonly equivocators: readonly Uint8Array[];
  /** Where the development fund's share goes. */
  readonly devFund: Uint8Array;
}

export type IncentiveEventKind = "reward" | "soft-slash" | "hard-slash";

/** What the incentives did to one provisioner in one block (kept by the node; not in the state root). */
export interface IncentiveEvent {
  readonly kind: IncentiveEventKind;
  readonly height: number;
  readonly provisioner: Uint8Array;
  /** Reward credited, value locked or value burned. */
  readonly amount: bigint;
  /** Soft and hard slashes: the height the suspension ends. */
  readonly suspendedUntil?: number;
}

function percentOf(amount: bigint, percent: number): bigint {
  return (amount * BigInt(percent)) / 100n;
}

/**
 * Slashes, then rewards, on `overlay` (docs/STAKING.md). Deterministic from the block and the
 * parent state, so every validator reaches the same state root. Returns what happened.
 */
export function applyBlockIncentives(
  overlay: StateOverlay,
  b: BlockIncentives,
  p: ConsensusParams,
): IncentiveEvent[] {
  const events: IncentiveEvent[] = [];
  let contractDelta = 0n;
  const until = suspensionEnd(b.height, p);
  const seen = new Set<string>();
  for (const offender of b.equivocators) {
    const id = toHex(offender);
    if (seen.has(id)) continue; // one hard slash per offender per block
    seen.add(id);
    const r0 = readStake(overlay, offender);
    if (r0 === undefined) continue;
    const r = matured(r0, b.height);
    const cut = (v: bigint) => percentOf(v, p.hardSlashPercent);
    const burned = cut(r.value) + cut(r.pending) + cut(r.locked) + cut(r.unbonding);
    writeStake(overlay, offender, {
      ...r,
      value: r.value - cut(r.value),
      pending: r.pending - cut(r.pending),
      locked: r.locked - cut(r.locked),
      unbonding: r.unbonding - cut(r.unbonding),
      suspendedUntil: Math.max(r.suspendedUntil, until),
      hardFaults: r.hardFaults + 1,
    });
    contractDelta -= burned;
    events.push({
      kind: "hard-slash",
      height: b.height,
      provisioner: offender,
      amount: burned,
      suspendedUntil: until,
    });
  }
  for (const generator of b.missed) {
    const r0 = readStake(overlay, generator);
    if (r0 === undefined) continue;
    const r = matured(r0, b.height);
    const lock = percentOf(r.value, p.softSlashPercent);
    writeStake(overlay, generator, {
      ...r,
      value: r.value - lock,
      locked: r.locked + lock,
      suspendedUntil: Math.max(r.suspendedUntil, until),
      softFaults: r.softFaults + 1,
    });
    events.push({
      kind: "soft-slash",
      height: b.height,
      provisioner: generator,
      amount: lock,
      suspendedUntil: until,
    });
  }
  const total = p.blockReward + b.fees;
  const generatorShare = percentOf(total, p.generatorRewardPercent);
  const votersPool = percentOf(total, p.votersRewardPercent);
  // Per credit of both committees of the parent's attestation; absent credits go to the fund.
  const perCredit = votersPool / BigInt(2 * p.committeeCredits);
  let paid = 0n;
  const credit = (publicKey: Uint8Array, amount: bigint): boolean => {
    const r = readStake(overlay, publicKey);
    if (r === undefined || amount === 0n) return false;
    writeStake(overlay, publicKey, { ...r, reward: r.reward + amount });
    events.push({ kind: "reward", height: b.height, provisioner: publicKey, amount });
    paid += amount;
    return true;
  };
  credit(b.generator, generatorShare);
  const byVoter = new Map<string, { publicKey: Uint8Array; credits: number }>();
  for (const v of b.voters) {
    const id = toHex(v.publicKey);
    const prev = byVoter.get(id);
    byVoter.set(id, { publicKey: v.publicKey, credits: (prev?.credits ?? 0) + v.credits });
  }
  for (const v of [...byVoter.values()].sort((x, y) => compareBytes(x.publicKey, y.publicKey))) {
    credit(v.publicKey, perCredit * BigInt(v.credits));
  }
  contractDelta += paid;
  const fund = total - paid;
  if (contractDelta !== 0n) {
    const c = overlay.getAccount(STAKE_CONTRACT_ID);
    overlay.setAccount(STAKE_CONTRACT_ID, { ...c, balance: c.balance + contractDelta });
  }
  if (fund > 0n) {
    const f = overlay.getAccount(b.devFund);
    overlay.setAccount(b.devFund, { ...f, balance: f.balance + fund });
  }
  return events;
}

/** Default development fund address of a chain (a genesis may name another). */
export function defaultDevFund(chainId: string): Uint8Array {
  return domainHash("dev-fund", utf8.encode(chainId));
}

/** Input of a stake call: the key, and its proof of possession on a first stake. */
export function stakeInput(publicKey: Uint8Array, proofOfPossession?: Uint8Array): Uint8Array {
  const w = new Writer(BLS_PUBLIC_KEY_BYTES + BLS_SIGNATURE_BYTES).fixed(publicKey, BLS_PUBLIC_KEY_BYTES);
  if (proofOfPossession !== undefined) w.fixed(proofOfPossession, BLS_SIGNATURE_BYTES);
  return w.finish();
}

/** Sum of every amount a record holds (what the contract's account must cover for it). */
export function stakeHoldings(r: StakeRecord): bigint {
  return r.value + r.pending + r.locked + r.reward + r.unbonding;
}
