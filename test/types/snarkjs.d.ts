// snarkjs ships no TypeScript declarations; tests and benches use it untyped.
declare module "snarkjs";
