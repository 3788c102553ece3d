/**
 * Routing benchmark (issue 4, "Measurement"): one broadcast of a large payload across N = 1000
 * nodes with 0%, 10% and 20% silent nodes (they receive, never send), in virtual time with
 * 50 ms ± 20 ms links (uniform, ordered per link), seeded: any run replays exactly.
 *
 *   ours     the routing core's tree broadcast: payload down the Kadcast tree once (betaPayload 1),
 *            announcements with beta = 3 (8 at the origin), pull from an announcer after 250 ms
 *            (retry another after 300 ms)
 *   kadcast  the same core in plain mode: the payload itself to beta = 3 delegates per bucket
 *   flood    push flooding on a random graph of degree 8 (forward to every neighbour but the sender)
 *   gossip   announce-then-pull on the same graph (announce to neighbours, pull from the first
 *            announcer at once, retry another after 300 ms)
 *
 * ours and kadcast run the real `KadcastNode` (workers/routing) on a `VirtualNetwork` and count
 * the encoded frames it sends; flood and gossip are modelled here with frames of the same sizes.
 * Per silent level: ORIGINS broadcasts from distinct honest origins; per-node figures are over
 * honest non-origin nodes, averaged over the broadcasts; coverage is the worst broadcast's; hops
 * and time are over honest nodes (time to 99% coverage averaged over the broadcasts).
 *
 * Run: `npx tsx bench/routing-bench.ts` (or as part of `npm run bench`). About a minute on 2 cores.
 */

import { BroadcastMode, encodeMessage, MsgType } from "../workers/routing/messages.js";
import { DEFAULT_ROUTING_PARAMS } from "../workers/routing/params.js";
import { type Rng, randomInt, SeededRng } from "../workers/routing/rng.js";
import { defaultLatencyMs, VirtualNetwork } from "../workers/routing/virtual-network.js";

const N = 1000;
const SILENT_FRACTIONS = [0, 0.1, 0.2];
const PAYLOAD_BYTES = 8 * 1024;
const ORIGINS = 10;
const DEGREE = 8;
const GOSSIP_RETRY_MS = 300;
const GOSSIP_ANNOUNCERS_MAX = 4;
const RUN_MS = 20_000;
const SEED = 20261129;
const GOAL = { copies: 1.2, coverage: 0.999, hops: Math.log2(N) + 2, silent: 0.1 };

// Frame sizes of the routing codec, so that every scheme pays the same framing.
const limits = DEFAULT_ROUTING_PARAMS;
const PAYLOAD = new Uint8Array(PAYLOAD_BYTES);
const FRAME = {
  payload: encodeMessage(
    { type: MsgType.Broadcast, mode: BroadcastMode.Plain, height: 0, hops: 0, payload: PAYLOAD },
    limits,
  ).length,
  announce: encodeMessage(
    { type: MsgType.Announce, height: 0, hops: 0, hash: new Uint8Array(32), size: PAYLOAD_BYTES },
    limits,
  ).length,
  pull: encodeMessage({ type: MsgType.Pull, hash: new Uint8Array(32) }, limits).length,
  pulled: encodeMessage({ type: MsgType.Pulled, hops: 0, payload: PAYLOAD }, limits).length,
};

interface Run {
  copies: number;
  payloadBytes: number;
  announceBytes: number;
  coverage: number;
  maxHops: number;
  avgHops: number;
  t99Ms: number | undefined;
}

interface Row {
  scheme: string;
  silent: number;
  runs: Run[];
  wallMs: number;
}

function silentSet(seed: number, count: number): Set<number> {
  const rng = new SeededRng(seed);
  const s = new Set<number>();
  while (s.size < count) s.add(randomInt(rng, N));
  return s;
}

function origins(seed: number, silent: ReadonlySet<number>): number[] {
  const rng = new SeededRng(seed ^ 0x5bd1e995);
  const out: number[] = [];
  while (out.length < ORIGINS) {
    const o = randomInt(rng, N);
    if (!silent.has(o) && !out.includes(o)) out.push(o);
  }
  return out;
}

function payloadFor(k: number): Uint8Array {
  const p = new Uint8Array(PAYLOAD_BYTES);
  const rng = new SeededRng(0xabc + k);
  for (let i = 0; i < p.length; i += 4) new DataView(p.buffer).setUint32(i, rng.nextU32(), true);
  return p;
}

/** Summary of one broadcast from per-node received counters and delivery records. */
function summarize(
  origin: number,
  silent: ReadonlySet<number>,
  copies: readonly number[],
  payloadBytes: readonly number[],
  announceBytes: readonly number[],
  delivered: ReadonlyArray<{ node: number; atMs: number; hops: number }>,
  startMs: number,
): Run {
  let nodes = 0;
  let c = 0;
  let pb = 0;
  let ab = 0;
  for (let i = 0; i < N; i++) {
    if (i === origin || silent.has(i)) continue;
    nodes++;
    c += copies[i]!;
    pb += payloadBytes[i]!;
    ab += announceBytes[i]!;
  }
  const honest = delivered.filter((d) => !silent.has(d.node) && d.node !== origin);
  const times = honest.map((d) => d.atMs - startMs).sort((a, b) => a - b);
  const need = Math.ceil(0.99 * nodes);
  return {
    copies: c / nodes,
    payloadBytes: pb / nodes,
    announceBytes: ab / nodes,
    coverage: honest.length / nodes,
    maxHops: honest.reduce((m, d) => Math.max(m, d.hops), 0),
    avgHops: honest.reduce((a, d) => a + d.hops, 0) / Math.max(1, honest.length),
    t99Ms: times.length >= need ? times[need - 1] : undefined,
  };
}

function runKadcast(mode: "tree" | "plain", fraction: number, seed: number): Run[] {
  const silent = silentSet(seed, Math.round(N * fraction));
  const net = new VirtualNetwork({ n: N, seed, silent });
  const runs: Run[] = [];
  origins(seed, silent).forEach((origin, k) => {
    const before = net.received.map((r) => ({ ...r }));
    const start = net.nowMs;
    const hash = net.broadcast(origin, payloadFor(k), mode);
    net.runFor(RUN_MS);
    const delta = (f: (r: (typeof before)[number]) => number) =>
      net.received.map((r, i) => f(r) - f(before[i]!));
    runs.push(
      summarize(
        origin,
        silent,
        delta((r) => r.payloadCopies),
        delta((r) => r.payloadBytes),
        delta((r) => r.announceBytes),
        net.deliveries.get(hash) ?? [],
        start,
      ),
    );
  });
  return runs;
}

/** A random graph where every node has (nearly always exactly) DEGREE neighbours. */
function randomGraph(rng: Rng): number[][] {
  const adj: Set<number>[] = Array.from({ length: N }, () => new Set());
  for (let i = 0; i < N; i++) {
    for (let tries = 0; adj[i]!.size < DEGREE && tries < 200; tries++) {
      const j = randomInt(rng, N);
      if (j === i || adj[i]!.has(j) || adj[j]!.size >= DEGREE) continue;
      adj[i]!.add(j);
      adj[j]!.add(i);
    }
  }
  return adj.map((s) => [...s]);
}

type GraphMsg = { kind: "payload" | "announce" | "pull"; from: number; to: number; hops: number };

/** Event loop for the graph baselines: same latency model, ordered links, silent nodes mute. */
class GraphSim {
  private heap: Array<{ at: number; seq: number; m?: GraphMsg; timer?: () => void }> = [];
  private seq = 0;
  private readonly linkLast = new Map<number, number>();
  now = 0;
  constructor(
    private readonly rng: Rng,
    private readonly silent: ReadonlySet<number>,
    private readonly onMsg: (m: GraphMsg) => void,
  ) {}
  send(m: GraphMsg): void {
    if (this.silent.has(m.from)) return;
    const link = m.from * N + m.to;
    const at = Math.max(this.now + defaultLatencyMs(this.rng), this.linkLast.get(link) ?? 0);
    this.linkLast.set(link, at);
    this.push({ at, seq: this.seq++, m });
  }
  timer(at: number, f: () => void): void {
    this.push({ at, seq: this.seq++, timer: f });
  }
  run(until: number): void {
    while (this.heap.length > 0 && this.heap[0]!.at <= until) {
      const e = this.pop();
      this.now = e.at;
      if (e.m) this.onMsg(e.m);
      else e.timer?.();
    }
  }
  private push(e: { at: number; seq: number; m?: GraphMsg; timer?: () => void }): void {
    const h = this.heap;
    h.push(e);
    for (let i = h.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (h[p]!.at < h[i]!.at || (h[p]!.at === h[i]!.at && h[p]!.seq < h[i]!.seq)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }
  private pop() {
    const h = this.heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        let m = i;
        for (const c of [l, l + 1]) {
          if (c < h.length && (h[c]!.at < h[m]!.at || (h[c]!.at === h[m]!.at && h[c]!.seq < h[m]!.seq)))
            m = c;
        }
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}

function runGraph(scheme: "flood" | "gossip", fraction: number, seed: number): Run[] {
  const silent = silentSet(seed, Math.round(N * fraction));
  const rng = new SeededRng(seed ^ 0x1234567);
  const adj = randomGraph(rng);
  return origins(seed, silent).map((origin) => {
    const copies = new Array<number>(N).fill(0);
    const payloadBytes = new Array<number>(N).fill(0);
    const announceBytes = new Array<number>(N).fill(0);
    const hopsOf = new Array<number>(N).fill(-1);
    const delivered: Array<{ node: number; atMs: number; hops: number }> = [];
    const announcers: number[][] = Array.from({ length: N }, () => []);
    const pulling = new Array<boolean>(N).fill(false);
    const sim = new GraphSim(rng, silent, (m) => {
      const to = m.to;
      if (m.kind === "payload") {
        copies[to]!++;
        payloadBytes[to]! += scheme === "flood" ? FRAME.payload : FRAME.pulled;
        if (hopsOf[to]! >= 0 || to === origin) return;
        hopsOf[to] = m.hops;
        delivered.push({ node: to, atMs: sim.now, hops: m.hops });
        if (scheme === "flood") {
          for (const j of adj[to]!)
            if (j !== m.from) sim.send({ kind: "payload", from: to, to: j, hops: m.hops + 1 });
        } else {
          const told = new Set(announcers[to]);
          for (const j of adj[to]!)
            if (!told.has(j)) sim.send({ kind: "announce", from: to, to: j, hops: m.hops });
        }
      } else if (m.kind === "announce") {
        announceBytes[to]! += FRAME.announce;
        if (hopsOf[to]! >= 0 || to === origin) return;
        if (announcers[to]!.length < GOSSIP_ANNOUNCERS_MAX) announcers[to]!.push(m.from);
        if (!pulling[to]) {
          pulling[to] = true;
          pull(to, 0);
        }
      } else {
        announceBytes[to]! += FRAME.pull;
        // An announcer always holds the payload in this scheme (it announces after receiving).
        if (hopsOf[to]! >= 0 || to === origin) {
          sim.send({ kind: "payload", from: to, to: m.from, hops: (to === origin ? 0 : hopsOf[to]!) + 1 });
        }
      }
    });
    const pull = (node: number, attempt: number): void => {
      if (hopsOf[node]! >= 0) return;
      const list = announcers[node]!;
      if (attempt >= GOSSIP_ANNOUNCERS_MAX || list.length === 0) return;
      sim.send({ kind: "pull", from: node, to: list[attempt % list.length]!, hops: 0 });
      sim.timer(sim.now + GOSSIP_RETRY_MS, () => pull(node, attempt + 1));
    };
    for (const j of adj[origin]!) {
      sim.send({
        kind: scheme === "flood" ? "payload" : "announce",
        from: origin,
        to: j,
        hops: scheme === "flood" ? 1 : 0,
      });
    }
    sim.run(RUN_MS);
    return summarize(origin, silent, copies, payloadBytes, announceBytes, delivered, 0);
  });
}

// ---------------------------------------------------------------- run and print

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const schemes: Array<[string, (f: number, seed: number) => Run[]]> = [
  ["ours (tree+announce+pull)", (f, s) => runKadcast("tree", f, s)],
  ["kadcast beta=3", (f, s) => runKadcast("plain", f, s)],
  ["flood deg 8", (f, s) => runGraph("flood", f, s)],
  ["announce-pull deg 8", (f, s) => runGraph("gossip", f, s)],
];

const rows: Row[] = [];
for (const fraction of SILENT_FRACTIONS) {
  for (const [scheme, run] of schemes) {
    const t0 = performance.now();
    const runs = run(fraction, SEED + Math.round(fraction * 100));
    rows.push({ scheme, silent: fraction, runs, wallMs: performance.now() - t0 });
    process.stderr.write(
      `  [routing] ${scheme}, ${fraction * 100}% silent: ${(performance.now() - t0).toFixed(0)} ms\n`,
    );
  }
}

const header = [
  "silent",
  "scheme",
  "copies/node",
  "payload KiB/node",
  "ann+pull B/node",
  "coverage (worst)",
  "hops max/avg",
  "t99 ms",
];
const table = rows.map((r) => {
  const t99 = r.runs.map((x) => x.t99Ms);
  return [
    `${r.silent * 100}%`,
    r.scheme,
    mean(r.runs.map((x) => x.copies)).toFixed(2),
    (mean(r.runs.map((x) => x.payloadBytes)) / 1024).toFixed(1),
    mean(r.runs.map((x) => x.announceBytes)).toFixed(0),
    `${(Math.min(...r.runs.map((x) => x.coverage)) * 100).toFixed(2)}%`,
    `${Math.max(...r.runs.map((x) => x.maxHops))}/${mean(r.runs.map((x) => x.avgHops)).toFixed(1)}`,
    t99.every((x) => x !== undefined) ? mean(t99 as number[]).toFixed(0) : "not reached",
  ];
});
const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i]!.length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
console.log(
  `Routing: one ${PAYLOAD_BYTES / 1024} KiB broadcast, N = ${N}, ${ORIGINS} origins per row, links 50 ± 20 ms, seed ${SEED}`,
);
console.log(line(header));
console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
for (const r of table) console.log(line(r));

const ours = rows.find((r) => r.scheme.startsWith("ours") && r.silent === GOAL.silent)!;
const copies = mean(ours.runs.map((x) => x.copies));
const coverage = Math.min(...ours.runs.map((x) => x.coverage));
const hops = Math.max(...ours.runs.map((x) => x.maxHops));
const verdict = (ok: boolean) => (ok ? "PASS" : "MISS");
console.log(`\nGoals (ours, ${GOAL.silent * 100}% silent):`);
console.log(
  `  payload copies per node   ${copies.toFixed(2)}   goal <= ${GOAL.copies}   ${verdict(copies <= GOAL.copies)}`,
);
console.log(
  `  honest nodes reached      ${(coverage * 100).toFixed(2)}%   goal >= ${GOAL.coverage * 100}%   ${verdict(coverage >= GOAL.coverage)}`,
);
console.log(
  `  max hops                  ${hops}   goal <= log2(N)+2 = ${GOAL.hops.toFixed(2)}   ${verdict(hops <= GOAL.hops)}`,
);
