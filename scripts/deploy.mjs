#!/usr/bin/env node
/**
 * `npm run deploy [-- --dry-run]`: deploys this worker (gateway, NodeDOs, executor, verifier,
 * archive) with wrangler. Before a real deploy it applies the archive's D1 migrations to the
 * remote database. `--dry-run` builds the bundle and lists the bindings without uploading (works
 * offline). Needs `wrangler login` (or CLOUDFLARE_API_TOKEN) and the D1 database id in
 * wrangler.jsonc for a real deploy: see the README, "Deploy to Cloudflare".
 */

import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const dryRun = process.argv.includes("--dry-run");
const wrangler = join(ROOT, "node_modules", ".bin", "wrangler");

function run(args) {
  const r = spawnSync(wrangler, args, { cwd: ROOT, stdio: "inherit" });
  if (r.status !== 0) {
    console.error(`deploy: wrangler ${args.join(" ")} failed (exit ${r.status})`);
    process.exit(r.status ?? 1);
  }
}

if (dryRun) {
  run(["deploy", "--dry-run", "--outdir", join(ROOT, ".wrangler", "deploy-dry-run")]);
  process.exit(0);
}
const config = readFileSync(join(ROOT, "wrangler.jsonc"), "utf8");
if (config.includes('"database_id": "00000000-0000-0000-0000-000000000000"')) {
  console.error(
    "deploy: wrangler.jsonc still has the placeholder D1 database_id; create the archive with\n" +
      "  npx wrangler d1 create dusk-edge-archive\nand put its id in wrangler.jsonc (d1_databases).",
  );
  process.exit(2);
}
run(["d1", "migrations", "apply", "dusk-edge-archive", "--remote"]);
run(["deploy"]);
