/**
 * Resource bounds every fuzz case must keep (issue 12: "no allocation proportional to a claimed
 * length before the bytes are there, no hang"). Each case is measured around the decoder call:
 * - CPU time (process.cpuUsage, so a campaign starved under `nice -n 19` on a shared machine is not
 *   mistaken for a slow decoder) must stay under CASE_CPU_LIMIT_MS;
 * - ArrayBuffer bytes alive after the call (process.memoryUsage().arrayBuffers) must not grow by
 *   more than CASE_ALLOC_LIMIT_BYTES: every input is under 64 KiB, so a decoder that allocates
 *   what a hostile length prefix claims (2^31 bytes in 10 bytes of input) shows up here. The
 *   garbage is measured before any GC could free it: an allocation made and dropped inside one
 *   call is still counted, as V8 frees backing stores only on a later collection.
 * A true infinite loop never returns to be measured: campaign.ts runs a watchdog thread that
 * reports the input of a case that stops making progress (see onCase).
 */

export const CASE_CPU_LIMIT_MS = 1_000;
export const CASE_ALLOC_LIMIT_BYTES = 1 << 20;

let caseHook: ((input: Uint8Array | string) => void) | null = null;

/** campaign.ts installs a hook that records each input for its hang watchdog. */
export function onCase(hook: ((input: Uint8Array | string) => void) | null): void {
  caseHook = hook;
}

/** Runs one case, then fails it when it used more CPU or memory than the bounds above. */
export function withinBounds(target: string, input: Uint8Array | string, run: () => void): void {
  caseHook?.(input);
  const buffersBefore = process.memoryUsage().arrayBuffers;
  const cpuBefore = process.cpuUsage();
  run();
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const grown = process.memoryUsage().arrayBuffers - buffersBefore;
  if (cpuMs > CASE_CPU_LIMIT_MS) {
    throw new Error(`${target}: one case took ${cpuMs.toFixed(0)} ms of CPU (limit ${CASE_CPU_LIMIT_MS} ms)`);
  }
  if (grown > CASE_ALLOC_LIMIT_BYTES) {
    throw new Error(
      `${target}: one case of ${input.length} input bytes allocated ${grown} bytes (limit ${CASE_ALLOC_LIMIT_BYTES})`,
    );
  }
}
