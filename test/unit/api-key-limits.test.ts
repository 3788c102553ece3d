import { describe, expect, it } from "vitest";
import {
  admit,
  type KeyConfig,
  METHODS_TRACKED_MAX,
  methodAllowed,
  newKeyState,
} from "../../workers/gateway/api-keys/limits.js";

const DAY = 86_400_000;
const config = (over: Partial<KeyConfig> = {}): KeyConfig => ({
  name: "k",
  ratePerMinute: 60,
  quotaPerDay: 0,
  methods: null,
  createdMs: 0,
  revoked: false,
  ...over,
});

describe("API key limits", () => {
  it("allows a burst of one minute's rate, then refills one token per 60/rate seconds", () => {
    let s = newKeyState(config({ ratePerMinute: 3 }), 1_000);
    for (let i = 0; i < 3; i++) {
      const d = admit(s, ["node_status"], 1_000);
      expect(d.ok).toBe(true);
      s = d.state;
    }
    const refused = admit(s, ["node_status"], 1_000);
    expect(refused).toMatchObject({ ok: false, status: 429, code: "RATE_LIMITED", retryAfterS: 20 });
    s = refused.state;
    const early = admit(s, ["node_status"], 1_000 + 19_000);
    expect(early.ok).toBe(false);
    s = early.state;
    const later = admit(s, ["node_status"], 1_000 + 20_000);
    expect(later.ok).toBe(true);
    expect(later.state.usage).toMatchObject({ total: 4, rejected: 2 });
  });

  it("a batch costs one token per call and is refused whole", () => {
    const s = newKeyState(config({ ratePerMinute: 5 }), 0);
    const d = admit(s, ["a", "b", "c", "d", "e", "f"], 0);
    expect(d).toMatchObject({ ok: false, code: "RATE_LIMITED" });
    expect(d.state.usage.total).toBe(0);
    expect(admit(s, ["a", "b", "c", "d", "e"], 0)).toMatchObject({ ok: true, remaining: 0 });
  });

  it("counts a daily quota per UTC day with Retry-After until midnight", () => {
    let s = newKeyState(config({ ratePerMinute: 1_000, quotaPerDay: 2 }), DAY - 10_000);
    s = admit(s, ["x"], DAY - 10_000).state;
    s = admit(s, ["x"], DAY - 9_000).state;
    const over = admit(s, ["x"], DAY - 8_000);
    expect(over).toMatchObject({ ok: false, status: 429, code: "QUOTA_EXCEEDED", retryAfterS: 8 });
    expect(admit(over.state, ["x"], DAY + 1).ok).toBe(true);
  });

  it("enforces the method allowlist with prefix wildcards, and revocation", () => {
    expect(methodAllowed(["block_*", "tx_get"], "block_range")).toBe(true);
    expect(methodAllowed(["block_*", "tx_get"], "tx_submit")).toBe(false);
    expect(methodAllowed(null, "anything")).toBe(true);
    const s = newKeyState(config({ methods: ["block_*"] }), 0);
    expect(admit(s, ["block_latest", "tx_submit"], 0)).toMatchObject({
      ok: false,
      status: 403,
      code: "METHOD_NOT_ALLOWED",
    });
    const revoked = newKeyState(config({ revoked: true }), 0);
    expect(admit(revoked, ["block_latest"], 0)).toMatchObject({
      ok: false,
      status: 401,
      code: "API_KEY_REVOKED",
    });
  });

  it("tracks at most a bounded number of method names", () => {
    let s = newKeyState(config({ ratePerMinute: 1_000 }), 0);
    for (let i = 0; i < METHODS_TRACKED_MAX + 10; i++) s = admit(s, [`m${i}`], 0).state;
    expect(Object.keys(s.usage.byMethod).length).toBe(METHODS_TRACKED_MAX + 1);
    expect(s.usage.byMethod.other).toBe(10);
  });
});
