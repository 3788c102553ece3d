/**
 * Input schemas (zod) shared by the REST routes and the JSON-RPC methods, and `parseInput`,
 * which turns a failed parse into the route's stable 400 code. Path and query values arrive as
 * strings; JSON-RPC params as JSON values (rpc/methods.ts composes these into its params).
 */

import { z } from "zod";
import { ApiError } from "./errors.js";

const strip0x = (s: string) => s.replace(/^0x/, "").toLowerCase();

/** 32 bytes as 64 hex characters (optional 0x), normalised to lower case. */
export const hex32 = z
  .string()
  .regex(/^(0x)?[0-9a-fA-F]{64}$/, "64 hex characters (32 bytes)")
  .transform(strip0x);

/** Bytes as an even number of hex characters, at most `maxBytes`. */
export const hexBytes = (maxBytes: number) =>
  z
    .string()
    .max(2 * maxBytes + 2, `at most ${maxBytes} bytes`)
    .regex(/^(0x)?([0-9a-fA-F]{2})*$/, "an even number of hex characters")
    .transform(strip0x)
    .refine((h) => h.length <= 2 * maxBytes, `at most ${maxBytes} bytes`);

/** An exported function name of a contract. */
export const fnName = z.string().regex(/^[A-Za-z0-9_]{1,64}$/, "1-64 characters of [A-Za-z0-9_]");

/** A height in a path or query: canonical decimal, no sign, no leading zeros, exact in JSON. */
export const heightText = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,15})$/, "a non-negative integer")
  .transform(Number)
  .refine(Number.isSafeInteger, "at most 2^53 - 1");

/** A page size in a query: 1..max. */
export const limitText = (max: number) =>
  z
    .string()
    .regex(/^[1-9][0-9]{0,5}$/, `an integer in 1..${max}`)
    .transform(Number)
    .refine((n) => n <= max, `at most ${max}`);

/** A decimal u64 as a string (amounts, values). */
export const u64Text = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,19})$/, "a decimal string")
  .refine((s) => BigInt(s) < 2n ** 64n, "below 2^64");

/** Parses `value` or throws ApiError(status, code) naming what was wrong. */
export function parseInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  code: string,
  what: string,
  status: 400 | 413 = 400,
): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const where = issue !== undefined && issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
  throw new ApiError(status, code, `${what}: ${where}${issue?.message ?? "invalid"}`, {
    [what.split(" ")[0] ?? "value"]: typeof value === "string" ? value.slice(0, 80) : undefined,
  });
}
