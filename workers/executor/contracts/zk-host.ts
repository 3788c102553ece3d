/**
 * The ZK host of contracts: Poseidon (circomlib parameters, protocol/poseidon.ts) and Groth16 /
 * PLONK verification of the binary encodings (workers/verifier/zk, docs/ZK.md), with the
 * verifier's bounded cache of prepared keys. Pure and deterministic: every node gets the same
 * verdict, and a malformed key or proof is a failed verification (0), never a crash.
 */

import { poseidon } from "../../../protocol/poseidon.js";
import { verifyGroth16Binary, verifyPlonkBinary } from "../../verifier/zk/index.js";
import type { ZkHost } from "./frame.js";

export const ZK_HOST: ZkHost = {
  poseidon: (inputs) => poseidon(inputs),
  verifyGroth16: (vk, proof, inputs) => verifyGroth16Binary(vk, proof, inputs),
  verifyPlonk: (vk, proof, inputs) => verifyPlonkBinary(vk, proof, inputs),
};
