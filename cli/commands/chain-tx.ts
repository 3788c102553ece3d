/**
 * Submitting a signed transaction and following it to finality, shared by `transfer`,
 * `faucet` and the contract commands: prints each label as it changes (accepted, attested,
 * confirmed, final), or only the final JSON with --json.
 */

import { toHex } from "../../protocol/bytes.js";
import type { Transaction } from "../../protocol/transaction.js";
import { encodeTransaction } from "../../protocol/transaction.js";
import { CliError, type NodeHttp } from "../context.js";

// biome-ignore lint/suspicious/noExplicitAny: the node's transaction view, read field by field
export type TxView = any;

export async function submit(node: NodeHttp, tx: Transaction): Promise<string> {
  const r = await node.ok<{ id: string }>("/v1/transactions", {
    method: "POST",
    body: { tx: toHex(encodeTransaction(tx)) },
  });
  return r.id;
}

/** Polls until the transaction is final (or `timeoutMs` passes); reports each new label. */
export async function untilFinal(
  node: NodeHttp,
  id: string,
  timeoutMs: number,
  progress: (line: string) => void,
): Promise<TxView> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    const r = await node.request<TxView>(`/v1/transactions/${id}`);
    if (r.status === 200) {
      const label = r.body.status === "pending" ? "pending" : `${r.body.label} at height ${r.body.height}`;
      if (label !== last) {
        progress(`  ${label}`);
        last = label;
      }
      if (r.body.label === "final") return r.body;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new CliError(
    "TX_NOT_FINAL",
    `transaction ${id} was not final after ${Math.round(timeoutMs / 1000)} s`,
    { id },
  );
}

/** The chain id and next nonce of `address`, from the node. */
export async function chainAndNonce(
  node: NodeHttp,
  address: string,
): Promise<{ chainId: string; nonce: bigint }> {
  const [status, account] = await Promise.all([
    node.ok<{ chainId: string }>("/v1/node/status"),
    node.ok<{ nonce: string }>(`/v1/accounts/${address}`),
  ]);
  return { chainId: status.chainId, nonce: BigInt(account.nonce) + 1n };
}

/** The node's suggested gas price (JSON-RPC gas_price). */
export async function suggestedGasPrice(node: NodeHttp): Promise<bigint> {
  const r = await node.ok<{ result?: { suggested: string }; error?: { message: string } }>("/rpc", {
    method: "POST",
    body: { jsonrpc: "2.0", id: 1, method: "gas_price" },
  });
  if (r.result === undefined) throw new CliError("NODE_BAD_ANSWER", r.error?.message ?? "gas_price failed");
  return BigInt(r.result.suggested);
}
