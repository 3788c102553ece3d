// The ZK host functions of contracts (docs/CONTRACTS.md): poseidon against protocol/poseidon.ts,
// verify_groth16 / verify_plonk on snarkjs-made proofs in the binary encoding of docs/ZK.md:
// a valid proof gives 1, a tampered proof or wrong input 0, garbage 0 (never a trap).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONTRACT_GAS } from "../../protocol/contract-gas.js";
import { poseidon } from "../../protocol/poseidon.js";
import { AccountState, StateOverlay } from "../../protocol/state.js";
import { contractIdOf, signCall, signDeploy } from "../../protocol/transaction.js";
import { applyCall, applyDeploy } from "../../workers/executor/contracts/runtime.js";
import { encodeInputs, inputsFromJson } from "../../workers/verifier/zk/curve.js";
import {
  encodeGroth16Key,
  encodeGroth16Proof,
  groth16KeyFromJson,
  groth16ProofFromJson,
} from "../../workers/verifier/zk/groth16.js";
import {
  encodePlonkKey,
  encodePlonkProof,
  plonkKeyFromJson,
  plonkProofFromJson,
} from "../../workers/verifier/zk/plonk.js";
import { wat } from "../fixtures/wat.js";
import { type CircuitFixture, releaseSnarkjs, zkFixtures } from "../zk/fixtures.js";
import { alice, bob, CHAIN_ID, EXEC } from "./fixtures.js";

/**
 * `hash`: poseidon over the input (n × 32 bytes), returns status ‖ 32-byte hash.
 * `groth16` / `plonk`: input = u32 vk length ‖ u32 proof length ‖ u32 n ‖ vk ‖ proof ‖ n × 32
 * inputs; returns the host's 0/1 as 4 bytes.
 */
const ZK_WAT = `(module
  (import "dusk" "input_len" (func $ilen (result i32)))
  (import "dusk" "input_read" (func $iread (param i32)))
  (import "dusk" "return_data_set" (func $ret (param i32 i32)))
  (import "dusk" "poseidon" (func $poseidon (param i32 i32 i32) (result i32)))
  (import "dusk" "verify_groth16" (func $g16 (param i32 i32 i32 i32 i32 i32) (result i32)))
  (import "dusk" "verify_plonk" (func $plonk (param i32 i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 2)
  (func (export "hash")
    (call $iread (i32.const 1024))
    (i32.store (i32.const 0) (call $poseidon (i32.const 1024) (i32.div_u (call $ilen) (i32.const 32)) (i32.const 4)))
    (call $ret (i32.const 0) (i32.const 36)))
  (func $verify (param $plonk i32) (local $vk i32) (local $pf i32) (local $n i32) (local $r i32)
    (call $iread (i32.const 1024))
    (local.set $vk (i32.load (i32.const 1024)))
    (local.set $pf (i32.load (i32.const 1028)))
    (local.set $n (i32.load (i32.const 1032)))
    (if (local.get $plonk)
      (then (local.set $r (call $plonk (i32.const 1036) (local.get $vk)
        (i32.add (i32.const 1036) (local.get $vk)) (local.get $pf)
        (i32.add (i32.add (i32.const 1036) (local.get $vk)) (local.get $pf)) (local.get $n))))
      (else (local.set $r (call $g16 (i32.const 1036) (local.get $vk)
        (i32.add (i32.const 1036) (local.get $vk)) (local.get $pf)
        (i32.add (i32.add (i32.const 1036) (local.get $vk)) (local.get $pf)) (local.get $n)))))
    (i32.store (i32.const 0) (local.get $r))
    (call $ret (i32.const 0) (i32.const 4)))
  (func (export "groth16") (call $verify (i32.const 0)))
  (func (export "plonk") (call $verify (i32.const 1)))
)`;

const ENV = { block: { chainId: CHAIN_ID, height: 1, timestampMs: 0 }, params: EXEC };
let fixtures: Record<string, CircuitFixture>;
let state: AccountState;
const id = contractIdOf(alice.publicKey, 1n);

beforeAll(async () => {
  fixtures = await zkFixtures();
  state = AccountState.from([
    [bob.publicKey, { balance: 10n ** 12n, nonce: 0n }],
    [alice.publicKey, { balance: 10n ** 12n, nonce: 0n }],
  ]);
  const overlay = new StateOverlay(state);
  const code = await wat(ZK_WAT);
  const d = signDeploy(alice.secretKey, {
    chainId: CHAIN_ID,
    from: alice.publicKey,
    amount: 0n,
    nonce: 1n,
    gasLimit: 30_000_000n,
    gasPrice: 1n,
    code,
    init: new Uint8Array(0),
  });
  expect(applyDeploy(d, overlay, ENV).status).toBe("success");
  state.commit(overlay);
}, 240_000);
afterAll(async () => {
  await releaseSnarkjs();
});

let nonce = 0n;
function call(fn: string, input: Uint8Array) {
  nonce += 1n;
  const tx = signCall(bob.secretKey, {
    chainId: CHAIN_ID,
    from: bob.publicKey,
    contract: id,
    fn,
    input,
    amount: 0n,
    nonce,
    gasLimit: 20_000_000n,
    gasPrice: 1n,
  });
  const overlay = new StateOverlay(state);
  const r = applyCall(tx, overlay, ENV);
  state.commit(overlay);
  return r;
}

function proofInput(vk: Uint8Array, proof: Uint8Array, inputs: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + vk.length + proof.length + inputs.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, vk.length, true);
  v.setUint32(4, proof.length, true);
  v.setUint32(8, inputs.length / 32, true);
  out.set(vk, 12);
  out.set(proof, 12 + vk.length);
  out.set(inputs, 12 + vk.length + proof.length);
  return out;
}

const be32 = (v: bigint) =>
  Uint8Array.from({ length: 32 }, (_, i) => Number((v >> BigInt(8 * (31 - i))) & 0xffn));

describe("contract ZK host functions", () => {
  it("poseidon agrees with protocol/poseidon and refuses non-canonical elements with status 1", () => {
    const input = new Uint8Array([...be32(1n), ...be32(2n)]);
    const r = call("hash", input);
    expect(r.status).toBe("success");
    expect(r.returnData.subarray(0, 4)).toEqual(new Uint8Array([0, 0, 0, 0]));
    expect(r.returnData.subarray(4)).toEqual(be32(poseidon([1n, 2n])));
    const tooBig = call("hash", new Uint8Array(32).fill(0xff));
    expect(tooBig.returnData.subarray(0, 4)).toEqual(new Uint8Array([1, 0, 0, 0]));
    expect(r.gasUsed).toBeGreaterThan(BigInt(2 * CONTRACT_GAS.poseidonPerElement));
  });

  it("verify_groth16 and verify_plonk accept snarkjs proofs and reject tampered ones, never trapping", () => {
    const c = Object.values(fixtures).find((f) => f.groth16.proofs[0]!.publicSignals.length > 0)!;
    const g = c.groth16.proofs[0]!;
    const gvk = encodeGroth16Key(groth16KeyFromJson(c.groth16.vk));
    const gproof = encodeGroth16Proof(groth16ProofFromJson(g.proof));
    const ginputs = encodeInputs(inputsFromJson(g.publicSignals, 1024));
    expect(call("groth16", proofInput(gvk, gproof, ginputs)).returnData).toEqual(
      new Uint8Array([1, 0, 0, 0]),
    );
    const wrongInput = ginputs.slice();
    wrongInput[31] = wrongInput[31]! ^ 1;
    expect(call("groth16", proofInput(gvk, gproof, wrongInput)).returnData).toEqual(
      new Uint8Array([0, 0, 0, 0]),
    );
    const garbage = call(
      "groth16",
      proofInput(
        gvk,
        gproof.map((b) => b ^ 0x55),
        ginputs,
      ),
    );
    expect([garbage.status, garbage.returnData]).toEqual(["success", new Uint8Array([0, 0, 0, 0])]);
    const p = c.plonk.proofs[0]!;
    const pvk = encodePlonkKey(plonkKeyFromJson(c.plonk.vk));
    const pproof = encodePlonkProof(plonkProofFromJson(p.proof));
    const pinputs = encodeInputs(inputsFromJson(p.publicSignals, 1024));
    expect(call("plonk", proofInput(pvk, pproof, pinputs)).returnData).toEqual(new Uint8Array([1, 0, 0, 0]));
    expect(call("plonk", proofInput(pvk, pproof, wrongInput.subarray(0, pinputs.length))).returnData).toEqual(
      new Uint8Array([0, 0, 0, 0]),
    );
  });
});
