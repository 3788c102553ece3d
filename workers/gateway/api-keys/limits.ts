/**
 * API key limits, pure (time is an input): a token bucket per key for the rate (burst = one
 * minute's allowance, refilled continuously), a daily quota counted per UTC day, and a method
 * allowlist with `prefix_*` wildcards. The ApiKeyDO holds one `KeyState` per key.
 */

export interface KeyConfig {
  readonly name: string;
  /** Requests per minute (also the burst). */
  readonly ratePerMinute: number;
  /** Requests per UTC day; 0 means no daily quota. */
  readonly quotaPerDay: number;
  /** Method names allowed (`block_*` matches a prefix); null allows all. */
  readonly methods: readonly string[] | null;
  readonly createdMs: number;
  readonly revoked: boolean;
}

export interface KeyUsage {
  readonly total: number;
  readonly day: number;
  readonly today: number;
  readonly rejected: number;
  /** Per method, bounded to METHODS_TRACKED_MAX names (others count under "other"). */
  readonly byMethod: Readonly<Record<string, number>>;
}

export interface KeyState {
  readonly config: KeyConfig;
  readonly tokens: number;
  readonly updatedMs: number;
  readonly usage: KeyUsage;
}

export type Decision =
  | { readonly ok: true; readonly state: KeyState; readonly remaining: number }
  | {
      readonly ok: false;
      readonly state: KeyState;
      readonly status: 401 | 403 | 429;
      readonly code: "API_KEY_REVOKED" | "METHOD_NOT_ALLOWED" | "RATE_LIMITED" | "QUOTA_EXCEEDED";
      readonly message: string;
      readonly retryAfterS: number;
    };

export const METHODS_TRACKED_MAX = 64;
export const KEY_LIMITS = {
  ratePerMinuteMax: 1_000_000,
  quotaPerDayMax: 1_000_000_000,
  methodsMax: 64,
} as const;
const DAY_MS = 86_400_000;

export function newKeyState(config: KeyConfig, nowMs: number): KeyState {
  return {
    config,
    tokens: config.ratePerMinute,
    updatedMs: nowMs,
    usage: { total: 0, day: Math.floor(nowMs / DAY_MS), today: 0, rejected: 0, byMethod: {} },
  };
}

export function methodAllowed(methods: readonly string[] | null, method: string): boolean {
  if (methods === null) return true;
  return methods.some((m) => (m.endsWith("*") ? method.startsWith(m.slice(0, -1)) : m === method));
}

function count(
  byMethod: Readonly<Record<string, number>>,
  methods: readonly string[],
): Record<string, number> {
  const out = { ...byMethod };
  for (const m of methods) {
    const name = Object.hasOwn(out, m) || Object.keys(out).length < METHODS_TRACKED_MAX ? m : "other";
    out[name] = (out[name] ?? 0) + 1;
  }
  return out;
}

/** Admits `methods` (one HTTP request: one method, or a JSON-RPC batch) at `nowMs`. */
export function admit(state: KeyState, methods: readonly string[], nowMs: number): Decision {
  const { config } = state;
  const day = Math.floor(nowMs / DAY_MS);
  const today = day === state.usage.day ? state.usage.today : 0;
  const elapsed = Math.max(0, nowMs - state.updatedMs);
  const tokens = Math.min(config.ratePerMinute, state.tokens + (elapsed * config.ratePerMinute) / 60_000);
  const base: KeyState = {
    ...state,
    tokens,
    updatedMs: Math.max(nowMs, state.updatedMs),
    usage: { ...state.usage, day, today },
  };
  const reject = (
    status: 401 | 403 | 429,
    code: "API_KEY_REVOKED" | "METHOD_NOT_ALLOWED" | "RATE_LIMITED" | "QUOTA_EXCEEDED",
    message: string,
    retryAfterS: number,
  ): Decision => ({
    ok: false,
    state: { ...base, usage: { ...base.usage, rejected: base.usage.rejected + 1 } },
    status,
    code,
    message,
    retryAfterS,
  });
  if (config.revoked) return reject(401, "API_KEY_REVOKED", "this API key was revoked", 0);
  const denied = methods.find((m) => !methodAllowed(config.methods, m));
  if (denied !== undefined)
    return reject(403, "METHOD_NOT_ALLOWED", `method ${denied} is not allowed for this key`, 0);
  const cost = methods.length;
  if (config.quotaPerDay > 0 && today + cost > config.quotaPerDay) {
    const untilTomorrow = Math.ceil(((day + 1) * DAY_MS - nowMs) / 1_000);
    return reject(429, "QUOTA_EXCEEDED", `daily quota of ${config.quotaPerDay} requests used`, untilTomorrow);
  }
  if (tokens < cost) {
    const waitMs = ((cost - tokens) * 60_000) / config.ratePerMinute;
    return reject(
      429,
      "RATE_LIMITED",
      `rate limit of ${config.ratePerMinute} per minute`,
      Math.max(1, Math.ceil(waitMs / 1_000)),
    );
  }
  return {
    ok: true,
    remaining: Math.floor(tokens - cost),
    state: {
      ...base,
      tokens: tokens - cost,
      usage: {
        ...base.usage,
        total: base.usage.total + cost,
        today: today + cost,
        byMethod: count(base.usage.byMethod, methods),
      },
    },
  };
}
