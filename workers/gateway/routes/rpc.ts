/**
 * JSON-RPC 2.0 at `POST /rpc` over the method set of rpc/methods.ts: single requests and
 * batches (at most RPC_BATCH_MAX), params by name, validated with zod. Errors follow the spec
 * (-32700 parse, -32600 invalid request, -32601 unknown method, -32602 invalid params, -32603
 * internal); application errors are -32000 with `data.code` the same stable code as REST and
 * `data.status` its HTTP status. Notifications (no id) run and get no answer.
 */

import { Hono } from "hono";
import type { z } from "zod";
import type { GatewayEnv } from "../app.js";
import { readCapped } from "../body.js";
import { ApiError } from "../errors.js";
import { METHODS, type RpcContext } from "../rpc/methods.js";

export const rpcRoutes = new Hono<GatewayEnv>();

export const RPC_BATCH_MAX = 20;
/** A submitted transaction (96 KiB as hex) plus the envelope; batches share the same cap. */
export const RPC_BODY_BYTES_MAX = 256 * 1_024;

type Id = string | number | null;
interface RpcError {
  code: number;
  message: string;
  data?: Record<string, unknown>;
}
type Response = { jsonrpc: "2.0"; id: Id; result: unknown } | { jsonrpc: "2.0"; id: Id; error: RpcError };

const err = (id: Id, code: number, message: string, data?: Record<string, unknown>): Response => ({
  jsonrpc: "2.0",
  id,
  error: { code, message, ...(data === undefined ? {} : { data }) },
});

function zodMessage(e: z.ZodError): string {
  return e.issues.map((i) => `${i.path.length > 0 ? i.path.join(".") : "params"}: ${i.message}`).join("; ");
}

/** Runs one request object; undefined for a notification. */
async function handle(ctx: RpcContext, req: unknown): Promise<Response | undefined> {
  if (typeof req !== "object" || req === null || Array.isArray(req)) {
    return err(null, -32600, "a request must be a JSON object");
  }
  const r = req as Record<string, unknown>;
  const hasId = Object.hasOwn(r, "id");
  const id = r.id;
  if (hasId && !(typeof id === "string" || typeof id === "number" || id === null)) {
    return err(null, -32600, "id must be a string, a number or null");
  }
  const rid = (hasId ? id : null) as Id;
  if (r.jsonrpc !== "2.0" || typeof r.method !== "string") {
    return err(rid, -32600, 'a request needs "jsonrpc": "2.0" and a string "method"');
  }
  const m = Object.hasOwn(METHODS, r.method) ? METHODS[r.method] : undefined;
  let answer: Response;
  if (m === undefined) {
    answer = err(rid, -32601, `unknown method ${r.method.slice(0, 64)}`, { methods: Object.keys(METHODS) });
  } else {
    const parsed = m.params.safeParse(r.params ?? {});
    if (!parsed.success) {
      answer = err(rid, -32602, zodMessage(parsed.error), { code: "INVALID_PARAMS" });
    } else {
      try {
        answer = { jsonrpc: "2.0", id: rid, result: await m.run(ctx, parsed.data) };
      } catch (e) {
        if (e instanceof ApiError) {
          answer = err(rid, -32000, e.message, { code: e.code, status: e.status, ...e.data });
        } else {
          console.error(JSON.stringify({ level: "error", class: "rpc", method: r.method, error: String(e) }));
          answer = err(rid, -32603, "internal error");
        }
      }
    }
  }
  return hasId ? answer : undefined;
}

rpcRoutes.post("/", async (c) => {
  const bytes = await readCapped(c.req.raw, RPC_BODY_BYTES_MAX);
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return c.json(err(null, -32700, "body is not valid JSON"));
  }
  const ctx: RpcContext = { node: c.get("node"), env: c.env };
  // One admission for the whole request, each call counted under its method name.
  const requests = Array.isArray(body) ? body.slice(0, RPC_BATCH_MAX + 1) : [body];
  await c.get("admit")(
    requests.map((r) => {
      const m = typeof r === "object" && r !== null ? (r as { method?: unknown }).method : undefined;
      return typeof m === "string" ? m.slice(0, 64) : "invalid";
    }),
  );
  if (!Array.isArray(body)) {
    const one = await handle(ctx, body);
    return one === undefined ? c.body(null, 204) : c.json(one);
  }
  if (body.length === 0) return c.json(err(null, -32600, "an empty batch is not a request"));
  if (body.length > RPC_BATCH_MAX) {
    throw new ApiError(413, "BATCH_TOO_LARGE", `a batch holds at most ${RPC_BATCH_MAX} requests`, {
      limit: RPC_BATCH_MAX,
    });
  }
  // In order, one at a time: a batch must not multiply the load on one node.
  const out: Response[] = [];
  for (const req of body) {
    const one = await handle(ctx, req);
    if (one !== undefined) out.push(one);
  }
  return out.length === 0 ? c.body(null, 204) : c.json(out);
});
