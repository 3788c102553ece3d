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
  /** Failure attestations a header carries at most ("relaxed mode" beyond this iteration). */
  readonly relaxIterations: number;
  /** Consecutive Attested blocks that confirm an Accepted block before them (rolling finality). */
  readonly rollingFinalityBlocks: number;
  /** Fault proofs one block may carry. */
  readonly maxFaultsPerBlock: number;
  /** How many rounds back a fault may be proven (and how long unstaked value stays slashable). */
  readonly faultWindowRounds: number;
  /** Blocks per epoch: a new stake is eligible from the start of the epoch after next. */
  readonly epochBlocks: number;
  /** New coins per block, shared with the fees (docs/STAKING.md, "Rewards"). */
  readonly blockReward: bigint;
  /** Share of reward + fees for the block's generator, in percent. */
  readonly generatorRewardPercent: number;
  /** Share for the voters of the parent's attestation, per credit, in percent; the rest: development fund. */
  readonly votersRewardPercent: number;
  /** Share of active stake locked by a soft slash (missed generation), in percent. */
  readonly softSlashPercent: number;
  /** Share of all stake (active, locked, unbonding) burned by a hard slash (equivocation), in percent. */
  readonly hardSlashPercent: number;
  /** Whole epochs a slashed provisioner sits out after the current one. */
  readonly suspensionEpochs: number;
}

export interface ExecutionParams {
  readonly blockGasLimit: bigint;
  readonly maxBlockTransactions: number;
  readonly minGasPrice: bigint;
  /** Gas used by one public transfer. */
  readonly transferGas: bigint;
  /** Gas of a call to the genesis stake contract (a proof-of-possession check included). */
  readonly stakeGas: bigint;
  /**
   * Verification keys of the shielded-note circuits (docs/SHIELDED.md), from the genesis; without
   * them the chain refuses shielded transactions (SHIELDED_DISABLED).
   */
  readonly shielded?: ShieldedKeys;
}

/** Groth16 keys (binary, docs/ZK.md) of circuits/notes.circom's Deposit and Transfer(20). */
export interface ShieldedKeys {
  readonly depositVk: Uint8Array;
  readonly transferVk: Uint8Array;
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
    relaxIterations: 8,
    rollingFinalityBlocks: 5,
    maxFaultsPerBlock: 16,
    faultWindowRounds: 64,
    epochBlocks: 10,
    blockReward: 16_000_000_000n,
    generatorRewardPercent: 70,
    votersRewardPercent: 20,
    softSlashPercent: 10,
    hardSlashPercent: 20,
    suspensionEpochs: 1,
  },
  execution: {
    blockGasLimit: 100_000_000n,
    maxBlockTransactions: 2_000,
    minGasPrice: 1n,
    transferGas: 21_000n,
    stakeGas: 100_000n,
  },
};

/** Hard limits on encodings: untrusted bytes are refused above these before anything else. */
export const LIMITS = {
  /** A deployment carries its code (docs/CONTRACTS.md); transfers stay far below this. */
  transactionBytes: 96 * 1_024,
  memoBytes: 256,
  contractCodeBytes: 64 * 1_024,
  callInputBytes: 16 * 1_024,
  blockTransactions: 5_000,
  // Transactions + header with its failure attestations + fault proofs (about 1.5 KiB each).
  // Bytes, not only counts, bound a block: the generator stops adding transactions before this.
  blockBytes: 12 * 1_024 * 1_024,
  messageBytes: 12 * 1_024 * 1_024 + 8 * 1_024,
  blocksPerRequest: 64,
  chainIdBytes: 64,
  /** Failure attestations per header (bound of consensus.relaxIterations). */
  failedIterations: 32,
  /** Fault proofs per block (bound of consensus.maxFaultsPerBlock). */
  blockFaults: 64,
} as const;
