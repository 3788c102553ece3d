/**
 * The host ABI of docs/CONTRACTS.md as data: every import a contract may have, with its wasm
 * signature, and `checkContractModule`, which holds a compiled contract to it (imports from the
 * table or `env.abort` only, memory exported as `memory`, every exported function `() -> ()`).
 * test/unit/contracts-sdk.test.ts parses the doc's table and compares it with this one, so the
 * two cannot drift apart silently.
 */

import { decodeModule } from "../workers/executor/wasm/decode";
import { DEFAULT_LIMITS } from "../workers/executor/wasm/limits";
import { type FuncType, typeName } from "../workers/executor/wasm/types";

export type AbiType = "i32" | "i64";

export interface HostSignature {
  readonly params: readonly AbiType[];
  readonly results: readonly AbiType[];
}

export const HOST_MODULE = "dusk";

const sig = (params: AbiType[], results: AbiType[] = []): HostSignature => ({ params, results });
const P = (n: number): AbiType[] => Array.from({ length: n }, () => "i32");

/** Module `dusk`, in the order of the doc's table. Pointers and lengths are i32; amounts i64. */
export const HOST_FUNCTIONS: Readonly<Record<string, HostSignature>> = {
  input_len: sig([], ["i32"]),
  input_read: sig(P(1)),
  return_data_set: sig(P(2)),
  storage_get: sig(P(4), ["i32"]),
  storage_set: sig(P(4)),
  storage_delete: sig(P(2)),
  emit: sig(P(4)),
  caller: sig(P(1)),
  origin: sig(P(1)),
  self_id: sig(P(1)),
  value: sig([], ["i64"]),
  balance: sig(P(1), ["i64"]),
  transfer: sig(["i32", "i64"], ["i32"]),
  block_height: sig([], ["i64"]),
  block_timestamp: sig([], ["i64"]),
  chain_id: sig(P(2), ["i32"]),
  gas_left: sig([], ["i64"]),
  call: sig([...P(5), "i64", "i64"], ["i32"]),
  return_data_len: sig([], ["i32"]),
  return_data_read: sig(P(1)),
  revert: sig(P(2)),
  blake3: sig(P(3)),
  sha256: sig(P(3)),
  poseidon: sig(P(3), ["i32"]),
  bls_verify: sig(P(4), ["i32"]),
  bls_verify_aggregate: sig(P(5), ["i32"]),
  verify_groth16: sig(P(6), ["i32"]),
  verify_plonk: sig(P(6), ["i32"]),
};

/** AssemblyScript's abort(message, file, line, column); the host turns it into a revert. */
export const ABORT_IMPORT = { module: "env", name: "abort", signature: sig(P(4)) } as const;

export const formatSignature = (s: HostSignature): string =>
  `(${s.params.join(", ")}) -> (${s.results.join(", ")})`;

const signatureOf = (t: FuncType): string =>
  `(${t.params.map(typeName).join(", ")}) -> (${t.results.map(typeName).join(", ")})`;

export interface ContractShape {
  /** `module.name` of each function import. */
  imports: string[];
  /** Exported function names (entry points). */
  entries: string[];
  /** Everything that breaks the ABI; empty when the module is a valid contract. */
  problems: string[];
}

/** Decodes `wasm` and lists its imports, entry points and every departure from the ABI. */
export function checkContractModule(wasm: Uint8Array): ContractShape {
  const m = decodeModule(wasm, DEFAULT_LIMITS);
  const problems: string[] = [];
  const imports: string[] = [];
  for (const imp of m.imports) {
    const name = `${imp.module}.${imp.name}`;
    if (imp.desc.kind !== "func") {
      problems.push(`import ${name} is a ${imp.desc.kind}: only host functions may be imported`);
      continue;
    }
    imports.push(name);
    const want =
      imp.module === HOST_MODULE
        ? HOST_FUNCTIONS[imp.name]
        : imp.module === ABORT_IMPORT.module && imp.name === ABORT_IMPORT.name
          ? ABORT_IMPORT.signature
          : undefined;
    const got = m.types[imp.desc.type];
    if (want === undefined) problems.push(`import ${name} is not in the host ABI`);
    else if (got === undefined || signatureOf(got) !== formatSignature(want))
      problems.push(
        `import ${name} has type ${got ? signatureOf(got) : "?"}, the ABI says ${formatSignature(want)}`,
      );
  }
  // Function index space: imported functions first, then the module's own.
  const funcTypes: (number | undefined)[] = [
    ...m.imports
      .map((i) => (i.desc.kind === "func" ? i.desc.type : undefined))
      .filter((t) => t !== undefined),
    ...m.funcs,
  ];
  const entries: string[] = [];
  let memoryExported = false;
  for (const e of m.exports) {
    if (e.kind === "memory") {
      if (e.name === "memory") memoryExported = true;
      else problems.push(`memory exported as ${e.name}, not memory`);
      continue;
    }
    if (e.kind !== "func") {
      problems.push(`export ${e.name} is a ${e.kind}: a contract exports functions and its memory`);
      continue;
    }
    entries.push(e.name);
    const typeIndex = funcTypes[e.index];
    const t = typeIndex === undefined ? undefined : m.types[typeIndex];
    if (t === undefined || t.params.length > 0 || t.results.length > 0)
      problems.push(`entry ${e.name} has type ${t ? signatureOf(t) : "?"}, entries must be () -> ()`);
  }
  if (!memoryExported) problems.push("memory is not exported as memory");
  return { imports, entries, problems };
}
