// Runs in Node before the workerd tests: makes (or reads from cache) the snarkjs fixtures of
// test/zk/fixtures.ts and provides them to the tests, which cannot run snarkjs inside workerd.
import type { TestProject } from "vitest/node";
import type { ZkWorkerdFixture } from "./zk-fixture-type.js";

export default async function setup(project: TestProject): Promise<void> {
  const { releaseSnarkjs, zkFixtures } = await import("../zk/fixtures.js");
  const f = await zkFixtures();
  await releaseSnarkjs();
  const m = f.multiplier!;
  const fixture: ZkWorkerdFixture = {
    groth16: { vk: m.groth16.vk, proofs: m.groth16.proofs.slice(0, 8) },
    plonk: { vk: m.plonk.vk, proofs: m.plonk.proofs.slice(0, 2) },
  };
  project.provide("zkFixture", fixture);
}
