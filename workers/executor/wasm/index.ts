/**
 * WASM contract VM: decoder, validator, compiler and metered interpreter for WebAssembly 2.0
 * without SIMD, threads or GC. Pure TypeScript, deterministic (canonical NaNs), no JS recursion.
 *
 * @example
 *   const vm = new WasmVm();
 *   const inst = vm.instantiate(vm.compile(bytes), () => undefined);
 *   const [sum] = vm.call(inst, "add", [2, 3], 1_000_000);
 */

import { WasmError } from "./errors";
import { type ImportResolver, instantiate } from "./instance";
import { Machine } from "./interpreter";
import { DEFAULT_LIMITS, type VmLimits } from "./limits";
import type { Instance, Value } from "./runtime";
import { type CompiledModule, compileModule } from "./validate";

export { WasmError, type WasmErrorCode } from "./errors";
export type { ImportResolver } from "./instance";
export { Machine, type RunResult } from "./interpreter";
export { DEFAULT_LIMITS, type VmLimits } from "./limits";
export * from "./runtime";
export type { CompiledModule } from "./validate";

/** Bound on cached compiled modules (by code hash). */
const CACHE_ENTRIES_MAX = 64;

export class WasmVm {
  readonly limits: VmLimits;
  readonly machine: Machine;
  private readonly cache = new Map<string, CompiledModule>();

  constructor(limits: Partial<VmLimits> = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
    this.machine = new Machine(this.limits);
  }

  /** Decodes, validates and compiles; with `codeHash`, caches the result (LRU, bounded). */
  compile(bytes: Uint8Array, codeHash?: string): CompiledModule {
    if (codeHash !== undefined) {
      const hit = this.cache.get(codeHash);
      if (hit !== undefined) {
        this.cache.delete(codeHash);
        this.cache.set(codeHash, hit);
        return hit;
      }
    }
    const cm = compileModule(bytes, this.limits);
    if (codeHash !== undefined) {
      this.cache.set(codeHash, cm);
      if (this.cache.size > CACHE_ENTRIES_MAX) this.cache.delete(this.cache.keys().next().value as string);
    }
    return cm;
  }

  instantiate(cm: CompiledModule, resolve: ImportResolver, gasLimit = Number.MAX_SAFE_INTEGER): Instance {
    return instantiate(cm, resolve, this.machine, this.limits, gasLimit);
  }

  /** Calls an exported function; throws a WasmError on traps and out of gas. */
  call(inst: Instance, name: string, args: Value[], gasLimit: number): Value[] {
    const e = inst.exports.get(name);
    if (e === undefined || e.kind !== "func")
      throw new WasmError("UNLINKABLE", `no exported function ${name}`);
    return this.machine.invoke(e.value, args, gasLimit);
  }
}
