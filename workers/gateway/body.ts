/** Request bodies read with a hard cap, before any parsing (STYLE.md: untrusted bytes are bounded). */

import { ApiError } from "./errors.js";

function tooLarge(limit: number): ApiError {
  return new ApiError(413, "PAYLOAD_TOO_LARGE", `body exceeds ${limit} bytes`, { limit });
}

/** Reads at most `limit` bytes; a declared or streamed length above it is refused with 413. */
export async function readCapped(request: Request, limit: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > limit) throw tooLarge(limit);
  if (request.body === null) return new Uint8Array(0);
  const reader = request.body.getReader();
  const out = new Uint8Array(limit);
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (length + value.byteLength > limit) {
      await reader.cancel();
      throw tooLarge(limit);
    }
    out.set(value, length);
    length += value.byteLength;
  }
  return out.slice(0, length);
}

/** Reads a JSON object body of at most `limit` bytes; anything else is 400 INVALID_BODY. */
export async function readJsonObject(request: Request, limit: number): Promise<Record<string, unknown>> {
  const bytes = await readCapped(request, limit);
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new ApiError(400, "INVALID_BODY", "body is not valid JSON");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ApiError(400, "INVALID_BODY", "body must be a JSON object");
  }
  return value as Record<string, unknown>;
}
