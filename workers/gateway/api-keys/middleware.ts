/**
 * API keys at the gateway: a key comes as `Authorization: Bearer <key>` or `x-api-key`; its id
 * (SHA-256 of the key, 32 hex characters) names its ApiKeyDO. REST requests are admitted here
 * under the name of the equivalent JSON-RPC method; `POST /rpc` admits its batch itself once it
 * has parsed the method names (`admitMethods`). Without a key, requests pass unless
 * `API_KEYS_REQUIRED` is "true" (401 API_KEY_REQUIRED). Refusals: 401 API_KEY_INVALID /
 * API_KEY_REVOKED, 403 METHOD_NOT_ALLOWED, 429 RATE_LIMITED / QUOTA_EXCEEDED with Retry-After.
 */

import type { Context } from "hono";
import { toHex } from "../../../protocol/bytes.js";
import type { GatewayEnv } from "../app.js";
import { ApiError } from "../errors.js";

/** REST routes and the method names they count as (unlisted paths are not metered). */
const REST_METHODS: ReadonlyArray<readonly [string, RegExp, string]> = [
  ["GET", /^\/v1\/node\/status$/, "node_status"],
  ["GET", /^\/v1\/node\/committees$/, "consensus_committees"],
  ["GET", /^\/v1\/node\/provisioners$/, "consensus_provisioners"],
  ["GET", /^\/v1\/node\/stakes\/[^/]+$/, "stake_info"],
  ["GET", /^\/v1\/blocks\/latest$/, "block_latest"],
  ["GET", /^\/v1\/blocks\/hash\/[^/]+$/, "block_byHash"],
  ["GET", /^\/v1\/blocks\/[^/]+$/, "block_byHeight"],
  ["GET", /^\/v1\/accounts\/[^/]+$/, "account_get"],
  ["POST", /^\/v1\/transactions\/?$/, "tx_submit"],
  ["GET", /^\/v1\/transactions\/[^/]+$/, "tx_get"],
  ["GET", /^\/v1\/contracts\/[^/]+$/, "contract_get"],
  ["GET", /^\/v1\/contracts\/[^/]+\/storage\/[^/]+$/, "contract_storage"],
  ["GET", /^\/v1\/contracts\/[^/]+\/events$/, "contract_events"],
  ["POST", /^\/v1\/contracts\/[^/]+\/query$/, "contract_query"],
  ["POST", /^\/v1\/contracts\/[^/]+\/simulate$/, "contract_simulate"],
  ["GET", /^\/v1\/shielded\/?$/, "shielded_info"],
  ["GET", /^\/v1\/shielded\/notes$/, "shielded_notes"],
  ["POST", /^\/v1\/shielded\/nullifiers$/, "shielded_nullifiers"],
  ["GET", /^\/v1\/ws$/, "subscribe"],
  ["GET", /^\/v1\/archive\/status$/, "archive_status"],
  ["GET", /^\/v1\/archive\/accounts\/[^/]+\/transactions$/, "archive_accountHistory"],
  ["GET", /^\/v1\/archive\/contracts\/[^/]+\/events$/, "archive_contractEvents"],
];

export function restMethodOf(method: string, path: string): string | undefined {
  return REST_METHODS.find(([m, re]) => m === method && re.test(path))?.[2];
}

const KEY_RE = /^[A-Za-z0-9_-]{16,128}$/;

/** The id of a key: the first 16 bytes of its SHA-256, hex. */
export async function keyIdOf(key: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(key)));
  return toHex(digest.subarray(0, 16));
}

function presentedKey(c: Context): string | undefined {
  const auth = c.req.header("authorization");
  if (auth?.toLowerCase().startsWith("bearer ")) return auth.slice(7).trim();
  return c.req.header("x-api-key") ?? undefined;
}

/** The admission function of this request: throws the refusal as an ApiError. */
export type Admit = (methods: readonly string[]) => Promise<void>;

export async function admissionFor(c: Context<GatewayEnv>): Promise<Admit> {
  const key = presentedKey(c);
  const env = c.env;
  if (key === undefined) {
    return async () => {
      if (env?.API_KEYS_REQUIRED === "true") {
        throw new ApiError(
          401,
          "API_KEY_REQUIRED",
          "this endpoint requires an API key (Authorization: Bearer <key>)",
        );
      }
    };
  }
  if (!KEY_RE.test(key)) throw new ApiError(401, "API_KEY_INVALID", "malformed API key");
  const ns = env?.API_KEYS;
  if (ns === undefined)
    throw new ApiError(401, "API_KEY_INVALID", "API keys are not configured on this deployment");
  const stub = ns.get(ns.idFromName(`key-${await keyIdOf(key)}`));
  return async (methods) => {
    const r = await stub.admit(methods, Date.now());
    if (r.ok) {
      c.header("x-ratelimit-remaining", String(r.remaining));
      return;
    }
    const headers: Record<string, string> = r.status === 429 ? { "retry-after": String(r.retryAfterS) } : {};
    throw new ApiError(
      r.status,
      r.code,
      r.message,
      r.status === 429 ? { retryAfterS: r.retryAfterS } : {},
      headers,
    );
  };
}
