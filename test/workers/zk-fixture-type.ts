// The snarkjs fixture handed from Node (zk-global-setup.ts) to the workerd tests via provide/inject.
export interface ZkWorkerdFixture {
  groth16: { vk: unknown; proofs: { proof: unknown; publicSignals: string[] }[] };
  plonk: { vk: unknown; proofs: { proof: unknown; publicSignals: string[] }[] };
}

declare module "vitest" {
  export interface ProvidedContext {
    zkFixture: ZkWorkerdFixture;
  }
}
