/**
 * The load run of issue 12 (`npm run load`, bench/load.ts; a short one in test/e2e/load.test.ts):
 * signed transfers at a rate rising linearly from `startRate` to `endRate` tx/s, and queries
 * (autocannon, `overallRate` rising in stages) against a devnet while consensus runs. Then it
 * waits (bounded) for the accepted transfers to become final and reconciles:
 * - every accepted transfer is in exactly one final block, or still answered as pending, or it is
 *   lost (counted: the run fails on any); an id in two blocks is applied twice (counted);
 * - each sender's nonce moved by exactly its final transfers, and the sink's balance by exactly
 *   their amounts; each sender's balance by amounts + fees (transfer gas x gas price).
 * Transfers keep nonces gap-free: one in flight per sender, a refused nonce is reused by the
 * sender's next transfer, and a sender whose submit had no clear answer (timeout, 5xx) stops
 * sending (its transfer may or may not have entered) and is reconciled from the chain alone.
 * That ordering needs the answer of each submit before the next, which autocannon's fixed
 * request stream cannot give; transfers go by fetch, queries by autocannon. Loopback only.
 */

import autocannon from "autocannon";
import { toHex } from "../protocol/bytes.js";
import { devAccountKey } from "../protocol/keys.js";
import { DEVNET_PARAMS } from "../protocol/params.js";
import { encodeTransaction, signTransfer } from "../protocol/transaction.js";

export interface LoadOptions {
  readonly url: string;
  /** Dev account seed of the devnet (wrangler.jsonc DEVNET_SEED). */
  readonly seed: string;
  readonly durationMs: number;
  readonly startRate: number;
  readonly endRate: number;
  /** Dev account indexes that send; `sink` receives. */
  readonly senders: readonly number[];
  readonly sink: number;
  /** Nodes of the devnet: transfers enter at node i mod nodes. */
  readonly nodes: number;
  /** Query requests per second at the end of the run (rises with the transfers). */
  readonly queryRate: number;
  /** How long to wait after sending for accepted transfers to become final. */
  readonly settleMs: number;
  readonly log?: (line: string) => void;
}

const AMOUNT = 1n;
const GAS_PRICE = 1n;
const SUBMIT_TIMEOUT_MS = 10_000;

interface Sender {
  readonly index: number;
  readonly key: ReturnType<typeof devAccountKey>;
  nonce: bigint;
  busy: boolean;
  /** Stopped after an unclear answer: reconciled from the chain alone. */
  stopped: boolean;
  readonly nonce0: bigint;
  readonly balance0: bigint;
}

export interface LoadReport {
  readonly sendSeconds: number;
  readonly offered: number;
  readonly accepted: number;
  readonly refused: Record<string, number>;
  /** Ticks with every sender waiting for an answer: the rate asked for was not reached. */
  readonly skippedBusy: number;
  readonly unclear: number;
  readonly acceptedPerSecond: number;
  /** Accepted transfers final by the end of sending, per second of sending. */
  readonly finalizedPerSecondWhileSending: number;
  /** All final transfers, per second from the first submit to the block that finalized the last. */
  readonly finalizedPerSecond: number;
  readonly final: number;
  readonly pendingAtDeadline: number;
  readonly lost: string[];
  readonly appliedTwice: string[];
  readonly reconciliation: string[];
  readonly submitLatencyMs: { p50: number; p99: number; max: number };
  readonly queries: Array<{ rate: number; requests: number; p99Ms: number; errors: number; non2xx: number }>;
  readonly heights: { start: number; end: number; finalizedStart: number; finalizedEnd: number };
}

// biome-ignore lint/suspicious/noExplicitAny: JSON answers are read field by field
type Json = any;

async function getJson(url: string): Promise<{ status: number; body: Json }> {
  const r = await fetch(url, { signal: AbortSignal.timeout(SUBMIT_TIMEOUT_MS) });
  return { status: r.status, body: await r.json() };
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runLoad(o: LoadOptions): Promise<LoadReport> {
  const log = o.log ?? (() => {});
  const status0 = (await getJson(`${o.url}/v1/node/status`)).body;
  const chainId: string = status0.chainId;
  const sinkKey = devAccountKey(o.seed, o.sink);
  const sinkHex = toHex(sinkKey.publicKey);
  const sink0 = BigInt((await getJson(`${o.url}/v1/accounts/${sinkHex}`)).body.balance);
  const senders: Sender[] = [];
  for (const index of o.senders) {
    const key = devAccountKey(o.seed, index);
    const a = (await getJson(`${o.url}/v1/accounts/${toHex(key.publicKey)}`)).body;
    const nonce0 = BigInt(a.nonce);
    senders.push({
      index,
      key,
      nonce: nonce0,
      nonce0,
      balance0: BigInt(a.balance),
      busy: false,
      stopped: false,
    });
  }

  // Finality over time: the first moment each finalized height was seen.
  const finalizedAt = new Map<number, number>();
  let finalizedSeen = status0.finalizedHeight as number;
  let polling = true;
  const poller = (async () => {
    while (polling) {
      try {
        const s = (await getJson(`${o.url}/v1/node/status`)).body;
        for (let h = finalizedSeen + 1; h <= s.finalizedHeight; h++) finalizedAt.set(h, performance.now());
        finalizedSeen = Math.max(finalizedSeen, s.finalizedHeight);
      } catch {
        // a busy gateway: the next poll sees the height
      }
      await sleep(250);
    }
  })();

  const accepted = new Map<string, { sender: Sender; nonce: bigint; at: number }>();
  const refused: Record<string, number> = {};
  const latencies: number[] = [];
  let offered = 0;
  let skippedBusy = 0;
  let unclear = 0;
  let next = 0;
  const inFlight = new Set<Promise<void>>();

  const submit = async (s: Sender, node: number) => {
    s.busy = true;
    const nonce = s.nonce + 1n;
    const tx = signTransfer(s.key.secretKey, {
      chainId,
      from: s.key.publicKey,
      to: sinkKey.publicKey,
      amount: AMOUNT,
      nonce,
      gasLimit: DEVNET_PARAMS.execution.transferGas,
      gasPrice: GAS_PRICE,
      memo: new Uint8Array(0),
    });
    const started = performance.now();
    try {
      const r = await fetch(`${o.url}/v1/transactions?node=${node}`, {
        method: "POST",
        headers: { "content-type": "application/octet-stream" },
        body: encodeTransaction(tx),
        signal: AbortSignal.timeout(SUBMIT_TIMEOUT_MS),
      });
      const body: Json = await r.json();
      latencies.push(performance.now() - started);
      if (r.status === 202) {
        accepted.set(body.id, { sender: s, nonce, at: performance.now() });
        s.nonce = nonce;
      } else if (r.status >= 400 && r.status < 500 && typeof body.error?.code === "string") {
        refused[body.error.code] = (refused[body.error.code] ?? 0) + 1;
      } else {
        unclear++;
        s.stopped = true;
      }
    } catch {
      unclear++;
      s.stopped = true;
    } finally {
      s.busy = false;
    }
  };

  const queries: LoadReport["queries"] = [];
  const stages = 4;
  const stageMs = o.durationMs / stages;
  const queryRun = (async () => {
    for (let i = 1; i <= stages; i++) {
      const rate = Math.max(1, Math.round((o.queryRate * i) / stages));
      const r = await autocannon({
        url: o.url,
        connections: 4,
        overallRate: rate,
        duration: Math.max(1, Math.round(stageMs / 1000)),
        requests: [
          { method: "GET", path: "/v1/node/status" },
          { method: "GET", path: `/v1/accounts/${sinkHex}` },
          { method: "GET", path: "/v1/blocks/latest" },
        ],
      });
      queries.push({
        rate,
        requests: r.requests.total,
        p99Ms: r.latency.p99,
        errors: r.errors + r.timeouts,
        non2xx: r.non2xx,
      });
    }
  })();

  // Transfers: every 50 ms, send what the rising rate owes so far.
  const t0 = performance.now();
  let owed = 0;
  let last = t0;
  const heightStart = (await getJson(`${o.url}/v1/node/status`)).body.height as number;
  while (performance.now() - t0 < o.durationMs) {
    const now = performance.now();
    const rate = o.startRate + ((o.endRate - o.startRate) * (now - t0)) / o.durationMs;
    owed += (rate * (now - last)) / 1000;
    last = now;
    while (owed >= 1) {
      owed -= 1;
      offered++;
      const idle = senders.filter((s) => !s.busy && !s.stopped);
      if (idle.length === 0) {
        skippedBusy++;
        continue;
      }
      const s = idle[next++ % idle.length]!;
      const p = submit(s, next % o.nodes);
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
    }
    await sleep(50);
  }
  await Promise.all(inFlight);
  const sendSeconds = (performance.now() - t0) / 1000;
  await queryRun;
  const finalWhileSending = finalizedSeen;
  log(`sent for ${sendSeconds.toFixed(1)} s: ${accepted.size} accepted; settling up to ${o.settleMs} ms`);

  // Settle: wait until the tip's transfers are final (or the deadline passes).
  const settleEnd = performance.now() + o.settleMs;
  const ourIds = new Set(accepted.keys());
  const inBlock = new Map<string, number[]>();
  let scanned = heightStart;
  const scanTo = async (h: number) => {
    for (; scanned < h; ) {
      const b = (await getJson(`${o.url}/v1/blocks/${scanned + 1}`)).body;
      for (const id of b.transactions as string[]) {
        if (ourIds.has(id)) inBlock.set(id, [...(inBlock.get(id) ?? []), b.height]);
      }
      scanned++;
    }
  };
  while (performance.now() < settleEnd) {
    await scanTo(finalizedSeen);
    if (inBlock.size >= ourIds.size) break;
    // Still pending in some mempool? Then keep waiting; otherwise nothing more will come.
    await sleep(500);
  }
  polling = false;
  await poller;
  await scanTo(finalizedSeen);

  // Classify every accepted transfer.
  const lost: string[] = [];
  let pending = 0;
  for (const id of ourIds) {
    if (inBlock.has(id)) continue;
    const r = await getJson(`${o.url}/v1/transactions/${id}`);
    if (r.status === 200 && r.body.status === "pending") pending++;
    else if (r.status === 200 && r.body.status === "included")
      pending++; // included, not final yet
    else lost.push(id);
  }
  const appliedTwice = [...inBlock].filter(([, hs]) => hs.length > 1).map(([id]) => id);

  // Reconcile balances and nonces against the final transfers.
  const reconciliation: string[] = [];
  const finalBy = new Map<Sender, bigint[]>();
  for (const [id, entry] of accepted) {
    if (!inBlock.has(id)) continue;
    finalBy.set(entry.sender, [...(finalBy.get(entry.sender) ?? []), entry.nonce]);
  }
  const fee = DEVNET_PARAMS.execution.transferGas * GAS_PRICE;
  let finalCount = 0n;
  for (const s of senders) {
    const nonces = (finalBy.get(s) ?? []).sort((a, b) => (a < b ? -1 : 1));
    const n = BigInt(nonces.length);
    finalCount += n;
    const a = (await getJson(`${o.url}/v1/accounts/${toHex(s.key.publicKey)}`)).body;
    const nonce = BigInt(a.nonce);
    const balance = BigInt(a.balance);
    // Pending transfers may still land after the scan: the account can be ahead, never behind.
    const pendingOf = [...accepted.values()].filter((e) => e.sender === s).length - nonces.length;
    if (nonce < s.nonce0 + n || nonce > s.nonce0 + n + BigInt(pendingOf) + (s.stopped ? 1n : 0n)) {
      reconciliation.push(`sender ${s.index}: nonce ${nonce}, expected ${s.nonce0 + n} (+ pending)`);
    }
    nonces.forEach((v, i) => {
      if (v !== s.nonce0 + 1n + BigInt(i))
        reconciliation.push(`sender ${s.index}: final nonces not contiguous`);
    });
    const spent = s.balance0 - balance;
    const moved = nonce - s.nonce0;
    if (spent !== moved * (AMOUNT + fee)) {
      reconciliation.push(`sender ${s.index}: spent ${spent}, expected ${moved} x ${AMOUNT + fee}`);
    }
  }
  const sink = BigInt((await getJson(`${o.url}/v1/accounts/${sinkHex}`)).body.balance);
  const movedTotal = (
    await Promise.all(
      senders.map(
        async (s) =>
          BigInt((await getJson(`${o.url}/v1/accounts/${toHex(s.key.publicKey)}`)).body.nonce) - s.nonce0,
      ),
    )
  ).reduce((a, b) => a + b, 0n);
  if (sink - sink0 !== movedTotal * AMOUNT) {
    reconciliation.push(`sink received ${sink - sink0}, expected ${movedTotal * AMOUNT}`);
  }

  const status1 = (await getJson(`${o.url}/v1/node/status`)).body;
  const sorted = [...latencies].sort((a, b) => a - b);
  const finalWhile = [...inBlock.values()].filter(([h]) => h! <= finalWhileSending).length;
  const lastFinalHeight = Math.max(0, ...[...inBlock.values()].map(([h]) => h!));
  const lastFinalAt = finalizedAt.get(lastFinalHeight) ?? performance.now();
  return {
    sendSeconds,
    offered,
    accepted: accepted.size,
    refused,
    skippedBusy,
    unclear,
    acceptedPerSecond: accepted.size / sendSeconds,
    finalizedPerSecondWhileSending: finalWhile / sendSeconds,
    finalizedPerSecond: Number(finalCount) / Math.max(0.001, (lastFinalAt - t0) / 1000),
    final: Number(finalCount),
    pendingAtDeadline: pending,
    lost,
    appliedTwice,
    reconciliation,
    submitLatencyMs: { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? 0 },
    queries,
    heights: {
      start: heightStart,
      end: status1.height,
      finalizedStart: status0.finalizedHeight,
      finalizedEnd: status1.finalizedHeight,
    },
  };
}

/** The report as text, one line per figure. */
export function formatLoadReport(r: LoadReport): string {
  const q = r.queries.map(
    (s) => `${s.rate}/s: ${s.requests} req, p99 ${s.p99Ms} ms, ${s.errors + s.non2xx} failed`,
  );
  return [
    `transfers: ${r.offered} offered over ${r.sendSeconds.toFixed(1)} s, ${r.accepted} accepted (${r.acceptedPerSecond.toFixed(1)} tx/s), refused ${JSON.stringify(r.refused)}, ${r.skippedBusy} not sent (all senders waiting), ${r.unclear} unclear`,
    `finalized: ${r.final} (${r.finalizedPerSecondWhileSending.toFixed(1)} tx/s while sending, ${r.finalizedPerSecond.toFixed(1)} tx/s to the last finality), ${r.pendingAtDeadline} pending at the deadline`,
    `lost: ${r.lost.length}, applied twice: ${r.appliedTwice.length}, reconciliation: ${r.reconciliation.length === 0 ? "ok" : r.reconciliation.join("; ")}`,
    `submit latency: p50 ${r.submitLatencyMs.p50.toFixed(1)} ms, p99 ${r.submitLatencyMs.p99.toFixed(1)} ms, max ${r.submitLatencyMs.max.toFixed(1)} ms`,
    `queries (autocannon, rising): ${q.join("; ")}`,
    `heights: ${r.heights.start} -> ${r.heights.end}, finalized ${r.heights.finalizedStart} -> ${r.heights.finalizedEnd}`,
  ].join("\n");
}
