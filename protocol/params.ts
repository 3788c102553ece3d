/**
 * Protocol parameters. Defaults follow ../shared/DESIGN.md ("Protocol parameters"); a genesis
 * file may override any of them. Units are last in names.
 */

export interface ConsensusParams {
  /** Credits per validation / ratification committee. */
  readonly committeeCredits: number;
  /** Stake subtracted from a provisioner's sortition weight per credit won. */
  readonly creditStakeUnit: bigint;
  /** Minimum stake for eligibility. */
  readonly minimumStake: bigint;
  readonly maxIterations: number;
  /** Iteration from which emergency mode applies (no timeouts, only Valid counts). */
  readonly emergencyIteration: number;
  readonly stepTimeoutMs: number;
  readonly stepTimeoutIncrementMs: number;
  readonly stepTimeoutMaxMs: number;
  readonly minBlockTimeMs: number;
  /** How far ahead of the local clock a candidate's timestamp may be. */
  readonly maxClockDriftMs: number;
}

export interface ExecutionParams {
  readonly blockGasLimit: bigint;
  readonly maxBlockTransactions: number;
  readonly minGasPrice: bigint;
  /** Gas used by one public transfer. */
  readonly transferGas: bigint;
}

export interface ProtocolParams {
  readonly consensus: ConsensusParams;
  readonly execution: ExecutionParams;
}

export const DEVNET_PARAMS: ProtocolParams = {
  consensus: {
    committeeCredits: 64,
    creditStakeUnit: 1_000_000_000n,
    minimumStake: 1_000_000_000_000n,
    maxIterations: 50,
    emergencyIteration: 16,
    stepTimeoutMs: 1_000,
    stepTimeoutIncrementMs: 500,
    stepTimeoutMaxMs: 5_000,
    minBlockTimeMs: 2_000,
    maxClockDriftMs: 2_000,
  },
  execution: {
    blockGasLimit: 100_000_000n,
    maxBlockTransactions: 2_000,
    minGasPrice: 1n,
    transferGas: 21_000n,
  },
};

/** Hard limits on encodings: untrusted bytes are refused above these before anything else. */
export const LIMITS = {
  transactionBytes: 2_048,
  memoBytes: 256,
  blockTransactions: 5_000,
  blockBytes: 5_000 * 2_048 + 4_096,
  messageBytes: 5_000 * 2_048 + 8_192,
  blocksPerRequest: 64,
  chainIdBytes: 64,
} as const;
