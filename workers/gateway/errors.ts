/**
 * One HTTP error type and one handler (STYLE.md rule 5): routes throw `ApiError`, `onError`
 * renders every failure as `{"error": {"code", "message", "data"}}` with a stable code.
 */

import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

export type ApiErrorCode =
  | "NOT_FOUND"
  | "BLOCK_NOT_FOUND"
  | "TRANSACTION_NOT_FOUND"
  | "INVALID_HEIGHT"
  | "INVALID_ADDRESS"
  | "INVALID_TRANSACTION_ID"
  | "INVALID_NODE"
  | "INVALID_BODY"
  | "UNSUPPORTED_MEDIA_TYPE"
  | "PAYLOAD_TOO_LARGE"
  | "NODE_TIMEOUT"
  | "INTERNAL"
  // Protocol codes pass through unchanged (TX_MALFORMED, TX_BAD_NONCE, MEMPOOL_FULL, ...).
  | (string & {});

export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ApiErrorCode,
    message: string,
    readonly data: Record<string, unknown> = {},
    /** Extra response headers (e.g. Retry-After on 429). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export function errorBody(code: string, message: string, data: Record<string, unknown> = {}) {
  return { error: { code, message, data } };
}

export function onError(err: Error, c: Context): Response {
  if (err instanceof ApiError) {
    for (const [name, value] of Object.entries(err.headers)) c.header(name, value);
    return c.json(errorBody(err.code, err.message, err.data), err.status);
  }
  console.error(
    JSON.stringify({ level: "error", class: "gateway", handler: c.req.path, error: String(err) }),
  );
  return c.json(errorBody("INTERNAL", err.message), 500);
}

export function notFound(c: Context): Response {
  return c.json(errorBody("NOT_FOUND", `no route for ${c.req.method} ${c.req.path}`), 404);
}
