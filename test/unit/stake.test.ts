// The genesis stake contract and per-block incentives (protocol/stake.ts, docs/STAKING.md):
// stake with proof of possession, maturity, top-up, unstake into unbonding, withdraw; rewards
// split per credit; soft and hard slashes; the contract's account covers every record.
import { describe, expect, it } from "vitest";
import { blsKeyFromSeed, blsProvePossession } from "../../protocol/bls.js";
import { DEVNET_PARAMS } from "../../protocol/params.js";
import {
  applyBlockIncentives,
  eligibleProvisioners,
  encodeStakeRecord,
  genesisStakeRecord,
  maturityHeight,
  readStake,
  STAKE_CONTRACT_ID,
  stakeHoldings,
  stakeInput,
  stakeKey,
} from "../../protocol/stake.js";
import { AccountState, StateOverlay } from "../../protocol/state.js";
import { type CallTx, signCall } from "../../protocol/transaction.js";
import { checkContractAdmission } from "../../workers/executor/contracts/admission.js";
import { applyTransactions } from "../../workers/executor/execute-block.js";
import { alice, bob, CHAIN_ID, EXEC, expectCode } from "./fixtures.js";

const P = { ...DEVNET_PARAMS.consensus, epochBlocks: 10, faultWindowRounds: 6 };
const MIN = P.minimumStake;
const keyA = blsKeyFromSeed(new Uint8Array(32).fill(11));
const keyB = blsKeyFromSeed(new Uint8Array(32).fill(12));
const genesisKey = blsKeyFromSeed(new Uint8Array(32).fill(13));
const FUND = new Uint8Array(32).fill(0xfd);

function initial(): AccountState {
  return AccountState.from(
    [
      [alice.publicKey, { balance: 10n * MIN, nonce: 0n }],
      [bob.publicKey, { balance: 10n * MIN, nonce: 0n }],
      [STAKE_CONTRACT_ID, { balance: 5n * MIN, nonce: 0n }],
    ],
    [[stakeKey(genesisKey.publicKey), encodeStakeRecord(genesisStakeRecord(5n * MIN, bob.publicKey))]],
  );
}

function call(
  from = alice,
  nonce: bigint,
  fn: string,
  input: Uint8Array,
  amount = 0n,
  gasLimit = 200_000n,
): CallTx {
  return signCall(from.secretKey, {
    chainId: CHAIN_ID,
    from: from.publicKey,
    contract: STAKE_CONTRACT_ID,
    fn,
    input,
    amount,
    nonce,
    gasLimit,
    gasPrice: 1n,
  });
}

const ctxAt = (height: number) => ({
  chainId: CHAIN_ID,
  params: EXEC,
  consensus: P,
  block: { height, timestampMs: 0 },
});

/** Applies and commits `txs` at `height`; returns the receipts. */
function run(state: AccountState, height: number, txs: CallTx[]) {
  const r = applyTransactions(state, txs, ctxAt(height));
  state.commit(r.overlay);
  return r.receipts;
}

function contractCovers(state: AccountState, keys: Uint8Array[]): void {
  const held = keys.reduce(
    (sum, k) => sum + (readStake(state, k) ? stakeHoldings(readStake(state, k)!) : 0n),
    0n,
  );
  expect(state.getAccount(STAKE_CONTRACT_ID).balance).toBe(held);
}

describe("stake contract", () => {
  it("stakes with a proof of possession, matures from the epoch after next, tops up, unstakes and withdraws", () => {
    const state = initial();
    const pop = blsProvePossession(keyA);
    // Refusals: wrong proof, below the minimum, unknown function, amount on unstake.
    const badPop = call(alice, 1n, "stake", stakeInput(keyA.publicKey, blsProvePossession(keyB)), MIN);
    expectCode(
      () => checkContractAdmission(badPop, state, { consensus: P, height: 3 }),
      "STAKE_BAD_POSSESSION",
    );
    const low = call(alice, 1n, "stake", stakeInput(keyA.publicKey, pop), MIN - 1n);
    expectCode(() => checkContractAdmission(low, state, { consensus: P, height: 3 }), "STAKE_BELOW_MINIMUM");
    const nope = call(alice, 1n, "delegate", stakeInput(keyA.publicKey), 0n);
    expectCode(
      () => checkContractAdmission(nope, state, { consensus: P, height: 3 }),
      "STAKE_UNKNOWN_FUNCTION",
    );
    // A refused call in a block reverts: the fee is charged, nothing else moves.
    const [reverted] = run(state, 3, [badPop]);
    expect(reverted!.status).toBe("reverted");
    expect(reverted!.error?.code).toBe("STAKE_BAD_POSSESSION");
    expect(state.getAccount(alice.publicKey).balance).toBe(10n * MIN - reverted!.gasUsed);
    expect(readStake(state, keyA.publicKey)).toBeUndefined();

    const [ok] = run(state, 3, [call(alice, 2n, "stake", stakeInput(keyA.publicKey, pop), 2n * MIN)]);
    expect(ok!.status).toBe("success");
    expect(ok!.gasUsed).toBeGreaterThan(EXEC.stakeGas);
    const r = readStake(state, keyA.publicKey)!;
    expect(r.owner).toEqual(alice.publicKey);
    expect(r.value).toBe(2n * MIN);
    // Staked in epoch 0 (height 3): eligible from the start of epoch 2.
    expect(r.eligibleFrom).toBe(maturityHeight(3, P));
    expect(r.eligibleFrom).toBe(20);
    const records = () =>
      [genesisKey.publicKey, keyA.publicKey].map((k) => [k, readStake(state, k)!] as const);
    expect(eligibleProvisioners(records(), 19, P).map((x) => x.stake)).toEqual([5n * MIN]);
    expect(eligibleProvisioners(records(), 20, P)).toHaveLength(2);
    contractCovers(state, [genesisKey.publicKey, keyA.publicKey]);

    // Someone else may not top up, unstake or withdraw.
    const foreign = call(bob, 1n, "unstake", stakeInput(keyA.publicKey));
    expectCode(() => checkContractAdmission(foreign, state, { consensus: P, height: 21 }), "STAKE_NOT_OWNER");
    // Top-up at 21 (epoch 2): the added value matures at 40, the rest stays eligible.
    run(state, 21, [call(alice, 3n, "stake", stakeInput(keyA.publicKey), MIN)]);
    const topped = readStake(state, keyA.publicKey)!;
    expect([topped.value, topped.pending, topped.pendingFrom]).toEqual([2n * MIN, MIN, 40]);
    const weightAt = (h: number) =>
      eligibleProvisioners(records(), h, P).find((x) => x.publicKey === keyA.publicKey)?.stake;
    expect(weightAt(39)).toBe(2n * MIN);
    expect(weightAt(40)).toBe(3n * MIN);

    // Unstake at 41: out of sortition at once, paid only after the fault window.
    const unstake = call(alice, 4n, "unstake", stakeInput(keyA.publicKey), 1n);
    expectCode(
      () => checkContractAdmission(unstake, state, { consensus: P, height: 41 }),
      "STAKE_AMOUNT_NOT_ALLOWED",
    );
    run(state, 41, [call(alice, 4n, "unstake", stakeInput(keyA.publicKey))]);
    const out = readStake(state, keyA.publicKey)!;
    expect([out.value, out.pending, out.unbonding, out.releaseAt]).toEqual([
      0n,
      0n,
      3n * MIN,
      41 + P.faultWindowRounds,
    ]);
    expect(weightAt(42)).toBeUndefined();
    const early = call(alice, 5n, "withdraw", stakeInput(keyA.publicKey));
    expectCode(
      () => checkContractAdmission(early, state, { consensus: P, height: 42 }),
      "STAKE_NOTHING_TO_WITHDRAW",
    );
    const before = state.getAccount(alice.publicKey).balance;
    const [w] = run(state, 41 + P.faultWindowRounds, [early]);
    expect(w!.status).toBe("success");
    expect(state.getAccount(alice.publicKey).balance).toBe(before + 3n * MIN - w!.gasUsed);
    // Nothing left: the record is gone.
    expect(readStake(state, keyA.publicKey)).toBeUndefined();
    contractCovers(state, [genesisKey.publicKey, keyA.publicKey]);
  });
});

describe("block incentives", () => {
  function staked(): AccountState {
    const state = initial();
    run(state, 1, [call(alice, 1n, "stake", stakeInput(keyA.publicKey, blsProvePossession(keyA)), 4n * MIN)]);
    return state;
  }

  it("pays the generator, the voters per credit and the development fund, and mints exactly the block reward", () => {
    const state = staked();
    const overlay = new StateOverlay(state);
    const supply = () =>
      [alice.publicKey, bob.publicKey, STAKE_CONTRACT_ID, FUND].reduce(
        (s, a) => s + overlay.getAccount(a).balance,
        0n,
      );
    const before = supply();
    const fees = 1_000_000n;
    const events = applyBlockIncentives(
      overlay,
      {
        height: 5,
        generator: genesisKey.publicKey,
        fees,
        voters: [
          { publicKey: keyA.publicKey, credits: 40 },
          { publicKey: genesisKey.publicKey, credits: 20 },
          { publicKey: keyA.publicKey, credits: 30 },
        ],
        missed: [],
        equivocators: [],
        devFund: FUND,
      },
      P,
    );
    const total = P.blockReward + fees;
    const perCredit = (total * BigInt(P.votersRewardPercent)) / 100n / BigInt(2 * P.committeeCredits);
    const generatorShare = (total * BigInt(P.generatorRewardPercent)) / 100n;
    expect(readStake(overlay, keyA.publicKey)!.reward).toBe(70n * perCredit);
    expect(readStake(overlay, genesisKey.publicKey)!.reward).toBe(generatorShare + 20n * perCredit);
    expect(overlay.getAccount(FUND).balance).toBe(total - generatorShare - 90n * perCredit);
    // Fees were already taken from senders: only the block reward is new.
    expect(supply() - before).toBe(total);
    // The generator once as generator and once as voter, keyA once for both of its entries.
    expect(events.filter((e) => e.kind === "reward")).toHaveLength(3);
  });

  it("soft-slashes a missed generation (locked share, suspension) and hard-slashes an equivocation, unbonding included", () => {
    const state = staked();
    // keyA unstakes first: its value is unbonding, yet still slashable.
    run(state, 2, [call(alice, 2n, "unstake", stakeInput(keyA.publicKey))]);
    const overlay = new StateOverlay(state);
    const events = applyBlockIncentives(
      overlay,
      {
        height: 25,
        generator: genesisKey.publicKey,
        fees: 0n,
        voters: [],
        missed: [genesisKey.publicKey],
        equivocators: [keyA.publicKey, keyA.publicKey],
        devFund: FUND,
      },
      P,
    );
    const a = readStake(overlay, keyA.publicKey)!;
    expect(a.unbonding).toBe(4n * MIN - (4n * MIN * BigInt(P.hardSlashPercent)) / 100n);
    expect(a.hardFaults).toBe(1);
    // Suspended for the rest of epoch 2 and suspensionEpochs (1) more: until 40.
    expect(a.suspendedUntil).toBe(40);
    const g = readStake(overlay, genesisKey.publicKey)!;
    expect(g.locked).toBe((5n * MIN * BigInt(P.softSlashPercent)) / 100n);
    expect(g.value + g.locked).toBe(5n * MIN);
    expect(g.softFaults).toBe(1);
    expect(events.map((e) => e.kind).sort()).toEqual(["hard-slash", "reward", "soft-slash"]);
    // A suspended provisioner drops out, unless nobody would be left.
    const recs = [[genesisKey.publicKey, g] as const];
    expect(eligibleProvisioners(recs, 30, P)).toHaveLength(1);
    state.commit(overlay);
    contractCovers(state, [genesisKey.publicKey, keyA.publicKey]);
  });
});
