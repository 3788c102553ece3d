/**
 * Typed errors of the WASM VM. Every way untrusted bytes or untrusted code can fail ends in a
 * `WasmError` with a stable `code` and the data of the case (the limit and the value seen), never
 * in a host exception: MALFORMED / INVALID at decode and validation, UNLINKABLE at import
 * resolution, LIMIT_* when a configured bound is exceeded, TRAP_* and OUT_OF_GAS at run time.
 */

export type WasmErrorCode =
  | "MALFORMED"
  | "INVALID"
  | "UNLINKABLE"
  | "LIMIT_MODULE_BYTES"
  | "LIMIT_SECTION_ITEMS"
  | "LIMIT_FUNCTIONS"
  | "LIMIT_LOCALS"
  | "LIMIT_NESTING"
  | "LIMIT_BODY_BYTES"
  | "LIMIT_MEMORY_PAGES"
  | "LIMIT_TABLE_SIZE"
  | "TRAP_UNREACHABLE"
  | "TRAP_MEMORY_OUT_OF_BOUNDS"
  | "TRAP_TABLE_OUT_OF_BOUNDS"
  | "TRAP_DIVIDE_BY_ZERO"
  | "TRAP_INTEGER_OVERFLOW"
  | "TRAP_INVALID_CONVERSION"
  | "TRAP_UNINITIALIZED_ELEMENT"
  | "TRAP_INDIRECT_CALL_TYPE"
  | "TRAP_CALL_STACK_EXHAUSTED"
  | "TRAP_VALUE_STACK_EXHAUSTED"
  | "TRAP_HOST"
  | "OUT_OF_GAS";

export class WasmError extends Error {
  override readonly name = "WasmError";
  constructor(
    readonly code: WasmErrorCode,
    message: string,
    readonly data: Record<string, unknown> = {},
  ) {
    super(`${code}: ${message}`);
  }

  /** True for run-time traps (including out of gas): the execution stopped, the module was fine. */
  get isTrap(): boolean {
    return this.code.startsWith("TRAP_") || this.code === "OUT_OF_GAS";
  }
}

export const malformed = (message: string, offset?: number): WasmError =>
  new WasmError("MALFORMED", offset === undefined ? message : `${message} at byte ${offset}`, { offset });

export const invalid = (message: string, data: Record<string, unknown> = {}): WasmError =>
  new WasmError("INVALID", message, data);

export const trap = (code: WasmErrorCode, message: string, data: Record<string, unknown> = {}): WasmError =>
  new WasmError(code, message, data);
