import { describe, expect, it } from "vitest";
import { toHex } from "../../protocol/bytes.js";
import { codeKey, contractKey, storageKey } from "../../protocol/contract-keys.js";
import { hash } from "../../protocol/hash.js";
import { devAccountKey } from "../../protocol/keys.js";
import {
  contractIdOf,
  encodeTransaction,
  signCall,
  signDeploy,
  transactionIdHex,
} from "../../protocol/transaction.js";
import { Chain } from "../../workers/consensus/chain.js";
import { MemoryChainStore } from "../../workers/consensus/memory-chain-store.js";
import { Label } from "../../workers/consensus/ports.js";
import { applyTransactions } from "../../workers/executor/execute-block.js";
import { COUNTER_WAT } from "../fixtures/counter-wat.js";
import { wat } from "../fixtures/wat.js";
import { CHAIN_ID, replayContext, SEED, TestNetwork } from "./harness.js";

const u64 = (v: bigint) => new Uint8Array(new BigUint64Array([v]).buffer);

describe("contracts through consensus", () => {
  it("a deployment and a call reach final blocks with the same storage and receipts on every node; a revert of the chain undoes them", async () => {
    const net = await TestNetwork.start(4);
    const alice = devAccountKey(SEED, 0);
    const code = await wat(COUNTER_WAT);
    const deploy = signDeploy(alice.secretKey, {
      chainId: CHAIN_ID,
      from: alice.publicKey,
      amount: 0n,
      nonce: 1n,
      gasLimit: 30_000_000n,
      gasPrice: 1n,
      code,
      init: new Uint8Array(0),
    });
    const id = contractIdOf(alice.publicKey, 1n);
    const call = signCall(alice.secretKey, {
      chainId: CHAIN_ID,
      from: alice.publicKey,
      contract: id,
      fn: "increment",
      input: u64(4n),
      amount: 0n,
      nonce: 2n,
      gasLimit: 1_000_000n,
      gasPrice: 1n,
    });
    await net.node(0).submitTransaction(encodeTransaction(deploy));
    const deployId = transactionIdHex(deploy);
    await net.runUntil(() => net.node(0).transaction(deployId)?.status === "included", 120_000);
    // A call to a contract is admitted only once the contract exists in committed state.
    await net.node(1).submitTransaction(encodeTransaction(call));
    const callId = transactionIdHex(call);
    await net.runUntil(
      () => [0, 1, 2, 3].every((i) => net.node(i).transaction(callId)?.label === Label.Final),
      120_000,
    );
    const countKey = new TextEncoder().encode("count");
    for (let i = 0; i < 4; i++) {
      const node = net.node(i);
      expect(node.contracts.storage(id, countKey), `node ${i}`).toEqual(u64(4n));
      expect(node.transaction(callId)?.receipt?.status).toBe("success");
      expect(node.contracts.events(id, 0, 10).map((e) => e.data)).toEqual([u64(4n)]);
      expect(node.contracts.contract(id)?.codeHash).toEqual(hash(code));
    }

    // Replay into a fresh chain up to the block with the call, then revert it.
    const source = net.node(0);
    const callHeight = source.transaction(callId)!.height!;
    const chain = Chain.open(net.genesis, new MemoryChainStore());
    const params = { chainId: CHAIN_ID, params: net.genesis.params.execution };
    for (let h = 1; h <= callHeight; h++) {
      const b = source.blockByHeight(h)!.block;
      const r = applyTransactions(chain.state, b.transactions, {
        ...params,
        block: { height: h, timestampMs: b.header.timestampMs },
        ...replayContext(chain, net.genesis, b),
      });
      expect(toHex(r.stateRoot), `height ${h} of ${callHeight}`).toBe(toHex(b.header.stateRoot));
      chain.commit(b, r.overlay, source.blockByHeight(h + 1)!.block.header.prevAttestation!, r.receipts);
    }
    expect(chain.receiptBytes(callId)).toBeDefined();
    expect(chain.eventTransactions(toHex(id), 0, 10)).toEqual([callId]);
    chain.revertTo(callHeight - 1);
    expect(toHex(chain.state.root())).toBe(toHex(chain.tip.block.header.stateRoot));
    expect(chain.receiptBytes(callId)).toBeUndefined();
    expect(chain.eventTransactions(toHex(id), 0, 10)).toEqual([]);
    const deployHeight = source.transaction(deployId)!.height!;
    if (deployHeight < callHeight) {
      // Only the call was undone: the counter is back at its init value.
      expect(chain.state.getEntry(storageKey(id, countKey))).toEqual(u64(0n));
    } else {
      expect(chain.state.getEntry(contractKey(id))).toBeUndefined();
      expect(chain.state.getEntry(codeKey(hash(code)))).toBeUndefined();
    }
  });
});
