// The staking lifecycle through consensus (docs/STAKING.md): a provisioner staked by a
// transaction becomes eligible after maturity, is elected, earns rewards, unstakes and
// withdraws; an equivocating one is hard-slashed even after it unstaked.
import { describe, expect, it } from "vitest";
import { blsKeyFromSeed, blsProvePossession } from "../../protocol/bls.js";
import { bytesEqual } from "../../protocol/bytes.js";
import type { Ed25519KeyPair } from "../../protocol/ed25519.js";
import { devGenesisJson, parseGenesis } from "../../protocol/genesis.js";
import { devAccountKey, devProvisionerKey } from "../../protocol/keys.js";
import { STAKE_CONTRACT_ID, stakeHoldings, stakeInput } from "../../protocol/stake.js";
import { encodeTransaction, signCall, transactionIdHex } from "../../protocol/transaction.js";
import type { NodeApi } from "../../workers/consensus/node-api.js";
import { CHAIN_ID, GENESIS_TIME_MS, injectDoubleVote, SEED, TestNetwork } from "./harness.js";

// Short epochs and fault window so maturity and unbonding pass in a few blocks.
const genesis = parseGenesis({
  ...devGenesisJson({
    seed: SEED,
    chainId: CHAIN_ID,
    provisioners: 4,
    accounts: 8,
    timestampMs: GENESIS_TIME_MS,
  }),
  params: { consensus: { epochBlocks: 2, faultWindowRounds: 6 } },
});
const P = genesis.params.consensus;

async function network(extra: number): Promise<TestNetwork> {
  const ids = Array.from({ length: 4 + extra }, (_, i) => `node-${i}`);
  const net = new TestNetwork(genesis, ids);
  for (let i = 4; i < 4 + extra; i++) net.extraKeys.set(i, blsKeyFromSeed(new Uint8Array(32).fill(100 + i)));
  for (let i = 0; i < ids.length; i++) await net.open(i);
  return net;
}

const nonces = new Map<string, bigint>();
async function stakeCall(node: NodeApi, owner: Ed25519KeyPair, fn: string, input: Uint8Array, amount = 0n) {
  const id = owner.publicKey.join(",");
  const nonce = (nonces.get(id) ?? 0n) + 1n;
  nonces.set(id, nonce);
  const tx = signCall(owner.secretKey, {
    chainId: CHAIN_ID,
    from: owner.publicKey,
    contract: STAKE_CONTRACT_ID,
    fn,
    input,
    amount,
    nonce,
    gasLimit: 500_000n,
    gasPrice: 1n,
  });
  await node.submitTransaction(encodeTransaction(tx));
  return transactionIdHex(tx);
}

const included = (node: NodeApi, id: string) => () => node.transaction(id)?.status === "included";

describe("staking through consensus", () => {
  it("a provisioner staked by a transaction becomes eligible, is elected, earns rewards, unstakes and withdraws", {
    timeout: 300_000,
  }, async () => {
    nonces.clear();
    const net = await network(1);
    const key = net.extraKeys.get(4)!;
    const owner = devAccountKey(SEED, 6);
    const n0 = net.node(0);
    await net.runUntil(() => n0.status().height >= 1, 60_000);
    // A stake without a valid proof of possession is refused at submission.
    await expect(
      stakeCall(
        n0,
        owner,
        "stake",
        stakeInput(key.publicKey, blsProvePossession(devProvisionerKey(SEED, 0))),
        P.minimumStake,
      ),
    ).rejects.toMatchObject({ code: "STAKE_BAD_POSSESSION" });
    nonces.clear();
    // As much as each genesis provisioner: elected as often as they are.
    const stake = genesis.provisioners[0]!.stake;
    const stakeId = await stakeCall(
      n0,
      owner,
      "stake",
      stakeInput(key.publicKey, blsProvePossession(key)),
      stake,
    );
    expect(await net.runUntil(included(n0, stakeId), 60_000)).toBe(true);
    expect(n0.transaction(stakeId)?.receipt?.status).toBe("success");
    const at = n0.transaction(stakeId)!.height!;
    const record = n0.stakeInfo(key.publicKey)!.record;
    expect(record.value).toBe(stake);
    expect(record.eligibleFrom).toBe((Math.floor(at / P.epochBlocks) + 2) * P.epochBlocks);

    // Eligible from its maturity height on, on every node.
    const eligible = (n: NodeApi) => n.provisionerList().some((p) => bytesEqual(p.publicKey, key.publicKey));
    expect(eligible(n0)).toBe(false);
    expect(await net.runUntil(() => net.ids.every((_, i) => eligible(net.node(i))), 60_000)).toBe(true);
    expect(n0.status().height + 1).toBeGreaterThanOrEqual(record.eligibleFrom);

    // Elected (it signs committee votes, or generates a block) and rewarded for it.
    const n4 = net.node(4);
    const served = () => {
      const d = n4.duties()!;
      return d.validationVotes + d.ratificationVotes + d.blocksGenerated > 0;
    };
    expect(
      await net.runUntil(() => served() && (n0.stakeInfo(key.publicKey)?.record.reward ?? 0n) > 0n, 300_000),
    ).toBe(true);
    const reward = n0.stakeInfo(key.publicKey)!.record.reward;

    // Unstake: out of the set at once, value unbonding until the fault window passed.
    const unstakeId = await stakeCall(n0, owner, "unstake", stakeInput(key.publicKey));
    expect(await net.runUntil(included(n0, unstakeId), 60_000)).toBe(true);
    const out = n0.stakeInfo(key.publicKey)!;
    expect(out.record.value).toBe(0n);
    expect(out.record.unbonding).toBe(stake);
    expect(out.eligible).toBe(false);

    // Withdraw once released: rewards and the unbonded value reach the owner's account.
    await net.runUntil(() => n0.status().height + 1 >= out.record.releaseAt, 60_000);
    const before = n0.account(owner.publicKey).balance;
    const rewardNow = n0.stakeInfo(key.publicKey)!.record.reward;
    expect(rewardNow).toBeGreaterThanOrEqual(reward);
    const withdrawId = await stakeCall(n0, owner, "withdraw", stakeInput(key.publicKey));
    expect(await net.runUntil(included(n0, withdrawId), 60_000)).toBe(true);
    const receipt = n0.transaction(withdrawId)!.receipt!;
    expect(receipt.status).toBe("success");
    const fee = receipt.gasUsed; // gas price 1
    // Rewards of blocks after the withdraw request was built may add a little: at least this much.
    expect(n0.account(owner.publicKey).balance).toBeGreaterThanOrEqual(before + stake + rewardNow - fee);

    // The contract's account covers exactly what the records hold.
    const keys = [...genesis.provisioners.map((p) => p.publicKey), key.publicKey];
    const held = keys.reduce(
      (s, k) => s + (n0.stakeInfo(k) ? stakeHoldings(n0.stakeInfo(k)!.record) : 0n),
      0n,
    );
    expect(n0.account(STAKE_CONTRACT_ID).balance).toBe(held);
  });

  it("an equivocating provisioner is hard-slashed, even after it unstaked", async () => {
    nonces.clear();
    const net = await network(0);
    const n0 = net.node(0);
    const byzantine = devProvisionerKey(SEED, 2);
    const owner = devAccountKey(SEED, 2);
    const injected = injectDoubleVote(net, "node-2", byzantine);
    await net.runUntil(() => injected() > 0, 60_000);
    // It tries to escape by unstaking before the proof lands.
    const unstakeId = await stakeCall(n0, owner, "unstake", stakeInput(byzantine.publicKey));
    const slashed = () => (n0.stakeInfo(byzantine.publicKey)?.record.hardFaults ?? 0) > 0;
    expect(await net.runUntil(() => slashed() && included(n0, unstakeId)(), 120_000)).toBe(true);
    const info = n0.stakeInfo(byzantine.publicKey)!;
    const original = genesis.provisioners[2]!.stake;
    const r = info.record;
    expect(r.value + r.pending + r.locked + r.unbonding).toBe(
      original - (original * BigInt(P.hardSlashPercent)) / 100n,
    );
    expect(info.slashes.some((s) => s.kind === "hard-slash")).toBe(true);
    expect(info.eligible).toBe(false);
    expect(net.logs.some((l) => l.event === "hard-slash")).toBe(true);
  });

  it("a second machine holding a provisioner's key is detected: signing halts there, with an alert", async () => {
    const ids = Array.from({ length: 5 }, (_, i) => `node-${i}`);
    const net = new TestNetwork(genesis, ids);
    net.extraKeys.set(4, devProvisionerKey(SEED, 1));
    for (let i = 0; i < 4; i++) await net.open(i);
    // The copy starts later, on an empty store: it hears node-1's votes before signing any.
    await net.runUntil(() => net.node(0).status().height >= 3, 60_000);
    await net.open(4);
    const halted = () => [1, 4].some((i) => net.node(i).duties()?.halted != null);
    expect(await net.runUntil(halted, 60_000)).toBe(true);
    expect(net.logs.some((l) => l.event === "doppelganger-detected")).toBe(true);
    // The chain goes on; the halted copy signs nothing more until the operator resumes it.
    const h = net.node(0).status().height;
    expect(await net.runUntil(() => net.node(0).status().height >= h + 3, 60_000)).toBe(true);
    const copy = [1, 4].find((i) => net.node(i).duties()?.halted != null)!;
    const signed = () => {
      const { proposals, validationVotes, ratificationVotes } = net.node(copy).duties()!;
      return { proposals, validationVotes, ratificationVotes };
    };
    const before = signed();
    await net.runUntil(() => net.node(0).status().height >= h + 5, 60_000);
    expect(signed()).toEqual(before);
    expect(net.node(copy).resumeSigning()).toBe(true);
  });
});
