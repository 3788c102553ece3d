// `dusk-edge zk verify` as a subprocess (cli/bin.mjs on the running Node): exit codes 0/1/2, the
// words it prints, --json, --protocol, and agreement with the snarkjs CLI on valid and invalid proofs.
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CircuitFixture, releaseSnarkjs, ZK_CACHE, zkFixtures } from "../zk/fixtures.js";
import { withValue } from "../zk/helpers.js";

let fixtures: Record<string, CircuitFixture>;
const dir = join(ZK_CACHE, `cli-test-${process.pid}`);
beforeAll(async () => {
  fixtures = await zkFixtures();
  mkdirSync(dir, { recursive: true });
}, 180_000);
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await releaseSnarkjs();
});

function files(name: string, vk: unknown, proof: unknown, pub: unknown) {
  const f = {
    vk: join(dir, `${name}-vk.json`),
    proof: join(dir, `${name}-proof.json`),
    pub: join(dir, `${name}-public.json`),
  };
  writeFileSync(f.vk, JSON.stringify(vk));
  writeFileSync(f.proof, JSON.stringify(proof));
  writeFileSync(f.pub, JSON.stringify(pub));
  return f;
}

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ["cli/bin.mjs", ...args], { encoding: "utf8" });
  return { code: r.status, out: r.stdout.trim(), err: r.stderr.trim() };
}

function snarkjsCli(protocol: string, f: { vk: string; proof: string; pub: string }) {
  const r = spawnSync(
    process.execPath,
    ["node_modules/snarkjs/build/cli.cjs", protocol, "verify", f.vk, f.pub, f.proof],
    {
      encoding: "utf8",
    },
  );
  return r.status;
}

const verify = (f: { vk: string; proof: string; pub: string }, ...extra: string[]) =>
  cli("zk", "verify", "--vk", f.vk, "--proof", f.proof, "--public", f.pub, ...extra);

describe("dusk-edge zk verify (subprocess)", () => {
  it("valid Groth16 and PLONK proofs of every fixture circuit: prints valid, exit 0, like snarkjs", () => {
    let checked = 0;
    for (const c of Object.values(fixtures)) {
      for (const protocol of ["groth16", "plonk"] as const) {
        if (c[protocol].vk === null) continue; // no-public has no PLONK fixture
        const p = c[protocol].proofs[1]!;
        const f = files(`valid-${c.name}-${protocol}`, c[protocol].vk, p.proof, p.publicSignals);
        expect(verify(f), `${c.name} ${protocol}`).toEqual({ code: 0, out: "valid", err: "" });
        expect(snarkjsCli(protocol, f), `${c.name} ${protocol}`).toBe(0);
        checked++;
      }
    }
    expect(checked).toBe(5);
    const m = fixtures.multiplier!;
    const f = files("explicit", m.plonk.vk, m.plonk.proofs[0]!.proof, m.plonk.proofs[0]!.publicSignals);
    expect(verify(f, "--protocol", "plonk").code).toBe(0);
  });

  it("wrong public signals: prints invalid, exit 1, and snarkjs also fails", () => {
    const m = fixtures.multiplier!;
    for (const protocol of ["groth16", "plonk"] as const) {
      const p = m[protocol].proofs[1]!;
      const f = files(`invalid-${protocol}`, m[protocol].vk, p.proof, m[protocol].proofs[2]!.publicSignals);
      expect(verify(f)).toEqual({ code: 1, out: "invalid", err: "" });
      expect(snarkjsCli(protocol, f)).not.toBe(0);
    }
  });

  it("malformed input: a clear error on stderr, exit 2; --json reports the code", () => {
    const m = fixtures.multiplier!;
    const p = m.groth16.proofs[0]!;
    const offCurve = withValue(p.proof, ["pi_a", 1], "5");
    const f = files("malformed", m.groth16.vk, offCurve, p.publicSignals);
    const r = verify(f);
    expect(r.code).toBe(2);
    expect(r.out).toBe("");
    expect(r.err).toMatch(/^error: ZK_MALFORMED_PROOF: proof\.pi_a: G1 point not on the curve/);
    const j = verify(f, "--json");
    expect(j.code).toBe(2);
    expect(JSON.parse(j.out)).toMatchObject({ result: "error", code: "ZK_MALFORMED_PROOF" });
    const ok = files("json-ok", m.groth16.vk, p.proof, p.publicSignals);
    expect(JSON.parse(verify(ok, "--json").out)).toEqual({ result: "valid", protocol: "groth16" });
  });

  it("usage errors, missing files, bad JSON and a protocol mismatch exit 2; --help exits 0", () => {
    const m = fixtures.multiplier!;
    const p = m.groth16.proofs[0]!;
    const f = files("usage", m.groth16.vk, p.proof, p.publicSignals);
    expect(cli("zk", "verify", "--vk", f.vk).code).toBe(2);
    expect(verify({ ...f, proof: join(dir, "missing.json") })).toMatchObject({
      code: 2,
      err: expect.stringMatching(/ENOENT/),
    });
    writeFileSync(join(dir, "bad.json"), "{not json");
    expect(verify({ ...f, pub: join(dir, "bad.json") })).toMatchObject({
      code: 2,
      err: expect.stringMatching(/not JSON/),
    });
    expect(verify(f, "--protocol", "plonk")).toMatchObject({
      code: 2,
      err: expect.stringMatching(/ZK_UNSUPPORTED/),
    });
    expect(verify(f, "--protocol", "fflonk").code).toBe(2);
    const help = cli("zk", "verify", "--help");
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/Exit codes: 0 valid, 1 invalid, 2 error/);
  });
});
