// Hostile length claims (issue 12: "no allocation proportional to a claimed length before the
// bytes are there"): every binary decoder of the fuzz targets gets each of its valid encodings
// with 2^31 (and 2^32-1) written over every 4-byte window and only 6 bytes after it. Each must
// answer with its typed error (or decode what is there) inside the CPU and allocation bounds of
// test/fuzz/bounds.ts. The bounds themselves are checked to catch what they are meant to catch.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { isProtocolError } from "../../protocol/errors.js";
import { CASE_ALLOC_LIMIT_BYTES, withinBounds } from "../fuzz/bounds.js";
import { TARGETS, withClaim } from "../fuzz/targets.js";

const CLAIMS = [
  [0, 0, 0, 0x80], // 2^31
  [0xff, 0xff, 0xff, 0xff], // 2^32 - 1
];

describe("a claimed length of 2^31 with 6 bytes behind it", () => {
  const decoders = TARGETS.filter((t) => t.decoder !== undefined);

  it("covers every binary decoder target", () => {
    expect(decoders.map((t) => t.name)).toEqual(
      expect.arrayContaining(["block", "routing frame", "transaction", "consensus message", "link hello"]),
    );
  });

  for (const t of decoders) {
    it(`${t.name}: typed error or a decode, within the CPU and allocation bounds, at every offset`, () => {
      const { seeds, decode, accepted } = t.decoder!;
      let refused = 0;
      let cases = 0;
      for (const seed of seeds) {
        for (let at = 0; at + 4 <= seed.length; at++) {
          for (const claim of CLAIMS) {
            const bytes = withClaim(seed, at, claim, 6);
            cases++;
            withinBounds(t.name, bytes, () => {
              try {
                decode(bytes);
              } catch (e) {
                if (!accepted(e)) throw e;
                refused++;
              }
            });
          }
        }
      }
      // Everything but a claim in the last bytes of a seed leaves input missing: refused.
      expect(cases).toBeGreaterThan(0);
      expect(refused).toBeGreaterThanOrEqual(cases - 2 * 11 * seeds.length);
    });
  }

  it("protocol decoders name the limit or the truncation in their code", () => {
    const codes = new Set<string>();
    for (const t of decoders) {
      for (const seed of t.decoder!.seeds) {
        for (let at = 0; at + 4 <= seed.length; at++) {
          try {
            t.decoder!.decode(withClaim(seed, at, CLAIMS[0]!, 6));
          } catch (e) {
            if (isProtocolError(e)) codes.add(e.code);
          }
        }
      }
    }
    expect([...codes].sort()).toEqual(expect.arrayContaining(["DECODE_LIMIT_EXCEEDED", "DECODE_TRUNCATED"]));
  });
});

describe("the fuzz bounds catch what they are for", () => {
  it("a decoder that allocates what a prefix claims fails the allocation bound", () => {
    const claimed = CASE_ALLOC_LIMIT_BYTES * 16;
    let kept: Uint8Array | null = null;
    expect(() =>
      withinBounds("allocating decoder", new Uint8Array(10), () => {
        kept = new Uint8Array(claimed);
      }),
    ).toThrow(/allocated \d+ bytes/);
    expect(kept).not.toBeNull();
  });

  it("a case that burns more CPU than the limit fails the time bound", () => {
    expect(() =>
      withinBounds("slow decoder", "x", () => {
        const until = process.cpuUsage();
        for (;;) {
          const used = process.cpuUsage(until);
          if (used.user + used.system > 1_100_000) break;
        }
      }),
    ).toThrow(/ms of CPU/);
  });

  it("the campaign's watchdog kills a case that never returns, naming its input", () => {
    const r = spawnSync(process.execPath, ["--import", "tsx", "test/fuzz/hang-probe.ts"], {
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(r.signal).toBe("SIGKILL");
    expect(r.stderr).toMatch(
      /HANG hang probe: case 4 ran \d+ s of CPU without returning; input \(hex\) deadbeef/,
    );
  });
});
