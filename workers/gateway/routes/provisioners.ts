/**
 * Operator API, provisioners part (docs/STAKING.md), mounted under `/v1/operator` behind its
 * bearer auth:
 * - POST /provisioners            {secretKey?: 64 hex} imports a key, or generates one, into the
 *                                 first free operator slot (a NodeDO each, key sealed at rest);
 *                                 answers the public key and its proof of possession for staking.
 * - GET  /provisioners            status of every provisioner this deployment hosts.
 * - GET  /provisioners/:node      one of them: stake, eligibility, duties, faults, rewards, alert.
 * - GET  /provisioners/:node/slashing-protection   export (EIP-3076-like JSON)
 * - POST /provisioners/:node/slashing-protection   import (merge)
 * - POST /provisioners/:node/resume                clear a doppelganger halt
 */

import { Hono } from "hono";
import { z } from "zod";
import type { GatewayEnv } from "../app.js";
import { readJsonObject } from "../body.js";
import { ApiError } from "../errors.js";
import { type OperatorClient, withDeadline } from "../node-client.js";

export const provisionerRoutes = new Hono<GatewayEnv>();

const installSchema = z
  .object({
    secretKey: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, "64 hex characters")
      .optional(),
  })
  .strict();

/** Interchange documents accepted at most (a few thousand records). */
const INTERCHANGE_BYTES_MAX = 1_024 * 1_024;

function hosted(c: { get(key: "directory"): GatewayEnv["Variables"]["directory"] }): number[] {
  const d = c.get("directory");
  return d.local === undefined ? Array.from({ length: d.size }, (_, i) => i) : [...d.local];
}

function operatorOf(
  c: { get(key: "directory"): GatewayEnv["Variables"]["directory"] },
  raw: string,
): OperatorClient {
  const d = c.get("directory");
  const index = /^(0|[1-9][0-9]{0,5})$/.test(raw) ? Number(raw) : Number.NaN;
  if (d.operator === undefined)
    throw new ApiError(503, "OPERATOR_UNAVAILABLE", "no operator access to nodes");
  if (!hosted(c).includes(index)) {
    throw new ApiError(404, "PROVISIONER_NOT_FOUND", `node ${raw.slice(0, 16)} is not hosted here`);
  }
  return d.operator(index);
}

provisionerRoutes.post("/provisioners", async (c) => {
  const parsed = installSchema.safeParse(await readJsonObject(c.req.raw, 4 * 1_024));
  if (!parsed.success) {
    throw new ApiError(
      400,
      "INVALID_BODY",
      parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "),
    );
  }
  const d = c.get("directory");
  if (d.operator === undefined || (d.operatorSlots ?? []).length === 0) {
    throw new ApiError(409, "NO_OPERATOR_SLOTS", "this deployment has no operator slots (OPERATOR_SLOTS)");
  }
  for (const index of d.operatorSlots ?? []) {
    const r = await withDeadline("installKey", d.operator(index).installKey(parsed.data.secretKey ?? null));
    if (r.ok)
      return c.json({ node: index, publicKey: r.publicKey, proofOfPossession: r.proofOfPossession }, 201);
    if (r.code === "KEYSTORE_DISABLED") throw new ApiError(403, r.code, r.message);
    if (r.code === "INVALID_KEY") throw new ApiError(400, r.code, r.message);
    // SLOT_TAKEN: try the next slot.
  }
  throw new ApiError(409, "NO_FREE_SLOT", "every operator slot holds a key");
});

provisionerRoutes.get("/provisioners", async (c) => {
  const d = c.get("directory");
  if (d.operator === undefined)
    throw new ApiError(503, "OPERATOR_UNAVAILABLE", "no operator access to nodes");
  const out = [];
  for (const index of hosted(c)) {
    out.push({ index, ...(await withDeadline("provisionerStatus", d.operator(index).provisionerStatus())) });
  }
  return c.json({ provisioners: out });
});

provisionerRoutes.get("/provisioners/:node", async (c) => {
  const status = await withDeadline(
    "provisionerStatus",
    operatorOf(c, c.req.param("node")).provisionerStatus(),
  );
  return c.json(status);
});

provisionerRoutes.get("/provisioners/:node/slashing-protection", async (c) => {
  const doc = await withDeadline(
    "exportSlashingProtection",
    operatorOf(c, c.req.param("node")).exportSlashingProtection(),
  );
  if (doc === null) throw new ApiError(409, "NO_PROVISIONER_KEY", "this node holds no provisioner key");
  return c.json(doc);
});

provisionerRoutes.post("/provisioners/:node/slashing-protection", async (c) => {
  const doc = await readJsonObject(c.req.raw, INTERCHANGE_BYTES_MAX);
  const r = await withDeadline(
    "importSlashingProtection",
    operatorOf(c, c.req.param("node")).importSlashingProtection(doc),
  );
  if (!r.ok) throw new ApiError(400, r.code, r.message);
  return c.json({ imported: r.imported, watermark: r.watermark });
});

provisionerRoutes.post("/provisioners/:node/resume", async (c) => {
  return c.json(await withDeadline("resumeSigning", operatorOf(c, c.req.param("node")).resumeSigning()));
});
