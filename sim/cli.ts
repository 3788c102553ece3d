/**
 * The sweep behind `npm run sim`: parses options, runs seeds one after another, prints one line
 * per seed (PASS/FAIL, rounds, final height, faults injected/detected), the replay command of
 * each failing seed, a summary of faults per kind, and last the line `N passed, N failed`.
 * Output goes through an injected writer (the entry point owns stdout); progress goes to
 * another, so a long sweep shows where it is without cluttering the report.
 */

import { BYZANTINE_KINDS, type ByzantineKind, FAULT_DETECTORS } from "./byzantine.js";
import { DEFAULT_OPTIONS, type SimOptions } from "./options.js";
import { runSimulation, type SimResult } from "./simulator.js";

export interface SweepOptions {
  readonly base: SimOptions;
  /** Seeds to run: either `count` seeds from `first`, or the one in base.seed. */
  readonly seeds: readonly number[];
  readonly verbose: boolean;
  /** `--trace`: node ids whose every log line is printed as it happens (empty: none; "all"). */
  readonly trace: readonly string[];
  /** The options as given, for replay commands. */
  readonly replayArgs: readonly string[];
}

export const USAGE = `npm run sim -- [options]
  --seeds N            run seeds 1..N (default 10)
  --seed S             replay one seed
  --first-seed S       start a sweep at seed S (with --seeds)
  --nodes N            nodes (default ${DEFAULT_OPTIONS.nodes})
  --provisioners N     provisioners (default = nodes; node i < N holds key i)
  --rounds N           target finalized height (default ${DEFAULT_OPTIONS.rounds})
  --loss P             message loss probability (default ${DEFAULT_OPTIONS.loss})
  --latency-ms MS      mean one-way latency (default ${DEFAULT_OPTIONS.latencyMs})
  --jitter-ms MS       latency jitter +- (default ${DEFAULT_OPTIONS.jitterMs})
  --duplicate P        duplication probability (default ${DEFAULT_OPTIONS.duplicate})
  --reorder P          probability of an extra reordering delay (default ${DEFAULT_OPTIONS.reorder})
  --byzantine F        fraction of stake held by byzantine actors (default 0)
  --behaviours a,b     byzantine behaviours to draw from (default all but forged-quorum):
                       ${BYZANTINE_KINDS.join(", ")}
  --crypto fast|bls    signature scheme (default fast)
  --partitions on|off  partitions that form and heal (default on)
  --crashes on|off     crashes and restarts from the store (default on)
  --clock-skew-ms MS   each node's clock off by a fixed amount in [-MS, +MS] (default 0)
  --tx-per-second R    transfer workload (default ${DEFAULT_OPTIONS.txPerSecond})
  --liveness-window-ms MS  liveness bound after the last disruption (default ${DEFAULT_OPTIONS.livenessWindowMs})
  --verbose            print each seed's log counters and last warnings
  --trace ID[,ID]|all  print every log line of these nodes as it happens (debugging one seed)`;

export function parseArgs(argv: readonly string[]): SweepOptions {
  const o: Record<string, unknown> = { ...DEFAULT_OPTIONS };
  let seedCount = 10;
  let firstSeed = 1;
  let single: number | null = null;
  let verbose = false;
  let trace: string[] = [];
  let provisionersGiven = false;
  const replayArgs: string[] = [];
  const num = (name: string, v: string | undefined): number => {
    const n = Number(v);
    if (v === undefined || v.trim() === "" || !Number.isFinite(n))
      throw new Error(`${name} needs a number, got ${v}`);
    return n;
  };
  const onOff = (name: string, v: string | undefined): boolean => {
    if (v !== "on" && v !== "off") throw new Error(`${name} must be on or off, got ${v}`);
    return v === "on";
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = argv[i + 1];
    const take = () => {
      i += 1;
      replayArgs.push(flag, value ?? "");
    };
    switch (flag) {
      case "--seeds":
        seedCount = num(flag, value);
        i += 1;
        break;
      case "--first-seed":
        firstSeed = num(flag, value);
        i += 1;
        break;
      case "--seed":
        single = num(flag, value);
        i += 1;
        break;
      case "--nodes":
        o.nodes = num(flag, value);
        take();
        break;
      case "--provisioners":
        o.provisioners = num(flag, value);
        provisionersGiven = true;
        take();
        break;
      case "--rounds":
        o.rounds = num(flag, value);
        take();
        break;
      case "--loss":
        o.loss = num(flag, value);
        take();
        break;
      case "--latency-ms":
        o.latencyMs = num(flag, value);
        take();
        break;
      case "--jitter-ms":
        o.jitterMs = num(flag, value);
        take();
        break;
      case "--duplicate":
        o.duplicate = num(flag, value);
        take();
        break;
      case "--reorder":
        o.reorder = num(flag, value);
        take();
        break;
      case "--byzantine":
        o.byzantine = num(flag, value);
        take();
        break;
      case "--behaviours": {
        const list = (value ?? "").split(",").filter((s) => s !== "");
        for (const b of list)
          if (!(BYZANTINE_KINDS as readonly string[]).includes(b)) throw new Error(`unknown behaviour ${b}`);
        o.behaviours = list as ByzantineKind[];
        take();
        break;
      }
      case "--crypto":
        if (value !== "fast" && value !== "bls")
          throw new Error(`--crypto must be fast or bls, got ${value}`);
        o.crypto = value;
        take();
        break;
      case "--partitions":
        o.partitions = onOff(flag, value);
        take();
        break;
      case "--crashes":
        o.crashes = onOff(flag, value);
        take();
        break;
      case "--clock-skew-ms":
        o.clockSkewMs = num(flag, value);
        take();
        break;
      case "--tx-per-second":
        o.txPerSecond = num(flag, value);
        take();
        break;
      case "--liveness-window-ms":
        o.livenessWindowMs = num(flag, value);
        take();
        break;
      case "--verbose":
        verbose = true;
        break;
      case "--trace":
        trace = (value ?? "").split(",").filter((x) => x !== "");
        if (trace.length === 0) throw new Error("--trace needs node ids (node-0,node-3) or all");
        i += 1;
        break;
      default:
        throw new Error(`unknown option ${flag}\n${USAGE}`);
    }
  }
  if (!provisionersGiven) o.provisioners = o.nodes;
  if (o.jitterMs === DEFAULT_OPTIONS.jitterMs && (o.latencyMs as number) < DEFAULT_OPTIONS.jitterMs) {
    o.jitterMs = o.latencyMs; // keep jitter <= latency when only the latency was lowered
  }
  const seeds =
    single !== null
      ? [single]
      : Array.from({ length: Math.max(0, Math.floor(seedCount)) }, (_, k) => firstSeed + k);
  return { base: o as unknown as SimOptions, seeds, verbose, trace, replayArgs };
}

export interface SweepOutput {
  readonly line: (s: string) => void;
  readonly progress: (s: string) => void;
}

export async function runSweep(
  s: SweepOptions,
  out: SweepOutput,
): Promise<{ passed: number; failed: number }> {
  const b = s.base;
  out.line(
    `dusk-edge sim: ${s.seeds.length} seed(s), ${b.nodes} nodes, ${b.provisioners} provisioners, ` +
      `target final height ${b.rounds}, loss ${b.loss}, latency ${b.latencyMs}+-${b.jitterMs} ms, ` +
      `byzantine ${b.byzantine} of stake, crypto ${b.crypto}, partitions ${b.partitions ? "on" : "off"}, ` +
      `crashes ${b.crashes ? "on" : "off"}`,
  );
  if (b.byzantine >= 1 / 3)
    out.line("WARNING: byzantine stake >= 1/3 is outside the BFT assumption; failures are expected");
  const injected = new Map<string, number>();
  const detected = new Map<string, number>();
  const distinct = new Map<string, number>();
  const failing: SimResult[] = [];
  let passed = 0;
  let failed = 0;
  for (let i = 0; i < s.seeds.length; i++) {
    const seed = s.seeds[i]!;
    let r: SimResult;
    try {
      r = await runSimulation(
        { ...b, seed },
        s.trace.length === 0
          ? {}
          : {
              trace: (t) => out.line(`  trace ${t}`),
              traceFilter: (id) => s.trace.includes("all") || s.trace.includes(id),
            },
      );
    } catch (e) {
      failed += 1;
      out.line(`seed ${seed}: FAIL (simulator error: ${String(e)})`);
      out.line(`  replay: ${replayCommand(s, seed)}`);
      continue;
    }
    if (r.pass) passed += 1;
    else {
      failed += 1;
      failing.push(r);
    }
    for (const [k, v] of Object.entries(r.injected)) injected.set(k, (injected.get(k) ?? 0) + v);
    for (const [k, v] of Object.entries(r.detected)) detected.set(k, (detected.get(k) ?? 0) + v);
    for (const [k, v] of Object.entries(r.injectedDistinct)) distinct.set(k, (distinct.get(k) ?? 0) + v);
    const inj = Object.values(r.injected).reduce((a, x) => a + x, 0);
    const det = Object.values(r.detected).reduce((a, x) => a + x, 0);
    const detectable = Object.values(r.injectedDistinct).reduce((a, x) => a + x, 0);
    out.line(
      `seed ${seed}: ${r.pass ? "PASS" : "FAIL"} rounds ${r.rounds} final height ${r.finalHeight} ` +
        `virtual ${(r.virtualMs / 1000).toFixed(1)} s, faults injected ${inj} (detectable instances ${detectable}, detected ${det})` +
        (r.byzantineNodes.length > 0
          ? ` byzantine ${r.byzantineNodes.map((x) => `${x.id}[${x.behaviours.join("+")}]`).join(" ")}`
          : ""),
    );
    if (!r.pass) {
      for (const v of r.violations) out.line(`  ${v}`);
      out.line(`  replay: ${replayCommand(s, seed)}`);
    }
    if (s.verbose || (!r.pass && s.seeds.length === 1)) {
      out.line(`  log events: ${JSON.stringify(r.logEvents)}`);
      out.line(`  crypto calls: ${JSON.stringify(r.crypto)}`);
      out.line(`  network: ${JSON.stringify(r.network)}`);
      out.line(`  chain (height:iteration:label): ${r.chain}`);
      for (const t of r.tail) out.line(`  | ${t}`);
    }
    if ((i + 1) % 10 === 0 || i + 1 === s.seeds.length) {
      out.progress(`[${i + 1}/${s.seeds.length} seeds] ${passed} passed, ${failed} failed`);
    }
  }
  out.line("");
  out.line(
    "faults per kind (all seeds): injected messages / detected by an honest node's log, of distinct (round, iteration, step, signer) instances",
  );
  const kinds = [...injected.keys()].sort();
  if (kinds.length === 0) out.line("  none injected");
  for (const k of kinds) {
    const d = FAULT_DETECTORS[k]
      ? `${detected.get(k) ?? 0} of ${distinct.get(k) ?? 0} (${FAULT_DETECTORS[k]})`
      : "n/a (no detector: not detectable)";
    out.line(`  ${k.padEnd(30)} ${String(injected.get(k)).padStart(8)} / ${d}`);
  }
  if (failing.length > 0) {
    out.line("");
    const byProperty = new Map<string, number[]>();
    for (const r of failing) {
      const property = /^t=\S+ ([a-z ]+?):/.exec(r.violations[0] ?? "")?.[1] ?? "other";
      byProperty.set(property, [...(byProperty.get(property) ?? []), r.seed]);
    }
    for (const [property, seeds] of [...byProperty].sort()) {
      out.line(`failing seeds (${property}, ${seeds.length}): ${seeds.join(" ")}`);
    }
  }
  out.line(`${passed} passed, ${failed} failed`);
  return { passed, failed };
}

export function replayCommand(s: SweepOptions, seed: number): string {
  return ["npm run sim --", "--seed", String(seed), ...s.replayArgs].join(" ");
}
