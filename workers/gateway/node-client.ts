/**
 * How the gateway reaches nodes: a `NodeDirectory` of `NodeClient`s. In production each client
 * is a NodeDO stub (Workers RPC); tests pass a fake directory. Every call has a deadline, so a
 * busy node answers 504 instead of holding the request: the gateway never waits on consensus.
 */

import { devnetConfig, hostedNodes, nodeName } from "../../durable/devnet-config.js";
import type { Env } from "../../durable/env.js";
import type {
  AccountJson,
  BlockJson,
  CommitteesJson,
  ContractJson,
  EventJson,
  NoteJson,
  QueryJson,
  ShieldedInfoJson,
  StatusJson,
  SubmitResult,
  TransactionJson,
} from "../../durable/node-views.js";
import type { NodeMetricsJson, ProvisionerStatusJson, StakeInfoJson } from "../../durable/operator-views.js";
import { ApiError } from "./errors.js";

export interface NodeClient {
  status(): Promise<StatusJson>;
  latestBlock(): Promise<BlockJson | null>;
  blockByHeight(height: number): Promise<BlockJson | null>;
  blockByHash(hashHex: string): Promise<BlockJson | null>;
  blockRange(from: number, to: number): Promise<BlockJson[]>;
  gasPrice(): Promise<{ minimum: string; suggested: string }>;
  committees(): Promise<CommitteesJson>;
  provisioners(): Promise<Array<{ publicKey: string; stake: string }>>;
  stakeInfo(publicKeyHex: string): Promise<StakeInfoJson | null>;
  account(addressHex: string): Promise<AccountJson>;
  transaction(id: string): Promise<TransactionJson | null>;
  submitTransaction(bytes: Uint8Array): Promise<SubmitResult>;
  contract(idHex: string): Promise<ContractJson | null>;
  shieldedInfo(): Promise<ShieldedInfoJson>;
  shieldedNotes(from: number, limit: number): Promise<{ count: number; notes: NoteJson[] }>;
  nullifiersSpent(nullifiersHex: readonly string[]): Promise<boolean[]>;
  contractStorage(idHex: string, keyHex: string): Promise<string | null>;
  contractEvents(idHex: string, fromHeight: number, limit: number): Promise<EventJson[]>;
  queryContract(
    idHex: string,
    fn: string,
    inputHex: string,
    callerHex?: string,
  ): Promise<QueryJson | { readonly code: string; readonly message: string }>;
  readState(
    entryKeysHex: readonly string[],
    accountsHex: readonly string[],
  ): Promise<{
    entries: Record<string, string | null>;
    accounts: Record<string, { balance: string; nonce: string }>;
    block: { chainId: string; height: number; timestampMs: number };
  }>;
  ensureStarted(): Promise<unknown>;
}

/** What the operator API asks of a node (durable/node-do.ts). */
export interface OperatorClient {
  installKey(
    secretKeyHex: string | null,
  ): Promise<
    { ok: true; publicKey: string; proofOfPossession: string } | { ok: false; code: string; message: string }
  >;
  provisionerStatus(): Promise<ProvisionerStatusJson>;
  exportSlashingProtection(): Promise<unknown>;
  importSlashingProtection(
    doc: unknown,
  ): Promise<
    { ok: true; imported: number; watermark: number } | { ok: false; code: string; message: string }
  >;
  resumeSigning(): Promise<{ resumed: boolean }>;
  metrics(): Promise<NodeMetricsJson | null>;
}

export interface NodeDirectory {
  /** Number of nodes; valid indexes are 0..size-1. */
  readonly size: number;
  /** The indexes this deployment hosts when not all of them (DEVNET_LOCAL_NODES). */
  readonly local?: readonly number[];
  node(index: number): NodeClient;
  /** The operator side of a hosted node (absent in tests that fake only the public side). */
  operator?(index: number): OperatorClient;
  /** Operator provisioner slots of this deployment. */
  readonly operatorSlots?: readonly number[];
}

/** A node call that takes longer than this answers 504 NODE_TIMEOUT. */
export const NODE_CALL_TIMEOUT_MS = 10_000;

export async function withDeadline<T>(
  what: string,
  call: Promise<T>,
  timeoutMs = NODE_CALL_TIMEOUT_MS,
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new ApiError(504, "NODE_TIMEOUT", `${what} took longer than ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([call, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The NodeDOs of this deployment, by index (`node-<i>`). */
export function durableDirectory(env: Env): NodeDirectory {
  const config = devnetConfig(env);
  const hosted = hostedNodes(config);
  const size = config.nodes + config.operatorSlots.length;
  return {
    size,
    ...(hosted.length < size ? { local: hosted } : {}),
    node: (index) => env.NODE.get(env.NODE.idFromName(nodeName(index))) as unknown as NodeClient,
    operator: (index) => env.NODE.get(env.NODE.idFromName(nodeName(index))) as unknown as OperatorClient,
    operatorSlots: config.operatorSlots,
  };
}
