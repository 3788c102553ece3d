// Runs scripts/check-purity.mjs as the CI does, on temporary trees with known violations.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const SCRIPT = resolve(__dirname, "../../scripts/check-purity.mjs");
const roots: string[] = [];

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "purity-"));
  roots.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

function run(root: string) {
  const r = spawnSync(process.execPath, [SCRIPT, root], { encoding: "utf8" });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

const BAD = [
  'import { Hono } from "hono";', // 1
  'import type { Env } from "cloudflare:workers";', // 2
  'import { eq } from "drizzle-orm/sql";', // 3
  'import WebSocket from "ws";', // 4
  'import { readFileSync } from "node:fs";', // 5
  'export { x } from "node:crypto";', // 6
  "const t = Date.now();", // 7
  "const d = new Date(0);", // 8
  "const r = Math.random();", // 9
  'const res = await fetch("https://x");', // 10
  "crypto.getRandomValues(new Uint8Array(8));", // 11
  "const s = crypto.subtle;", // 12
  "setTimeout(() => 0, 10);", // 13
  "const h = setInterval(f, 5);", // 14
  "const p = performance.now();", // 15
  "const g = globalThis.fetch(u);", // 16
  'const m = await import("node:path");', // 17
  'import fs from "fs";', // 18
].join("\n");

describe("check-purity", () => {
  it("reports every forbidden import and global with file:line and exits 1", () => {
    const { status, err } = run(tree({ "protocol/bad.ts": BAD }));
    expect(status).toBe(1);
    const lines = err
      .split("\n")
      .filter((l) => l.startsWith("protocol/bad.ts:"))
      .map((l) => Number(l.split(":")[1]));
    expect(lines).toEqual(Array.from({ length: 18 }, (_, i) => i + 1));
    expect(err).toContain("protocol/bad.ts:7: uses Date.now");
    expect(err).toContain('protocol/bad.ts:1: imports hono ("hono")');
  });

  it("scans nested files of every pure-core directory and nothing else", () => {
    const { status, err } = run(
      tree({
        "workers/consensus/deep/a.ts": "export const a = Date.now();\n",
        "workers/routing/b.ts": "\n\nsetTimeout(f, 1);\n",
        "workers/executor/c.ts": 'import "ws";\n',
        "durable/node-do.ts": 'import { DurableObject } from "cloudflare:workers";\nDate.now();\n',
        "workers/gateway/app.ts": 'import { Hono } from "hono";\n',
      }),
    );
    expect(status).toBe(1);
    expect(err).toContain("workers/consensus/deep/a.ts:1: uses Date.now");
    expect(err).toContain("workers/routing/b.ts:3: uses setTimeout");
    expect(err).toContain('workers/executor/c.ts:1: imports ws ("ws")');
    expect(err).not.toContain("durable/");
    expect(err).not.toContain("gateway");
  });

  it("ignores comments, string contents and injected ports, and prints a clean summary", () => {
    const clean = [
      "// Date.now() is not allowed here, nor fetch(url) or Math.random().",
      "/* setTimeout(f, 1); new Date(0);",
      "   import x from 'hono'; */",
      'const msg = "do not call fetch( or Date.now() here";',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the source text of a template literal
      "const t = `clock: ${this.clock.now()} then performance.now()`;",
      "const later = this.timers.setTimeout(5);",
      "const res = await this.deps.fetch(request);",
      "const re = /\\/\\/ Date.now() in a regex/;",
      "const ratio = a / b; // Math.random()",
      'import { blake3 } from "@noble/hashes/blake3.js";',
      'import { Writer } from "./codec.js";',
      "const nodeId = wsLink.id; const honor = 1; const dates = [];",
    ].join("\n");
    const { status, out, err } = run(
      tree({ "protocol/clean.ts": clean, "workers/executor/x.ts": "export {};\n" }),
    );
    expect(err).toBe("");
    expect(status).toBe(0);
    expect(out.trim()).toBe("purity: 2 files checked, clean");
  });
});
