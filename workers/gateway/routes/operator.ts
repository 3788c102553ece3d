/**
 * Operator API, bearer auth with the `OPERATOR_TOKEN` Workers secret; without that secret it
 * answers 403 OPERATOR_API_DISABLED: never open by default.
 * - `/v1/operator/api-keys`: create (the secret is shown once), list with usage, show, revoke.
 * - `/v1/operator/provisioners`: provisioner keys, status and slashing protection
 *   (routes/provisioners.ts, docs/STAKING.md).
 */

import { type Context, Hono } from "hono";
import { z } from "zod";
import { KEY_LIMITS, type KeyConfig } from "../api-keys/limits.js";
import { keyIdOf } from "../api-keys/middleware.js";
import type { GatewayEnv } from "../app.js";
import { readJsonObject } from "../body.js";
import { ApiError } from "../errors.js";
import { provisionerRoutes } from "./provisioners.js";

export const operatorRoutes = new Hono<GatewayEnv>();

const ID_RE = /^[0-9a-f]{32}$/;

const createSchema = z
  .object({
    name: z.string().min(1).max(64),
    ratePerMinute: z.number().int().min(1).max(KEY_LIMITS.ratePerMinuteMax),
    quotaPerDay: z.number().int().min(0).max(KEY_LIMITS.quotaPerDayMax).default(0),
    methods: z
      .array(z.string().regex(/^[A-Za-z0-9_]{1,64}\*?$/, "method name, or a prefix ending in *"))
      .max(KEY_LIMITS.methodsMax)
      .nullable()
      .default(null),
  })
  .strict();

/** Constant-time comparison of two strings (length leaks, content does not). */
function sameSecret(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/**
 * Operator authentication, shared with /metrics: 403 OPERATOR_API_DISABLED without the
 * OPERATOR_TOKEN secret (never open by default), 401 OPERATOR_UNAUTHORIZED without its bearer.
 */
export function requireOperator(c: Context<GatewayEnv>): void {
  const token = c.env?.OPERATOR_TOKEN;
  if (token === undefined || token.length === 0) {
    throw new ApiError(
      403,
      "OPERATOR_API_DISABLED",
      "set the OPERATOR_TOKEN secret to enable the operator API",
    );
  }
  const auth = c.req.header("authorization") ?? "";
  if (!auth.toLowerCase().startsWith("bearer ") || !sameSecret(auth.slice(7).trim(), token)) {
    throw new ApiError(
      401,
      "OPERATOR_UNAUTHORIZED",
      "a valid operator bearer token is required",
      {},
      {
        "www-authenticate": "Bearer",
      },
    );
  }
}

operatorRoutes.use("*", async (c, next) => {
  requireOperator(c);
  await next();
});

operatorRoutes.route("/", provisionerRoutes);

for (const path of ["/api-keys", "/api-keys/*"]) {
  operatorRoutes.use(path, async (c, next) => {
    if (c.env.API_KEYS === undefined)
      throw new ApiError(503, "API_KEYS_UNAVAILABLE", "API_KEYS binding missing");
    await next();
  });
}

function keyStub(env: GatewayEnv["Bindings"], id: string) {
  const ns = env.API_KEYS!;
  return ns.get(ns.idFromName(`key-${id}`));
}

function registry(env: GatewayEnv["Bindings"]) {
  const ns = env.API_KEYS!;
  return ns.get(ns.idFromName("registry"));
}

function checkId(raw: string): string {
  if (!ID_RE.test(raw)) throw new ApiError(400, "INVALID_KEY_ID", "key id must be 32 hex characters");
  return raw;
}

operatorRoutes.post("/api-keys", async (c) => {
  const parsed = createSchema.safeParse(await readJsonObject(c.req.raw, 8 * 1_024));
  if (!parsed.success) {
    throw new ApiError(
      400,
      "INVALID_BODY",
      parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "),
    );
  }
  const random = crypto.getRandomValues(new Uint8Array(32));
  const key = `dek_${btoa(String.fromCharCode(...random))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "")}`;
  const id = await keyIdOf(key);
  const config: KeyConfig = { ...parsed.data, createdMs: Date.now(), revoked: false };
  if (!(await registry(c.env).register(id, config.name))) {
    throw new ApiError(409, "TOO_MANY_KEYS", "the key registry is full");
  }
  await keyStub(c.env, id).create(config, Date.now());
  return c.json({ id, key, config }, 201);
});

operatorRoutes.get("/api-keys", async (c) => {
  const keys = await registry(c.env).listKeys();
  const out = [];
  for (const { id } of keys) out.push({ id, ...(await keyStub(c.env, id).info()) });
  return c.json({ keys: out });
});

operatorRoutes.get("/api-keys/:id", async (c) => {
  const id = checkId(c.req.param("id"));
  const info = await keyStub(c.env, id).info();
  if (info === null) throw new ApiError(404, "API_KEY_NOT_FOUND", `no key ${id}`);
  return c.json({ id, ...info });
});

operatorRoutes.delete("/api-keys/:id", async (c) => {
  const id = checkId(c.req.param("id"));
  if (!(await keyStub(c.env, id).revoke())) throw new ApiError(404, "API_KEY_NOT_FOUND", `no key ${id}`);
  return c.json({ id, revoked: true });
});
