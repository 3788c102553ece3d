/**
 * Raw host imports of the contract ABI (docs/CONTRACTS.md, "Host functions"), one declaration per
 * row of that table, in its order. AssemblyScript names an import's module after the file that
 * declares it, so this file must stay `dusk.ts`: every function below is imported as `dusk.<name>`
 * (a decorator would say so explicitly, but Biome cannot parse decorators on functions).
 *
 * Pointers are `usize` (i32 on wasm32) offsets into this module's exported memory; amounts,
 * heights and gas are i64 as in the ABI. Contracts use the typed wrappers of `index.ts`.
 */

export declare function input_len(): i32;
export declare function input_read(dst: usize): void;
export declare function return_data_set(ptr: usize, len: i32): void;

export declare function storage_get(keyPtr: usize, keyLen: i32, dst: usize, cap: i32): i32;
export declare function storage_set(keyPtr: usize, keyLen: i32, valPtr: usize, valLen: i32): void;
export declare function storage_delete(keyPtr: usize, keyLen: i32): void;
export declare function emit(topicPtr: usize, topicLen: i32, dataPtr: usize, dataLen: i32): void;

export declare function caller(dst: usize): void;
export declare function origin(dst: usize): void;
export declare function self_id(dst: usize): void;
export declare function value(): i64;
export declare function balance(addrPtr: usize): i64;
export declare function transfer(toPtr: usize, amount: i64): i32;

export declare function block_height(): i64;
export declare function block_timestamp(): i64;
export declare function chain_id(dst: usize, cap: i32): i32;
export declare function gas_left(): i64;

export declare function call(
  idPtr: usize,
  fnPtr: usize,
  fnLen: i32,
  inPtr: usize,
  inLen: i32,
  value: i64,
  gas: i64,
): i32;
export declare function return_data_len(): i32;
export declare function return_data_read(dst: usize): void;
export declare function revert(msgPtr: usize, msgLen: i32): void;

export declare function blake3(ptr: usize, len: i32, dst: usize): void;
export declare function sha256(ptr: usize, len: i32, dst: usize): void;
export declare function poseidon(ptr: usize, n: i32, dst: usize): i32;
export declare function bls_verify(pkPtr: usize, msgPtr: usize, msgLen: i32, sigPtr: usize): i32;
export declare function bls_verify_aggregate(
  n: i32,
  pksPtr: usize,
  msgPtr: usize,
  msgLen: i32,
  sigPtr: usize,
): i32;
export declare function verify_groth16(
  vkPtr: usize,
  vkLen: i32,
  proofPtr: usize,
  proofLen: i32,
  inputsPtr: usize,
  nInputs: i32,
): i32;
export declare function verify_plonk(
  vkPtr: usize,
  vkLen: i32,
  proofPtr: usize,
  proofLen: i32,
  inputsPtr: usize,
  nInputs: i32,
): i32;
