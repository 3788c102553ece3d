/** HTTP helpers of the end-to-end tests: a JSON request with a deadline, and polling for a state. */

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field by the tests
export type Body = any;

/** One request (10 s deadline); the body parsed as JSON, with status and headers. */
export async function json(
  url: string,
  init?: RequestInit,
): Promise<{ status: number; headers: Headers; body: Body }> {
  const r = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  return { status: r.status, headers: r.headers, body: await r.json() };
}

/**
 * Polls `probe` every 500 ms until it gives a value (readiness of a state, never a retried
 * assertion); throws after `timeoutMs` with the last error seen.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
}
