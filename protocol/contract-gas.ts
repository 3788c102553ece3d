/**
 * Gas of contract transactions and host functions (docs/CONTRACTS.md, "Gas"). Protocol
 * constants: every node charges exactly these, so they are part of consensus. VM instruction
 * costs are in workers/executor/wasm/gas.ts.
 */

export const CONTRACT_GAS = {
  txBase: 21_000,
  deployPerCodeByte: 200,
  inputPerByte: 16,
  hostCall: 20,
  copyPerByte: 1,
  storageGet: 200,
  storageSet: 5_000,
  storageSetPerByte: 50,
  storageDelete: 1_000,
  emit: 500,
  emitPerByte: 20,
  transfer: 2_000,
  balance: 200,
  call: 2_000,
  hash: 60,
  hashPerByte: 2,
  poseidonPerElement: 3_000,
  blsVerify: 1_500_000,
  blsAggregatePerKey: 20_000,
  zkVerify: 3_000_000,
  zkVerifyPerInput: 150_000,
} as const;

/** Limits of contract execution (docs/CONTRACTS.md). */
export const CONTRACT_LIMITS = {
  callDepth: 8,
  returnDataBytes: 16 * 1_024,
  storageKeyBytes: 256,
  storageValueBytes: 16 * 1_024,
  eventTopicBytes: 64,
  eventDataBytes: 4 * 1_024,
  eventsPerTransaction: 64,
  revertMessageBytes: 1_024,
  poseidonInputs: 16,
  blsAggregateKeys: 128,
  zkPublicInputs: 64,
  /** VM memory of a contract instance, pages of 64 KiB (4 MiB). */
  memoryPages: 64,
} as const;
