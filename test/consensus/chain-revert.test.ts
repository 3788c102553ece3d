import { describe, expect, it } from "vitest";
import { toHex } from "../../protocol/bytes.js";
import { devAccountKey } from "../../protocol/keys.js";
import { encodeTransaction, signTransfer, transactionIdHex } from "../../protocol/transaction.js";
import { Chain } from "../../workers/consensus/chain.js";
import { MemoryChainStore } from "../../workers/consensus/memory-chain-store.js";
import { applyTransactions } from "../../workers/executor/execute-block.js";
import { CHAIN_ID, replayContext, SEED, TestNetwork } from "./harness.js";

describe("chain revert (fork choice fallback)", () => {
  it("restores state, indexes and the tip attestation, and the same blocks apply again", async () => {
    const net = await TestNetwork.start(4);
    const alice = devAccountKey(SEED, 0);
    const carol = devAccountKey(SEED, 5);
    const tx = signTransfer(alice.secretKey, {
      chainId: CHAIN_ID,
      from: alice.publicKey,
      to: carol.publicKey,
      amount: 777n,
      nonce: 1n,
      gasLimit: 21_000n,
      gasPrice: 1n,
      memo: new Uint8Array(0),
    });
    await net.node(0).submitTransaction(encodeTransaction(tx));
    const id = transactionIdHex(tx);
    await net.runUntil(
      () => net.node(0).transaction(id)?.status === "included" && net.node(0).status().height >= 4,
      120_000,
    );
    const source = net.node(0);
    const included = source.transaction(id)!.height!;
    const top = source.status().height;

    // Replay the source's blocks into a fresh chain up to the one that carried the transfer: it
    // is then the (not yet final) tip.
    const chain = Chain.open(net.genesis, new MemoryChainStore());
    const blocks = Array.from({ length: top }, (_, i) => source.blockByHeight(i + 1)!.block);
    const params = { chainId: CHAIN_ID, params: net.genesis.params.execution };
    for (let h = 1; h <= included; h++) {
      const b = blocks[h - 1]!;
      chain.commit(
        b,
        applyTransactions(chain.state, b.transactions, { ...params, ...replayContext(chain, net.genesis, b) })
          .overlay,
        blocks[h]!.header.prevAttestation!,
      );
    }
    expect(chain.tip.height).toBe(included);
    expect(chain.finalizedHeight).toBe(included - 1);
    expect(chain.transactionHeight(id)).toBe(included);
    const carolAfter = chain.state.getAccount(carol.publicKey).balance;

    const removed = chain.revertTo(included - 1);
    expect(removed.map((b) => b.header.height)).toEqual([included]);
    expect(chain.tip.height).toBe(included - 1);
    expect(toHex(chain.state.root())).toBe(toHex(chain.tip.block.header.stateRoot));
    expect(chain.transactionHeight(id)).toBeUndefined();
    expect(chain.state.getAccount(carol.publicKey).balance).toBe(carolAfter - 777n);
    expect(chain.tipAttestation).toEqual(
      included === 1 ? null : blocks[included - 1]!.header.prevAttestation,
    );
    expect(() => chain.revertTo(included - 2)).toThrow(/final/);

    // The removed block and its successors apply again on the restored state.
    for (let h = included; h < top; h++) {
      const b = blocks[h - 1]!;
      chain.commit(
        b,
        applyTransactions(chain.state, b.transactions, { ...params, ...replayContext(chain, net.genesis, b) })
          .overlay,
        blocks[h]!.header.prevAttestation!,
      );
    }
    expect(toHex(chain.state.root())).toBe(toHex(blocks[top - 2]!.header.stateRoot));
    expect(chain.transactionHeight(id)).toBe(included);
  });

  it("refuses to revert below the last final block", async () => {
    const net = await TestNetwork.start(4);
    await net.runUntil(() => net.node(0).status().finalizedHeight >= 2, 60_000);
    const source = net.node(0);
    const chain = Chain.open(net.genesis, new MemoryChainStore());
    const top = source.status().height;
    for (let h = 1; h < top; h++) {
      const b = source.blockByHeight(h)!.block;
      const overlay = applyTransactions(chain.state, b.transactions, {
        chainId: CHAIN_ID,
        params: net.genesis.params.execution,
        ...replayContext(chain, net.genesis, b),
      }).overlay;
      chain.commit(b, overlay, source.blockByHeight(h + 1)!.block.header.prevAttestation!);
    }
    expect(chain.finalizedHeight).toBeGreaterThanOrEqual(1);
    expect(() => chain.revertTo(chain.finalizedHeight - 1)).toThrow(/final/);
  });
});
