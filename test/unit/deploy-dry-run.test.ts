// `npm run deploy -- --dry-run` builds the worker as Cloudflare would receive it: the bundle
// must build, declare every binding the code uses, and fit the Workers size limit.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";

/** Workers' limit on a worker's compressed size (free plan; the paid plan allows 10 MiB). */
const GZIP_LIMIT_BYTES = 3 * 1024 * 1024;

describe("deploy (dry run)", () => {
  it("bundles with all bindings declared and under the size limit", () => {
    const out = mkdtempSync(join(tmpdir(), "dusk-edge-deploy-"));
    try {
      const r = spawnSync("npx", ["wrangler", "deploy", "--dry-run", "--outdir", out], {
        encoding: "utf8",
        env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" },
        timeout: 120_000,
      });
      expect(r.status, r.stderr).toBe(0);
      for (const binding of [
        "NODE",
        "API_KEYS",
        "SUBSCRIPTIONS",
        "ARCHIVER",
        "ARCHIVE",
        "EXECUTOR",
        "VERIFIER",
      ]) {
        expect(r.stdout).toContain(`env.${binding} `);
      }
      const gz = gzipSync(readFileSync(join(out, "index.js"))).length;
      expect(gz).toBeLessThan(GZIP_LIMIT_BYTES);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 180_000);
});
