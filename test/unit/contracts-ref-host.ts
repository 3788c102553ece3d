/**
 * Reference host for the SDK tests: the dusk host ABI of docs/CONTRACTS.md over Node's native
 * WebAssembly, with storage in Maps, an event list and native balances. Test scaffolding only:
 * no gas metering (gas_left is a constant), no limits beyond those the SDK must respect, and
 * the verifiers this repository does not have yet (Poseidon, Groth16, PLONK) record their arguments and answer what the
 * test sets. The real runtime is workers/executor/contracts/.
 *
 * Semantics kept from the doc: a call that reverts or traps rolls back its storage, events and
 * balances (nested calls too); caller is the sender at top level and the calling contract
 * below; `value` is credited before the callee runs; env.abort reverts with its message.
 */

import { createHash } from "node:crypto";
import { blake3 } from "@noble/hashes/blake3.js";
import { blsVerify, decodePublicKey, verifyAggregateSameMessage } from "../../protocol/bls";

/**
 * Node compiles WebAssembly synchronously; the Workers typings this project uses declare
 * `WebAssembly.Module` abstract because workerd cannot compile at run time.
 */
export const compileNative = (wasm: Uint8Array): WebAssembly.Module =>
  new (WebAssembly.Module as unknown as new (bytes: BufferSource) => WebAssembly.Module)(
    wasm as BufferSource,
  );

export const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

/** A revert (or abort) raised by a host function; unwinds native wasm to the call boundary. */
class Revert extends Error {}

export interface Event {
  contract: string;
  topic: string;
  data: Uint8Array;
}

export interface CallOutcome {
  ok: boolean;
  /** Return data, or the revert message's bytes. */
  data: Uint8Array;
  /** Revert message or trap text when !ok. */
  message: string;
}

interface Frame {
  self: Uint8Array;
  caller: Uint8Array;
  origin: Uint8Array;
  value: bigint;
  input: Uint8Array;
  depth: number;
}

export interface VerifierCall {
  fn: string;
  args: Uint8Array[];
  n: number;
}

const DEPTH_MAX = 8;
const GAS_LEFT = 1_000_000n;

export class RefHost {
  readonly codes = new Map<string, WebAssembly.Module>();
  storage = new Map<string, Map<string, Uint8Array>>();
  balances = new Map<string, bigint>();
  events: Event[] = [];
  readonly verifierCalls: VerifierCall[] = [];
  /** What poseidon / verify_groth16 / verify_plonk answer. */
  verifierAnswer = 1;
  height = 42n;
  timestamp = 1_764_000_000_000n;
  chainId = "dusk-edge-ref-host";
  private nonce = 0;

  balanceOf(addr: Uint8Array): bigint {
    return this.balances.get(hex(addr)) ?? 0n;
  }

  /** Stores `wasm` under a fresh id, runs `init` (if exported) with `input` as `deployer`. */
  deploy(wasm: Uint8Array, deployer: Uint8Array, input: Uint8Array = new Uint8Array(0)): Uint8Array {
    const id = createHash("sha256")
      .update(deployer)
      .update(String(this.nonce++))
      .digest();
    const mod = compileNative(wasm);
    this.codes.set(hex(id), mod);
    this.storage.set(hex(id), new Map());
    if (WebAssembly.Module.exports(mod).some((e) => e.name === "init")) {
      const r = this.call(deployer, id, "init", input);
      if (!r.ok) throw new Error(`init reverted: ${r.message}`);
    }
    return new Uint8Array(id);
  }

  /** A top-level call from account `from`, attaching `value` from its balance. */
  call(from: Uint8Array, id: Uint8Array, fn: string, input: Uint8Array, value = 0n): CallOutcome {
    return this.guarded(() => {
      this.move(from, id, value);
      return this.run({ self: id, caller: from, origin: from, value, input, depth: 1 }, fn);
    });
  }

  private move(from: Uint8Array, to: Uint8Array, amount: bigint): void {
    if (amount === 0n) return;
    const have = this.balanceOf(from);
    if (have < amount) throw new Revert("insufficient balance for value");
    this.balances.set(hex(from), have - amount);
    this.balances.set(hex(to), this.balanceOf(to) + amount);
  }

  /** Runs `body`; on a revert or trap restores storage, balances and events as they were. */
  private guarded(body: () => Uint8Array): CallOutcome {
    const storage = new Map([...this.storage].map(([k, m]) => [k, new Map(m)]));
    const balances = new Map(this.balances);
    const eventCount = this.events.length;
    try {
      return { ok: true, data: body(), message: "" };
    } catch (e) {
      this.storage = storage;
      this.balances = balances;
      this.events.length = eventCount;
      const message = e instanceof Error ? e.message : String(e);
      if (!(e instanceof Revert) && !(e instanceof WebAssembly.RuntimeError)) throw e;
      return { ok: false, data: new TextEncoder().encode(message), message };
    }
  }

  private run(frame: Frame, fn: string): Uint8Array {
    const mod = this.codes.get(hex(frame.self));
    if (mod === undefined) throw new Revert(`no contract ${hex(frame.self)}`);
    let memory: WebAssembly.Memory | undefined;
    const mem = (): Uint8Array => new Uint8Array((memory as WebAssembly.Memory).buffer);
    const read = (ptr: number, len: number): Uint8Array => {
      if (ptr < 0 || len < 0 || ptr + len > mem().length) throw new Revert("TRAP_MEMORY_OUT_OF_BOUNDS");
      return mem().slice(ptr, ptr + len);
    };
    const write = (ptr: number, bytes: Uint8Array): void => {
      if (ptr < 0 || ptr + bytes.length > mem().length) throw new Revert("TRAP_MEMORY_OUT_OF_BOUNDS");
      mem().set(bytes, ptr);
    };
    const store = (): Map<string, Uint8Array> => this.storage.get(hex(frame.self)) as Map<string, Uint8Array>;
    let result: Uint8Array = new Uint8Array(0);
    let lastCall: Uint8Array = new Uint8Array(0);
    const verifier = (fn: string, args: Uint8Array[], n: number): number => {
      this.verifierCalls.push({ fn, args, n });
      return this.verifierAnswer;
    };
    const dusk = {
      input_len: () => frame.input.length,
      input_read: (dst: number) => write(dst, frame.input),
      return_data_set: (ptr: number, len: number) => {
        result = read(ptr, len);
      },
      storage_get: (kp: number, kl: number, dst: number, cap: number) => {
        const v = store().get(hex(read(kp, kl)));
        if (v === undefined) return -1;
        write(dst, v.subarray(0, Math.min(v.length, cap)));
        return v.length;
      },
      storage_set: (kp: number, kl: number, vp: number, vl: number) => {
        store().set(hex(read(kp, kl)), read(vp, vl));
      },
      storage_delete: (kp: number, kl: number) => {
        store().delete(hex(read(kp, kl)));
      },
      emit: (tp: number, tl: number, dp: number, dl: number) => {
        const topic = new TextDecoder().decode(read(tp, tl));
        this.events.push({ contract: hex(frame.self), topic, data: read(dp, dl) });
      },
      caller: (dst: number) => write(dst, frame.caller),
      origin: (dst: number) => write(dst, frame.origin),
      self_id: (dst: number) => write(dst, frame.self),
      value: () => frame.value,
      balance: (p: number) => this.balanceOf(read(p, 32)),
      transfer: (p: number, amount: bigint) => {
        const to = read(p, 32);
        if (this.balanceOf(frame.self) < amount) return 1;
        this.move(frame.self, to, amount);
        return 0;
      },
      block_height: () => this.height,
      block_timestamp: () => this.timestamp,
      chain_id: (dst: number, cap: number) => {
        const b = new TextEncoder().encode(this.chainId);
        write(dst, b.subarray(0, Math.min(cap, b.length)));
        return b.length;
      },
      gas_left: () => GAS_LEFT,
      call: (idp: number, fp: number, fl: number, ip: number, il: number, value: bigint, _gas: bigint) => {
        const id = read(idp, 32);
        const fnName = new TextDecoder().decode(read(fp, fl));
        const input = read(ip, il);
        if (frame.depth >= DEPTH_MAX) throw new Revert("call depth exceeded");
        const r = this.guarded(() => {
          this.move(frame.self, id, value);
          return this.run(
            { self: id, caller: frame.self, origin: frame.origin, value, input, depth: frame.depth + 1 },
            fnName,
          );
        });
        lastCall = r.data;
        return r.ok ? 0 : 1;
      },
      return_data_len: () => lastCall.length,
      return_data_read: (dst: number) => write(dst, lastCall),
      revert: (p: number, l: number) => {
        throw new Revert(new TextDecoder().decode(read(p, l)));
      },
      blake3: (p: number, l: number, dst: number) => write(dst, blake3(read(p, l))),
      sha256: (p: number, l: number, dst: number) =>
        write(dst, new Uint8Array(createHash("sha256").update(read(p, l)).digest())),
      poseidon: (p: number, n: number, dst: number) => {
        const answer = verifier("poseidon", [read(p, n * 32)], n);
        write(dst, new Uint8Array(32).fill(0xab));
        return answer === 1 ? 0 : 1;
      },
      bls_verify: (pk: number, mp: number, ml: number, sig: number) =>
        blsVerify(read(pk, 48), read(mp, ml), read(sig, 96)) ? 1 : 0,
      bls_verify_aggregate: (n: number, pks: number, mp: number, ml: number, sig: number) => {
        const keys = read(pks, n * 48);
        try {
          const decoded = Array.from({ length: n }, (_, i) =>
            decodePublicKey(keys.subarray(i * 48, i * 48 + 48)),
          );
          return verifyAggregateSameMessage(decoded, read(mp, ml), read(sig, 96)) ? 1 : 0;
        } catch {
          return 0;
        }
      },
      verify_groth16: (vk: number, vl: number, pp: number, pl: number, ip: number, n: number) =>
        verifier("verify_groth16", [read(vk, vl), read(pp, pl), read(ip, n * 32)], n),
      verify_plonk: (vk: number, vl: number, pp: number, pl: number, ip: number, n: number) =>
        verifier("verify_plonk", [read(vk, vl), read(pp, pl), read(ip, n * 32)], n),
    };
    const env = {
      abort: (msg: number, file: number, line: number, col: number) => {
        throw new Revert(`${asString(mem(), msg)} at ${asString(mem(), file)}:${line}:${col}`);
      },
    };
    const instance = new WebAssembly.Instance(mod, { dusk, env });
    memory = instance.exports.memory as WebAssembly.Memory;
    const entry = instance.exports[fn];
    if (typeof entry !== "function") throw new Revert(`no export ${fn}`);
    (entry as () => void)();
    return result;
  }
}

/** An AssemblyScript string: UTF-16LE, its byte length in the object header 4 bytes before it. */
export function asString(mem: Uint8Array, ptr: number): string {
  if (ptr === 0) return "";
  const len = new DataView(mem.buffer, mem.byteOffset).getUint32(ptr - 4, true);
  return Buffer.from(mem.subarray(ptr, ptr + len)).toString("utf16le");
}
