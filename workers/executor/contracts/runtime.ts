/**
 * Contract execution (docs/CONTRACTS.md): deployment and call transactions, nested calls and
 * read-only queries. Every call runs on its own child overlay of the state: merged into its
 * caller's on success, dropped on failure, so a revert undoes storage, balances, events and
 * nested calls alike. The sender pays intrinsic gas + the code's gas × gas price either way.
 */

import { toHex } from "../../../protocol/bytes.js";
import { CONTRACT_LIMITS } from "../../../protocol/contract-gas.js";
import {
  codeKey,
  contractKey,
  decodeContractRecord,
  encodeContractRecord,
} from "../../../protocol/contract-keys.js";
import { ProtocolError } from "../../../protocol/errors.js";
import { hash } from "../../../protocol/hash.js";
import type { ExecutionParams } from "../../../protocol/params.js";
import type { Receipt } from "../../../protocol/receipt.js";
import {
  StateOverlay as Overlay,
  type StateOverlay,
  type StateReader,
  U64_MAX,
} from "../../../protocol/state.js";
import { type CallTx, contractIdOf, type DeployTx, maxFee } from "../../../protocol/transaction.js";
import { checkTransferAgainst, checkTransferStatic, intrinsicGas } from "../../../protocol/transfer.js";
import { WasmError } from "../wasm/errors.js";
import { GAS_PER_PAGE } from "../wasm/gas.js";
import { type CompiledModule, Machine, WasmVm } from "../wasm/index.js";
import type { BlockContext, Frame, ZkHost } from "./frame.js";
import { HOST_FUNCTION_NAMES, hostImports } from "./host-functions.js";
import { ZK_HOST } from "./zk-host.js";

/** VM limits for contracts: the defaults, with memory capped per instance. */
const vm = new WasmVm({ memoryPagesMax: CONTRACT_LIMITS.memoryPages });
const EMPTY = new Uint8Array(0);
const HOST_NAMES = new Set(HOST_FUNCTION_NAMES);

export interface ContractEnv {
  readonly block: BlockContext;
  readonly params: ExecutionParams;
  /** Poseidon and proof verification; ZK_HOST (the real ones) when absent. */
  readonly zk?: ZkHost;
}

export interface CallOutcome {
  readonly ok: boolean;
  readonly returnData: Uint8Array;
  readonly gasUsed: number;
  readonly error: { readonly code: string; readonly message: string } | null;
}

/**
 * Compiles code and checks it can run as a contract: it validates, exports `memory`, and
 * imports nothing but the host ABI. Throws CONTRACT_INVALID_CODE.
 */
export function compileContract(code: Uint8Array, codeHash: Uint8Array = hash(code)): CompiledModule {
  let cm: CompiledModule;
  try {
    cm = vm.compile(code, toHex(codeHash));
  } catch (e) {
    const detail = e instanceof WasmError ? e.code : "error";
    throw new ProtocolError(
      "CONTRACT_INVALID_CODE",
      `code does not validate: ${String((e as Error).message ?? e)}`,
      {
        cause: detail,
      },
    );
  }
  for (const imp of cm.module.imports) {
    const allowed =
      imp.desc.kind === "func" &&
      ((imp.module === "dusk" && HOST_NAMES.has(imp.name)) || (imp.module === "env" && imp.name === "abort"));
    if (!allowed) {
      throw new ProtocolError(
        "CONTRACT_INVALID_CODE",
        `import ${imp.module}.${imp.name} is not a host function (docs/CONTRACTS.md)`,
        { module: imp.module.slice(0, 64), name: imp.name.slice(0, 64) },
      );
    }
  }
  const pages = cm.module.memories[0]?.min ?? 0;
  if (pages > CONTRACT_LIMITS.memoryPages) {
    throw new ProtocolError(
      "CONTRACT_INVALID_CODE",
      `initial memory of ${pages} pages exceeds the contract limit ${CONTRACT_LIMITS.memoryPages}`,
      { pages, limit: CONTRACT_LIMITS.memoryPages },
    );
  }
  if (!cm.module.exports.some((e) => e.name === "memory" && e.kind === "memory")) {
    throw new ProtocolError("CONTRACT_INVALID_CODE", "a contract must export its memory as `memory`", {});
  }
  return cm;
}

function failure(code: string, message: string, gasUsed: number, data: Uint8Array = EMPTY): CallOutcome {
  return { ok: false, returnData: data, gasUsed, error: { code, message } };
}

/** Gas to set up an instance: its initial memory as if grown, and its data segments' bytes. */
function instantiationGas(cm: CompiledModule): number {
  const pages = cm.module.memories[0]?.min ?? 0;
  return pages * GAS_PER_PAGE + cm.module.datas.reduce((n, d) => n + d.bytes.length, 0);
}

interface CallRequest {
  readonly overlay: StateOverlay;
  readonly contract: Uint8Array;
  readonly caller: Uint8Array;
  readonly fn: string;
  readonly input: Uint8Array;
  readonly value: bigint;
  readonly gas: number;
  readonly depth: number;
}

/** One transaction's (or query's) execution: shared origin, block and event list. */
class Execution {
  readonly events: Receipt["events"][number][] = [];

  constructor(
    private readonly env: ContractEnv,
    private readonly origin: Uint8Array,
  ) {}

  /**
   * Runs one call on a child overlay of `req.overlay`; merges it on success. Never throws for
   * anything the contract does: failures are outcomes.
   */
  run(req: CallRequest, code?: { cm: CompiledModule; init: true }): CallOutcome {
    if (req.depth > CONTRACT_LIMITS.callDepth) {
      return failure("CONTRACT_LIMIT", `call depth exceeds ${CONTRACT_LIMITS.callDepth}`, 0);
    }
    const child = new Overlay(req.overlay);
    const eventsAtStart = this.events.length;
    const fail = (o: CallOutcome): CallOutcome => {
      this.events.length = eventsAtStart;
      return o;
    };
    // The attached value moves first: a contract sees it in its own balance.
    if (req.value > 0n) {
      const from = child.getAccount(req.caller);
      if (from.balance < req.value)
        return fail(failure("CONTRACT_REVERTED", "caller cannot pay the call's value", 0));
      child.setAccount(req.caller, { ...from, balance: from.balance - req.value });
      const to = child.getAccount(req.contract);
      if (to.balance + req.value > U64_MAX)
        return fail(failure("CONTRACT_LIMIT", "contract balance would overflow", 0));
      child.setAccount(req.contract, { ...to, balance: to.balance + req.value });
    }
    let cm = code?.cm;
    if (cm === undefined) {
      const record = child.getEntry(contractKey(req.contract));
      if (record === undefined)
        return fail(failure("CONTRACT_NOT_FOUND", `no contract ${toHex(req.contract)}`, 0));
      const { codeHash } = decodeContractRecord(record);
      const bytes = child.getEntry(codeKey(codeHash));
      if (bytes === undefined) return fail(failure("CONTRACT_NOT_FOUND", "contract code is missing", 0));
      cm = compileContract(bytes, codeHash);
    }
    const exported = cm.module.exports.find((e) => e.name === req.fn && e.kind === "func");
    if (exported === undefined) {
      if (code?.init === true) {
        // No `init`: deployment is just storing the code.
        child.mergeInto(req.overlay);
        return { ok: true, returnData: EMPTY, gasUsed: 0, error: null };
      }
      return fail(failure("CONTRACT_NO_SUCH_FUNCTION", `contract has no exported function ${req.fn}`, 0));
    }
    const setupGas = instantiationGas(cm);
    if (setupGas > req.gas)
      return fail(failure("CONTRACT_OUT_OF_GAS", "out of gas instantiating the contract", req.gas));
    const machine = new Machine(vm.limits);
    const frame: Frame = {
      tx: { block: this.env.block, origin: this.origin, zk: this.env.zk ?? ZK_HOST, events: this.events },
      overlay: child,
      self: req.contract,
      caller: req.caller,
      value: req.value,
      input: req.input,
      depth: req.depth,
      machine,
      memory: undefined,
      returnData: EMPTY,
      lastCallData: EMPTY,
      failure: null,
      callNested: (f, contract, fn, input, value, gas) => {
        const o = this.run({
          overlay: f.overlay,
          contract,
          caller: f.self,
          fn,
          input,
          value,
          gas,
          depth: f.depth + 1,
        });
        const data =
          o.ok || o.returnData.length > 0 ? o.returnData : new TextEncoder().encode(o.error?.message ?? "");
        return { ok: o.ok, data, gasUsed: o.gasUsed };
      },
    };
    let gasLeft = req.gas - setupGas;
    try {
      const inst = vm.instantiate(cm, hostImports(frame), gasLeft);
      const mem = inst.exports.get("memory");
      frame.memory = mem?.kind === "memory" ? mem.value : undefined;
      const fn = inst.exports.get(req.fn);
      if (fn?.kind !== "func" || fn.value.type.params.length > 0 || fn.value.type.results.length > 0) {
        return fail(
          failure("CONTRACT_NO_SUCH_FUNCTION", `export ${req.fn} is not a function () -> ()`, setupGas),
        );
      }
      const r = machine.start(fn.value, [], gasLeft);
      if (r.status !== "done") return fail(failure("CONTRACT_TRAP", "a host function suspended", req.gas));
      gasLeft = r.gasLeft;
    } catch (e) {
      if (!(e instanceof WasmError)) throw e;
      const f = frame.failure;
      if (f !== null && f.code === "CONTRACT_REVERTED") {
        // An explicit revert pays only for what ran; traps and exhaustion consume all gas.
        return fail(failure(f.code, f.message, req.gas - machine.gasLeft(), frame.returnData));
      }
      if (f !== null) return fail(failure(f.code, f.message, req.gas));
      if (e.code === "OUT_OF_GAS") return fail(failure("CONTRACT_OUT_OF_GAS", e.message, req.gas));
      return fail(failure("CONTRACT_TRAP", e.message, req.gas));
    }
    child.mergeInto(req.overlay);
    return { ok: true, returnData: frame.returnData, gasUsed: req.gas - gasLeft, error: null };
  }
}

/** Charges the maximum fee and advances the nonce up front; returns the function that settles. */
export function prepay(
  tx: DeployTx | CallTx,
  overlay: StateOverlay,
  chainId: string,
  params: ExecutionParams,
) {
  checkTransferStatic(tx, chainId, params);
  checkTransferAgainst(tx, overlay);
  const sender = overlay.getAccount(tx.from);
  overlay.setAccount(tx.from, { balance: sender.balance - maxFee(tx), nonce: sender.nonce + 1n });
  const intrinsic = intrinsicGas(tx, params);
  return {
    codeGas: Number(tx.gasLimit - intrinsic),
    /** Refunds unused gas; returns the gas used in total. */
    settle(codeGasUsed: number): bigint {
      const used = intrinsic + BigInt(codeGasUsed);
      const after = overlay.getAccount(tx.from);
      overlay.setAccount(tx.from, { ...after, balance: after.balance + (tx.gasLimit - used) * tx.gasPrice });
      return used;
    },
  };
}

function receiptOf(o: CallOutcome, gasUsed: bigint, exec: Execution, contract: Uint8Array | null): Receipt {
  return {
    status: o.ok ? "success" : "reverted",
    gasUsed,
    error: o.error,
    events: o.ok ? exec.events : [],
    returnData: o.returnData,
    contract: o.ok ? contract : null,
  };
}

/**
 * Applies a deployment. Pre-execution failures (nonce, funds, gas limit) throw and make a
 * block invalid; everything after is in the receipt.
 */
export function applyDeploy(tx: DeployTx, overlay: StateOverlay, env: ContractEnv): Receipt {
  const pay = prepay(tx, overlay, env.block.chainId, env.params);
  const id = contractIdOf(tx.from, tx.nonce);
  const exec = new Execution(env, tx.from);
  let outcome: CallOutcome;
  const codeHash = hash(tx.code);
  let cm: CompiledModule | undefined;
  try {
    cm = compileContract(tx.code, codeHash);
  } catch (e) {
    if (!(e instanceof ProtocolError)) throw e;
    cm = undefined;
    outcome = failure(e.code, e.message, 0);
  }
  if (cm !== undefined) {
    if (overlay.getEntry(contractKey(id)) !== undefined) {
      outcome = failure("CONTRACT_INVALID_CODE", "a contract with this id exists", 0);
    } else {
      // Code and record go into a child that `init` runs on, so a failed init leaves nothing.
      const staged = new Overlay(overlay);
      staged.setEntry(codeKey(codeHash), tx.code);
      staged.setEntry(
        contractKey(id),
        encodeContractRecord({ codeHash, deployer: tx.from, deployedAt: env.block.height }),
      );
      outcome = exec.run(
        {
          overlay: staged,
          contract: id,
          caller: tx.from,
          fn: "init",
          input: tx.init,
          value: tx.amount,
          gas: pay.codeGas,
          depth: 1,
        },
        { cm, init: true },
      );
      if (outcome.ok) staged.mergeInto(overlay);
    }
  } else {
    outcome = failure("CONTRACT_INVALID_CODE", "code does not validate", 0);
  }
  return receiptOf(outcome, pay.settle(outcome.gasUsed), exec, id);
}

/** Applies a call transaction (same failure rules as `applyDeploy`). */
export function applyCall(tx: CallTx, overlay: StateOverlay, env: ContractEnv): Receipt {
  const pay = prepay(tx, overlay, env.block.chainId, env.params);
  const exec = new Execution(env, tx.from);
  const outcome = exec.run({
    overlay,
    contract: tx.contract,
    caller: tx.from,
    fn: tx.fn,
    input: tx.input,
    value: tx.amount,
    gas: pay.codeGas,
    depth: 1,
  });
  return receiptOf(outcome, pay.settle(outcome.gasUsed), exec, null);
}

export interface QueryRequest {
  readonly contract: Uint8Array;
  readonly fn: string;
  readonly input: Uint8Array;
  /** The caller and origin the contract sees (all zeros when not given). */
  readonly caller?: Uint8Array;
  readonly value?: bigint;
  readonly gas: number;
}

export interface QueryResult extends CallOutcome {
  readonly events: Receipt["events"];
  /** Storage and account changes the call would make (nothing is committed). */
  readonly overlay: StateOverlay;
}

/**
 * Runs a call without a transaction and without committing (RPC queries and simulation): no
 * fee, no nonce. `state` may be a partial reader that throws CONTRACT_STATE_MISSING.
 */
export function queryContract(state: StateReader, req: QueryRequest, env: ContractEnv): QueryResult {
  const caller = req.caller ?? new Uint8Array(32);
  const overlay = new Overlay(state);
  const exec = new Execution(env, caller);
  const o = exec.run({
    overlay,
    contract: req.contract,
    caller,
    fn: req.fn,
    input: req.input,
    value: req.value ?? 0n,
    gas: req.gas,
    depth: 1,
  });
  return { ...o, events: o.ok ? exec.events : [], overlay };
}
