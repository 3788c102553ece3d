import { describe, expect, it } from "vitest";
import { fromHex } from "../../protocol/bytes.js";
import { DEVNET_PARAMS, type ExecutionParams } from "../../protocol/params.js";
import { ENCRYPTED_NOTE_BYTES, SHIELDED_GAS, SHIELDED_PROOF_BYTES } from "../../protocol/shielded.js";
import { DEV_SHIELDED_KEYS_HEX } from "../../protocol/shielded-dev-keys.js";
import { signShieldedDeposit, type Transaction } from "../../protocol/transaction.js";
import {
  PreverifiedProofs,
  type ProofItem,
  type ProofService,
} from "../../workers/consensus/proof-service.js";
import { shieldedProofItem } from "../../workers/executor/shielded.js";
import { alice, CHAIN_ID } from "./fixtures.js";

const EXEC: ExecutionParams = {
  ...DEVNET_PARAMS.execution,
  shielded: {
    depositVk: fromHex(DEV_SHIELDED_KEYS_HEX.depositVk, undefined, "vk"),
    transferVk: fromHex(DEV_SHIELDED_KEYS_HEX.transferVk, undefined, "vk"),
  },
};

/** A deposit whose proof is garbage: only the service's verdict can make it pass. */
function deposit(fill: number): Transaction {
  return signShieldedDeposit(alice.secretKey, {
    chainId: CHAIN_ID,
    from: alice.publicKey,
    amount: 10n,
    nonce: 1n,
    gasLimit: SHIELDED_GAS.deposit,
    gasPrice: 1n,
    commitment: new Uint8Array(32).fill(1),
    encryptedNote: new Uint8Array(ENCRYPTED_NOTE_BYTES),
    proof: new Uint8Array(SHIELDED_PROOF_BYTES).fill(fill),
  });
}

function service(verdict: (item: ProofItem) => boolean, seen: ProofItem[][]): ProofService {
  return {
    async verifyGroth16Batch(items) {
      seen.push([...items]);
      return items.map(verdict);
    },
  };
}

describe("shielded proofs checked ahead of execution by a proof service", () => {
  it("sends a block's proofs in one batch and lets execution take each accepted one once", async () => {
    const seen: ProofItem[][] = [];
    const pre = new PreverifiedProofs();
    const txs = [deposit(2), deposit(3)];
    const kept = await pre.prepare(
      service((i) => i.proof[0] === 2, seen),
      txs,
      CHAIN_ID,
      EXEC,
    );
    expect([seen.length, seen[0]!.length, kept]).toEqual([1, 2, 1]);
    const zk = pre.zkHost();
    const accepted = shieldedProofItem(txs[0]!, CHAIN_ID, EXEC)!;
    expect(zk.verifyGroth16!(accepted.vk, accepted.proof, accepted.inputs)).toBe(true);
    // Used once: asked again, the proof is verified inline, where garbage does not pass.
    expect(() => zk.verifyGroth16!(accepted.vk, accepted.proof, accepted.inputs)).toThrow();
    const refused = shieldedProofItem(txs[1]!, CHAIN_ID, EXEC)!;
    expect(() => zk.verifyGroth16!(refused.vk, refused.proof, refused.inputs)).toThrow();
    expect(pre.size).toBe(0);
  });

  it("a failing service only means inline verification", async () => {
    const pre = new PreverifiedProofs();
    const broken: ProofService = {
      verifyGroth16Batch: async () => {
        throw new Error("binding unavailable");
      },
    };
    expect(await pre.prepare(broken, [deposit(4)], CHAIN_ID, EXEC)).toBe(0);
    expect(await pre.prepare(broken, [], CHAIN_ID, EXEC)).toBe(0);
    // A chain without shielded keys has nothing to send.
    const seen: ProofItem[][] = [];
    expect(
      await pre.prepare(
        service(() => true, seen),
        [deposit(5)],
        CHAIN_ID,
        DEVNET_PARAMS.execution,
      ),
    ).toBe(0);
    expect(seen).toEqual([]);
  });

  it("is bounded", async () => {
    const pre = new PreverifiedProofs(3);
    const seen: ProofItem[][] = [];
    await pre.prepare(
      service(() => true, seen),
      [6, 7, 8, 9, 10].map(deposit),
      CHAIN_ID,
      EXEC,
    );
    expect(pre.size).toBe(3);
  });
});
