/**
 * dusk-edge contract SDK for AssemblyScript: typed wrappers over the host ABI of
 * docs/CONTRACTS.md (module `dusk`) and the argument encoding of `codec.ts`.
 *
 * @example
 *   import { getU64, input, Reader, setReturn, skey, Writer } from "../../sdk";
 *   export function get(): void {
 *     setReturn(new Writer().u64(getU64(skey("count"))).finish());
 *   }
 *
 * Build with `npm run contracts:build` (contracts/build.ts fixes the compiler flags).
 */

export * from "./call";
export * from "./codec";
export * from "./crypto";
export * from "./env";
export * from "./events";
export * from "./storage";
