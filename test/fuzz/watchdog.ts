/**
 * Hang watchdog for the long campaign (issue 12: "no hang"). A case stuck in a loop never returns
 * to be measured by bounds.ts, so a second thread watches a heartbeat the main thread bumps before
 * each case. When the process has burnt HANG_CPU_LIMIT_S of CPU without a new case (CPU, not wall
 * time: a `nice -n 19` campaign may wait for the CPU for minutes), it prints the target and the
 * input of the stuck case as hex and kills the process, which exits with the signal's status.
 */

import { Worker } from "node:worker_threads";
import { onCase } from "./bounds.js";

export const HANG_CPU_LIMIT_S = 30;
/** Inputs longer than this are recorded cut (every fuzz input is smaller). */
const INPUT_MAX_BYTES = 64 * 1024;

const WATCHER = `
const { workerData } = require("node:worker_threads");
const fs = require("node:fs");
const beat = new Int32Array(workerData.state, 0, 2);
const input = new Uint8Array(workerData.input);
const name = new Uint8Array(workerData.name);
const sleeper = new Int32Array(new SharedArrayBuffer(4));
let last = -1;
let cpuAtLast = 0;
for (;;) {
  Atomics.wait(sleeper, 0, 0, 1000);
  const now = Atomics.load(beat, 0);
  const cpu = process.cpuUsage();
  const cpuS = (cpu.user + cpu.system) / 1e6;
  if (now !== last) { last = now; cpuAtLast = cpuS; continue; }
  if (cpuS - cpuAtLast < workerData.limitS) continue;
  const len = Atomics.load(beat, 1);
  const target = Buffer.from(name).toString("utf8").replace(/\\0+$/, "");
  const hex = Buffer.from(input.subarray(0, len)).toString("hex");
  fs.writeSync(2, "  HANG " + target + ": case " + now + " ran " + (cpuS - cpuAtLast).toFixed(0) +
    " s of CPU without returning; input (hex) " + hex + "\\n");
  process.kill(process.pid, "SIGKILL");
}
`;

const encoder = new TextEncoder();

/** Starts the watchdog thread; returns `setTarget` to name the target being run. */
export function startWatchdog(limitS = HANG_CPU_LIMIT_S): {
  setTarget(name: string): void;
  stop(): Promise<number>;
} {
  const state = new SharedArrayBuffer(8);
  const input = new SharedArrayBuffer(INPUT_MAX_BYTES);
  const name = new SharedArrayBuffer(64);
  const beat = new Int32Array(state);
  const inputView = new Uint8Array(input);
  const nameView = new Uint8Array(name);
  const worker = new Worker(WATCHER, {
    eval: true,
    workerData: { state, input, name, limitS },
  });
  worker.unref();
  onCase((case_) => {
    const bytes = typeof case_ === "string" ? encoder.encode(case_) : case_;
    const n = Math.min(bytes.length, INPUT_MAX_BYTES);
    inputView.set(bytes.subarray(0, n));
    Atomics.store(beat, 1, n);
    Atomics.add(beat, 0, 1);
  });
  return {
    setTarget(target: string) {
      nameView.fill(0);
      encoder.encodeInto(target.slice(0, 60), nameView);
    },
    stop() {
      onCase(null);
      return worker.terminate();
    },
  };
}
