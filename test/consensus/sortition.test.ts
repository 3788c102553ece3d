import { describe, expect, it } from "vitest";
import { VoteKind } from "../../protocol/attestation.js";
import { toHex } from "../../protocol/bytes.js";
import { DEVNET_PARAMS } from "../../protocol/params.js";
import { Committee } from "../../workers/consensus/committee.js";
import { RoundCommittees } from "../../workers/consensus/round-committees.js";
import { extractCommittee, type Provisioner } from "../../workers/consensus/sortition.js";

const unit = 1_000n;
function provisioner(i: number, stake: bigint): Provisioner {
  const publicKey = new Uint8Array(48);
  publicKey[0] = i;
  return { publicKey, stake };
}
const seed = new Uint8Array(96).fill(7);

describe("sortition", () => {
  it("is deterministic and gives exactly the requested credits", () => {
    const ps = [provisioner(1, 100_000n), provisioner(2, 100_000n), provisioner(3, 100_000n)];
    const a = extractCommittee(ps, seed, 5, 1, 64, unit, null);
    const b = extractCommittee([...ps].reverse(), seed, 5, 1, 64, unit, null);
    expect(a).toEqual(b);
    expect(a.reduce((s, m) => s + m.credits, 0)).toBe(64);
  });

  it("changes with the seed, the round and the step", () => {
    const ps = Array.from({ length: 10 }, (_, i) => provisioner(i + 1, 100_000n));
    const base = JSON.stringify(extractCommittee(ps, seed, 5, 1, 64, unit, null).map((m) => m.credits));
    const other = new Uint8Array(96).fill(8);
    expect(JSON.stringify(extractCommittee(ps, other, 5, 1, 64, unit, null).map((m) => m.credits))).not.toBe(
      base,
    );
    expect(JSON.stringify(extractCommittee(ps, seed, 6, 1, 64, unit, null).map((m) => m.credits))).not.toBe(
      base,
    );
    expect(JSON.stringify(extractCommittee(ps, seed, 5, 2, 64, unit, null).map((m) => m.credits))).not.toBe(
      base,
    );
  });

  it("weights credits by stake", () => {
    const ps = [provisioner(1, 900_000n), provisioner(2, 100_000n)];
    let big = 0;
    for (let round = 1; round <= 20; round++) {
      big +=
        extractCommittee(ps, seed, round, 1, 64, unit, null).find((m) => m.publicKey[0] === 1)?.credits ?? 0;
    }
    // Expected share 90% of 1280 credits; allow sampling noise.
    expect(big / 1280).toBeGreaterThan(0.84);
    expect(big / 1280).toBeLessThan(0.96);
  });

  it("lowers a winner's weight per credit, so a stake of one unit wins at most one credit", () => {
    const ps = [provisioner(1, unit), provisioner(2, 1_000_000n)];
    const c = extractCommittee(ps, seed, 1, 1, 64, unit, null);
    expect(c.find((m) => m.publicKey[0] === 1)?.credits ?? 0).toBeLessThanOrEqual(1);
  });

  it("excludes the generator from its iteration's committees", () => {
    const ps = Array.from({ length: 4 }, (_, i) => provisioner(i + 1, 100_000n));
    const rc = new RoundCommittees(3, seed, ps, { ...DEVNET_PARAMS.consensus, creditStakeUnit: unit });
    for (let it = 0; it < 5; it++) {
      const g = toHex(rc.generator(it));
      for (const step of [1, 2] as const) {
        expect(rc.committee(it, step).members.map((m) => toHex(m.publicKey))).not.toContain(g);
      }
    }
  });
});

describe("committee quorums", () => {
  it("need 43 of 64 credits for Valid and 33 for other outcomes", () => {
    const c = new Committee([], 64);
    expect(c.quorum(VoteKind.Valid)).toBe(43);
    expect(c.quorum(VoteKind.Invalid)).toBe(33);
    expect(c.quorum(VoteKind.NoCandidate)).toBe(33);
    expect(c.quorum(VoteKind.NoQuorum)).toBe(33);
  });

  it("counts bitset credits and refuses bits beyond the members", () => {
    const c = new Committee(
      [
        { publicKey: new Uint8Array(48).fill(1), credits: 40 },
        { publicKey: new Uint8Array(48).fill(2), credits: 24 },
      ],
      64,
    );
    expect(c.creditsOfBitset(0b11n)).toBe(64);
    expect(c.creditsOfBitset(0b10n)).toBe(24);
    expect(c.creditsOfBitset(0b100n)).toBe(-1);
  });
});

describe("sortition distribution", () => {
  it("matches stake shares within statistical bounds (chi-square, 9 degrees of freedom, p = 0.001)", () => {
    // Stakes 1..10 million units; the per-credit cut (1000 units) is negligible beside them.
    const ps = Array.from({ length: 10 }, (_, i) => provisioner(i + 1, BigInt(i + 1) * 1_000_000n));
    const total = 55;
    const counts = new Array<number>(10).fill(0);
    let credits = 0;
    for (let round = 1; round <= 200; round++) {
      for (const m of extractCommittee(ps, seed, round, 1, 64, unit, null)) {
        counts[m.publicKey[0]! - 1]! += m.credits;
        credits += m.credits;
      }
    }
    expect(credits).toBe(200 * 64);
    let chi2 = 0;
    counts.forEach((observed, i) => {
      const expected = (credits * (i + 1)) / total;
      chi2 += (observed - expected) ** 2 / expected;
    });
    expect(chi2).toBeLessThan(27.88);
  });
});
