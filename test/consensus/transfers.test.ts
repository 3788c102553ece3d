import { describe, expect, it } from "vitest";
import { isProtocolError } from "../../protocol/errors.js";
import { devAccountKey } from "../../protocol/keys.js";
import { LIMITS } from "../../protocol/params.js";
import { encodeTransaction, signTransfer } from "../../protocol/transaction.js";
import { Label } from "../../workers/consensus/ports.js";
import { CHAIN_ID, SEED, TestNetwork } from "./harness.js";

const alice = devAccountKey(SEED, 0);
const bob = devAccountKey(SEED, 1);

function transfer(
  nonce: bigint,
  amount: bigint,
  overrides: Partial<Parameters<typeof signTransfer>[1]> = {},
) {
  return signTransfer(alice.secretKey, {
    chainId: CHAIN_ID,
    from: alice.publicKey,
    to: bob.publicKey,
    amount,
    nonce,
    gasLimit: 21_000n,
    gasPrice: 2n,
    memo: new Uint8Array(0),
    ...overrides,
  });
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "accepted";
  } catch (e) {
    return isProtocolError(e) ? e.code : `unexpected ${String(e)}`;
  }
}

describe("public transfers through consensus", () => {
  it("end up in final blocks with fee = gas used × gas price on every node", async () => {
    const net = await TestNetwork.start(4);
    const before = net.node(2).account(alice.publicKey).balance;
    const bobBefore = net.node(2).account(bob.publicKey).balance;
    const ids: string[] = [];
    for (let n = 1n; n <= 3n; n++)
      ids.push(
        (await net.node(n === 2n ? 1 : 0).submitTransaction(encodeTransaction(transfer(n, 1_000n)))).id,
      );
    await net.runUntil(() => ids.every((id) => net.node(3).transaction(id)?.label === Label.Final), 120_000);
    for (const id of ids) expect(net.node(3).transaction(id)?.label).toBe(Label.Final);
    for (let i = 0; i < 4; i++) {
      expect(net.node(i).account(alice.publicKey)).toEqual({
        balance: before - 3n * (1_000n + 21_000n * 2n),
        nonce: 3n,
      });
      expect(net.node(i).account(bob.publicKey).balance).toBe(bobBefore + 3_000n);
    }
  });

  it("refuses bad transactions with a code and keeps producing blocks", async () => {
    const net = await TestNetwork.start(4);
    const node = net.node(0);
    const good = transfer(1n, 5n);
    const tampered = encodeTransaction({ ...good, amount: 6n });
    expect(await codeOf(node.submitTransaction(tampered))).toBe("TX_BAD_SIGNATURE");
    expect(await codeOf(node.submitTransaction(new Uint8Array([1, 2, 3])))).toBe("TX_MALFORMED");
    expect(await codeOf(node.submitTransaction(new Uint8Array(LIMITS.transactionBytes + 1)))).toBe(
      "TX_OVERSIZED",
    );
    expect(
      await codeOf(node.submitTransaction(encodeTransaction(transfer(1n, 5n, { chainId: "other-chain" })))),
    ).toBe("TX_WRONG_CHAIN");
    expect(await codeOf(node.submitTransaction(encodeTransaction(transfer(1n, 5n, { gasPrice: 0n }))))).toBe(
      "TX_FEE_TOO_LOW",
    );
    expect(
      await codeOf(node.submitTransaction(encodeTransaction(transfer(1n, 5n, { gasLimit: 20_999n })))),
    ).toBe("TX_GAS_LIMIT_TOO_LOW");
    expect(await codeOf(node.submitTransaction(encodeTransaction(transfer(1n, 10n ** 19n))))).toBe(
      "TX_INSUFFICIENT_BALANCE",
    );
    expect(await codeOf(node.submitTransaction(encodeTransaction(transfer(0n, 5n))))).toBe("TX_BAD_NONCE");
    expect(await codeOf(node.submitTransaction(encodeTransaction(good)))).toBe("accepted");
    expect(await codeOf(node.submitTransaction(encodeTransaction(good)))).toBe("TX_DUPLICATE");
    expect(await codeOf(node.submitTransaction(encodeTransaction(transfer(1n, 5n, { gasPrice: 1n }))))).toBe(
      "TX_REPLACEMENT_UNDERPRICED",
    );
    const ok = await net.runUntil(() => Math.min(...net.heights()) >= 3, 60_000);
    expect(ok).toBe(true);
    expect(net.node(1).account(alice.publicKey).nonce).toBe(1n);
  });
});
