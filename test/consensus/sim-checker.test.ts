import { describe, expect, it } from "vitest";
import type { Block } from "../../protocol/block.js";
import { NobleSignatureVerifier } from "../../protocol/ed25519.js";
import { FinalityChecker } from "../../sim/checker.js";
import { EventQueue } from "../../sim/event-queue.js";
import { DEFAULT_OPTIONS } from "../../sim/options.js";
import { Prng } from "../../sim/prng.js";
import { baseGenesis } from "../../sim/sim-genesis.js";
import { runSimulation } from "../../sim/simulator.js";
import type { BlockView, NodeApi } from "../../workers/consensus/node-api.js";
import { Label } from "../../workers/consensus/ports.js";

/** The checks must be able to fail: each is shown catching a violation on purpose. */
describe("simulator checks catch violations", () => {
  it("liveness: byzantine actors holding 40% of stake and staying silent stop finality", async () => {
    const r = await runSimulation({
      ...DEFAULT_OPTIONS,
      seed: 3,
      nodes: 5,
      provisioners: 5,
      rounds: 5,
      byzantine: 0.4,
      behaviours: ["silent"],
      partitions: false,
      crashes: false,
      livenessWindowMs: 30_000,
    });
    expect(r.pass).toBe(false);
    expect(r.violations.join("\n")).toMatch(/liveness/);
  }, 60_000);

  it("safety: two different Final blocks at one height, and a Final block reverted", () => {
    const violations: string[] = [];
    const g = baseGenesis(4);
    const checker = new FinalityChecker(
      g,
      new NobleSignatureVerifier(),
      () => 0,
      (v) => violations.push(v),
    );
    const block = (tag: number): Block =>
      ({ header: { timestampMs: 0, prevHash: new Uint8Array(32), tag } }) as unknown as Block;
    const fake = (hashByte: number, finalized = 1): NodeApi =>
      ({
        status: () => ({ finalizedHeight: finalized }),
        blockByHeight: (h: number): BlockView | undefined =>
          h <= 1
            ? { block: block(hashByte), hash: new Uint8Array(32).fill(hashByte), label: Label.Final }
            : undefined,
      }) as unknown as NodeApi;
    checker.observe("a", fake(1));
    expect(violations).toEqual([]);
    checker.observe("b", fake(2));
    expect(violations.join()).toMatch(/two different Final blocks at height 1/);
    violations.length = 0;
    checker.recheck("a", fake(3));
    expect(violations.join()).toMatch(/Final block 1 .* on a was reverted/);
    violations.length = 0;
    checker.recheck("a", fake(1, 0));
    expect(violations.join()).toMatch(/finalized height went down/);
  });
});

describe("simulator building blocks", () => {
  it("the PRNG is a pure function of its seed, and forks are independent streams", () => {
    const a = new Prng(42);
    const b = new Prng(42);
    const xs = Array.from({ length: 100 }, () => a.u32());
    expect(Array.from({ length: 100 }, () => b.u32())).toEqual(xs);
    expect(new Set(xs).size).toBe(100);
    const f = new Prng(1);
    let sum = 0;
    for (let i = 0; i < 10_000; i++) sum += f.float();
    expect(sum / 10_000).toBeGreaterThan(0.48);
    expect(sum / 10_000).toBeLessThan(0.52);
  });

  it("the event queue pops by time, ties in insertion order, and refuses to grow past its limit", () => {
    const q = new EventQueue<string>(5);
    q.push(10, "c");
    q.push(5, "a");
    q.push(10, "d");
    q.push(5, "b");
    q.push(1, "first");
    expect(() => q.push(1, "x")).toThrow(/limit/);
    expect([q.pop(), q.pop(), q.pop(), q.pop(), q.pop()].map((e) => e?.event)).toEqual([
      "first",
      "a",
      "b",
      "c",
      "d",
    ]);
    expect(q.pop()).toBeUndefined();
  });
});
