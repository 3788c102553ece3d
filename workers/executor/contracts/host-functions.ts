/**
 * The host ABI of contracts (import module `dusk`, plus AssemblyScript's `env.abort`), exactly
 * as docs/CONTRACTS.md lists it, with the gas of its "Gas" table. Each function charges its
 * gas before doing the work, checks lengths against CONTRACT_LIMITS before reading memory,
 * and touches state only through its frame's overlay.
 */

import { blake3 } from "@noble/hashes/blake3.js";
import { sha256 } from "@noble/hashes/sha2.js";
import {
  BLS_PUBLIC_KEY_BYTES,
  BLS_SIGNATURE_BYTES,
  blsVerify,
  decodePublicKey,
  verifyAggregateSameMessage,
} from "../../../protocol/bls.js";
import { CONTRACT_GAS as G, CONTRACT_LIMITS as L } from "../../../protocol/contract-gas.js";
import { storageKey } from "../../../protocol/contract-keys.js";
import { U64_MAX } from "../../../protocol/state.js";
import type { ExternVal, HostFunc, Value } from "../wasm/index.js";
import { funcTypeKey, I32, I64, type ValType } from "../wasm/types.js";
import { checkLength, type Frame, fail, pushEvent, readMemory, writeMemory } from "./frame.js";

/** BN254 scalar field modulus (Poseidon inputs must be below it). */
const BN254_R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
const FN_NAME_RE = /^[A-Za-z0-9_]{1,64}$/;
const NONE: Value[] = [];

type Impl = (f: Frame, a: Value[]) => Value[];
interface Def {
  readonly params: ValType[];
  readonly results: ValType[];
  readonly impl: Impl;
}

const i32 = (v: Value): number => v as number;
const i64 = (v: Value): bigint => BigInt.asUintN(64, v as bigint);
const ok = (v: number): Value[] => [v | 0];

function charge(f: Frame, gas: number): void {
  f.machine.charge(G.hostCall + gas);
}

function bytesToBigInt(b: Uint8Array): bigint {
  let v = 0n;
  for (const x of b) v = (v << 8n) | BigInt(x);
  return v;
}

function bigIntTo32(v: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 31; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

function u64Result(v: bigint): Value[] {
  return [BigInt.asIntN(64, v)];
}

const defs: Record<string, Def> = {
  input_len: {
    params: [],
    results: [I32],
    impl: (f) => {
      charge(f, 0);
      return ok(f.input.length);
    },
  },
  input_read: {
    params: [I32],
    results: [],
    impl: (f, a) => {
      charge(f, f.input.length * G.copyPerByte);
      writeMemory(f, i32(a[0]!), f.input);
      return NONE;
    },
  },
  return_data_set: {
    params: [I32, I32],
    results: [],
    impl: (f, a) => {
      const n = checkLength(f, "return data", i32(a[1]!), L.returnDataBytes);
      charge(f, n * G.copyPerByte);
      f.returnData = readMemory(f, i32(a[0]!), n);
      return NONE;
    },
  },
  storage_get: {
    params: [I32, I32, I32, I32],
    results: [I32],
    impl: (f, a) => {
      const kn = checkLength(f, "storage key", i32(a[1]!), L.storageKeyBytes);
      charge(f, G.storageGet + kn * G.copyPerByte);
      const key = readMemory(f, i32(a[0]!), kn);
      const value = f.overlay.getEntry(storageKey(f.self, key));
      if (value === undefined) return ok(-1);
      const cap = i32(a[3]!) >>> 0;
      const n = Math.min(cap, value.length);
      f.machine.charge(n * G.copyPerByte);
      writeMemory(f, i32(a[2]!), value.subarray(0, n));
      return ok(value.length);
    },
  },
  storage_set: {
    params: [I32, I32, I32, I32],
    results: [],
    impl: (f, a) => {
      const kn = checkLength(f, "storage key", i32(a[1]!), L.storageKeyBytes);
      const vn = checkLength(f, "storage value", i32(a[3]!), L.storageValueBytes);
      charge(f, G.storageSet + (kn + vn) * G.storageSetPerByte);
      const key = readMemory(f, i32(a[0]!), kn);
      f.overlay.setEntry(storageKey(f.self, key), readMemory(f, i32(a[2]!), vn));
      return NONE;
    },
  },
  storage_delete: {
    params: [I32, I32],
    results: [],
    impl: (f, a) => {
      const kn = checkLength(f, "storage key", i32(a[1]!), L.storageKeyBytes);
      charge(f, G.storageDelete + kn * G.copyPerByte);
      f.overlay.setEntry(storageKey(f.self, readMemory(f, i32(a[0]!), kn)), null);
      return NONE;
    },
  },
  emit: {
    params: [I32, I32, I32, I32],
    results: [],
    impl: (f, a) => {
      const tn = checkLength(f, "event topic", i32(a[1]!), L.eventTopicBytes);
      const dn = checkLength(f, "event data", i32(a[3]!), L.eventDataBytes);
      charge(f, G.emit + (tn + dn) * G.emitPerByte);
      pushEvent(f, {
        contract: f.self,
        topic: readMemory(f, i32(a[0]!), tn),
        data: readMemory(f, i32(a[2]!), dn),
      });
      return NONE;
    },
  },
  caller: {
    params: [I32],
    results: [],
    impl: (f, a) => {
      charge(f, 32);
      writeMemory(f, i32(a[0]!), f.caller);
      return NONE;
    },
  },
  origin: {
    params: [I32],
    results: [],
    impl: (f, a) => {
      charge(f, 32);
      writeMemory(f, i32(a[0]!), f.tx.origin);
      return NONE;
    },
  },
  self_id: {
    params: [I32],
    results: [],
    impl: (f, a) => {
      charge(f, 32);
      writeMemory(f, i32(a[0]!), f.self);
      return NONE;
    },
  },
  value: {
    params: [],
    results: [I64],
    impl: (f) => {
      charge(f, 0);
      return u64Result(f.value);
    },
  },
  balance: {
    params: [I32],
    results: [I64],
    impl: (f, a) => {
      charge(f, G.balance + 32);
      return u64Result(f.overlay.getAccount(readMemory(f, i32(a[0]!), 32)).balance);
    },
  },
  transfer: {
    params: [I32, I64],
    results: [I32],
    impl: (f, a) => {
      charge(f, G.transfer + 32);
      const to = readMemory(f, i32(a[0]!), 32);
      const amount = i64(a[1]!);
      const from = f.overlay.getAccount(f.self);
      if (from.balance < amount) return ok(1);
      f.overlay.setAccount(f.self, { ...from, balance: from.balance - amount });
      const dest = f.overlay.getAccount(to);
      if (dest.balance + amount > U64_MAX) fail(f, "CONTRACT_LIMIT", "recipient balance would overflow u64");
      f.overlay.setAccount(to, { ...dest, balance: dest.balance + amount });
      return ok(0);
    },
  },
  block_height: {
    params: [],
    results: [I64],
    impl: (f) => {
      charge(f, 0);
      return u64Result(BigInt(f.tx.block.height));
    },
  },
  block_timestamp: {
    params: [],
    results: [I64],
    impl: (f) => {
      charge(f, 0);
      return u64Result(BigInt(f.tx.block.timestampMs));
    },
  },
  chain_id: {
    params: [I32, I32],
    results: [I32],
    impl: (f, a) => {
      const id = new TextEncoder().encode(f.tx.block.chainId);
      const n = Math.min(i32(a[1]!) >>> 0, id.length);
      charge(f, n * G.copyPerByte);
      writeMemory(f, i32(a[0]!), id.subarray(0, n));
      return ok(id.length);
    },
  },
  gas_left: {
    params: [],
    results: [I64],
    impl: (f) => {
      charge(f, 0);
      return [BigInt(f.machine.gasLeft())];
    },
  },
  call: {
    params: [I32, I32, I32, I32, I32, I64, I64],
    results: [I32],
    impl: (f, a) => {
      const fnLen = checkLength(f, "function name", i32(a[2]!), 64);
      const inLen = checkLength(f, "call input", i32(a[4]!), L.returnDataBytes);
      charge(f, G.call + 32 + (fnLen + inLen) * G.copyPerByte);
      const contract = readMemory(f, i32(a[0]!), 32);
      const fn = String.fromCharCode(...readMemory(f, i32(a[1]!), fnLen));
      const input = readMemory(f, i32(a[3]!), inLen);
      const value = i64(a[5]!);
      const asked = i64(a[6]!);
      // All but 1/64 of what is left may go to the callee, so the caller can always finish.
      const left = f.machine.gasLeft();
      const cap = left - Math.floor(left / 64);
      const gas = asked === 0n || asked > BigInt(cap) ? cap : Number(asked);
      if (!FN_NAME_RE.test(fn)) {
        f.lastCallData = new TextEncoder().encode("function name must be 1-64 of [A-Za-z0-9_]");
        return ok(1);
      }
      const r = f.callNested(f, contract, fn, input, value, gas);
      f.machine.charge(r.gasUsed);
      f.lastCallData = r.data;
      return ok(r.ok ? 0 : 1);
    },
  },
  return_data_len: {
    params: [],
    results: [I32],
    impl: (f) => {
      charge(f, 0);
      return ok(f.lastCallData.length);
    },
  },
  return_data_read: {
    params: [I32],
    results: [],
    impl: (f, a) => {
      charge(f, f.lastCallData.length * G.copyPerByte);
      writeMemory(f, i32(a[0]!), f.lastCallData);
      return NONE;
    },
  },
  revert: {
    params: [I32, I32],
    results: [],
    impl: (f, a) => {
      const n = Math.min(i32(a[1]!) >>> 0, L.revertMessageBytes);
      charge(f, n * G.copyPerByte);
      const msg = new TextDecoder().decode(readMemory(f, i32(a[0]!), n));
      f.returnData = readMemory(f, i32(a[0]!), n);
      return fail(f, "CONTRACT_REVERTED", msg);
    },
  },
  blake3: {
    params: [I32, I32, I32],
    results: [],
    impl: (f, a) => {
      const n = i32(a[1]!) >>> 0;
      charge(f, G.hash + n * G.hashPerByte);
      writeMemory(f, i32(a[2]!), blake3(readMemory(f, i32(a[0]!), n)));
      return NONE;
    },
  },
  sha256: {
    params: [I32, I32, I32],
    results: [],
    impl: (f, a) => {
      const n = i32(a[1]!) >>> 0;
      charge(f, G.hash + n * G.hashPerByte);
      writeMemory(f, i32(a[2]!), sha256(readMemory(f, i32(a[0]!), n)));
      return NONE;
    },
  },
  poseidon: {
    params: [I32, I32, I32],
    results: [I32],
    impl: (f, a) => {
      const n = i32(a[1]!) >>> 0;
      if (n < 1 || n > L.poseidonInputs)
        fail(f, "CONTRACT_LIMIT", `poseidon takes 1-${L.poseidonInputs} inputs`);
      charge(f, n * G.poseidonPerElement);
      const poseidon = f.tx.zk.poseidon;
      if (poseidon === undefined) fail(f, "CONTRACT_TRAP", "poseidon is not available in this build");
      const raw = readMemory(f, i32(a[0]!), 32 * n);
      const inputs: bigint[] = [];
      for (let i = 0; i < n; i++) {
        const v = bytesToBigInt(raw.subarray(32 * i, 32 * i + 32));
        if (v >= BN254_R) return ok(1);
        inputs.push(v);
      }
      writeMemory(f, i32(a[2]!), bigIntTo32(poseidon(inputs)));
      return ok(0);
    },
  },
  bls_verify: {
    params: [I32, I32, I32, I32],
    results: [I32],
    impl: (f, a) => {
      const mn = checkLength(f, "message", i32(a[2]!), L.storageValueBytes);
      charge(f, G.blsVerify + mn * G.copyPerByte);
      const pk = readMemory(f, i32(a[0]!), BLS_PUBLIC_KEY_BYTES);
      const msg = readMemory(f, i32(a[1]!), mn);
      const sig = readMemory(f, i32(a[3]!), BLS_SIGNATURE_BYTES);
      return ok(blsVerify(pk, msg, sig) ? 1 : 0);
    },
  },
  bls_verify_aggregate: {
    params: [I32, I32, I32, I32, I32],
    results: [I32],
    impl: (f, a) => {
      const n = i32(a[0]!) >>> 0;
      if (n < 1 || n > L.blsAggregateKeys)
        fail(f, "CONTRACT_LIMIT", `bls_verify_aggregate takes 1-${L.blsAggregateKeys} keys`);
      const mn = checkLength(f, "message", i32(a[3]!), L.storageValueBytes);
      charge(f, G.blsVerify + n * G.blsAggregatePerKey + mn * G.copyPerByte);
      const raw = readMemory(f, i32(a[1]!), n * BLS_PUBLIC_KEY_BYTES);
      const msg = readMemory(f, i32(a[2]!), mn);
      const sig = readMemory(f, i32(a[4]!), BLS_SIGNATURE_BYTES);
      try {
        const keys = [];
        for (let i = 0; i < n; i++) {
          keys.push(decodePublicKey(raw.subarray(i * BLS_PUBLIC_KEY_BYTES, (i + 1) * BLS_PUBLIC_KEY_BYTES)));
        }
        return ok(verifyAggregateSameMessage(keys, msg, sig) ? 1 : 0);
      } catch {
        return ok(0);
      }
    },
  },
  verify_groth16: {
    params: [I32, I32, I32, I32, I32, I32],
    results: [I32],
    impl: (f, a) => zkVerify(f, a, "groth16"),
  },
  verify_plonk: {
    params: [I32, I32, I32, I32, I32, I32],
    results: [I32],
    impl: (f, a) => zkVerify(f, a, "plonk"),
  },
};

function zkVerify(f: Frame, a: Value[], kind: "groth16" | "plonk"): Value[] {
  const vn = checkLength(f, "verification key", i32(a[1]!), L.storageValueBytes);
  const pn = checkLength(f, "proof", i32(a[3]!), L.storageValueBytes);
  const n = i32(a[5]!) >>> 0;
  if (n > L.zkPublicInputs) fail(f, "CONTRACT_LIMIT", `more than ${L.zkPublicInputs} public inputs`);
  charge(f, G.zkVerify + n * G.zkVerifyPerInput + (vn + pn) * G.copyPerByte);
  const verify = kind === "groth16" ? f.tx.zk.verifyGroth16 : f.tx.zk.verifyPlonk;
  if (verify === undefined) fail(f, "CONTRACT_TRAP", `verify_${kind} is not available in this build`);
  const vk = readMemory(f, i32(a[0]!), vn);
  const proof = readMemory(f, i32(a[2]!), pn);
  const inputs = readMemory(f, i32(a[4]!), 32 * n);
  try {
    return ok(verify(vk, proof, inputs) ? 1 : 0);
  } catch {
    // Malformed keys or proofs are a failed verification for the contract, never a host crash.
    return ok(0);
  }
}

/** AssemblyScript's abort: a revert with the message decoded from the AS string at `ptr`. */
function abortImpl(f: Frame, a: Value[]): Value[] {
  charge(f, 0);
  const ptr = i32(a[0]!) >>> 0;
  let message = "abort";
  try {
    if (ptr >= 4) {
      const len = new DataView(readMemory(f, ptr - 4, 4).buffer).getUint32(0, true);
      const bytes = readMemory(f, ptr, Math.min(len, 2 * L.revertMessageBytes) & ~1);
      const units: number[] = [];
      for (let i = 0; i < bytes.length; i += 2) units.push(bytes[i]! | (bytes[i + 1]! << 8));
      message = `abort: ${String.fromCharCode(...units)}`;
    }
  } catch {
    // A bad pointer still aborts; only the message is lost.
  }
  const line = i32(a[2]!);
  f.returnData = new TextEncoder().encode(message);
  return fail(f, "CONTRACT_REVERTED", line > 0 ? `${message} (line ${line})` : message);
}

/** Names of every host function, for import checks at deployment. */
export const HOST_FUNCTION_NAMES: readonly string[] = Object.keys(defs);

/** The import resolver of one frame: `dusk.*` and `env.abort`, nothing else. */
export function hostImports(frame: Frame): (module: string, name: string) => ExternVal | undefined {
  return (module, name) => {
    const def =
      module === "dusk" && Object.hasOwn(defs, name)
        ? defs[name]
        : module === "env" && name === "abort"
          ? { params: [I32, I32, I32, I32], results: [], impl: abortImpl }
          : undefined;
    if (def === undefined) return undefined;
    const fn: HostFunc = {
      kind: "host",
      type: { params: def.params, results: def.results, key: funcTypeKey(def.params, def.results) },
      call: (args) => def.impl(frame, args),
    };
    return { kind: "func", value: fn };
  };
}
