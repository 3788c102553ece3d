/**
 * ApiKeyDO: one Durable Object per API key (named `key-<id>`, id = hash of the secret, so the
 * secret itself is never stored), holding its limits and usage, plus one object named
 * `registry` that lists the keys for the operator. Admission is the pure `admit` of
 * workers/gateway/api-keys/limits.ts; this class only loads and saves its state. One object per
 * key keeps keys independent: a busy key never slows down another.
 */

import { DurableObject } from "cloudflare:workers";
import {
  admit,
  type KeyConfig,
  type KeyState,
  type KeyUsage,
  newKeyState,
} from "../workers/gateway/api-keys/limits.js";
import type { Env } from "./env.js";

const STATE = "state";
const REGISTRY_PREFIX = "key/";
/** Keys the registry lists at most (an operator with more pages by prefix later). */
export const REGISTRY_KEYS_MAX = 1_000;

export type AdmitResult =
  | { readonly ok: true; readonly remaining: number }
  | {
      readonly ok: false;
      readonly status: 401 | 403 | 429;
      readonly code: string;
      readonly message: string;
      readonly retryAfterS: number;
    };

export class ApiKeyDO extends DurableObject<Env> {
  private state: KeyState | null | undefined;

  private async load(): Promise<KeyState | null> {
    if (this.state === undefined) this.state = (await this.ctx.storage.get<KeyState>(STATE)) ?? null;
    return this.state;
  }

  private async save(state: KeyState): Promise<void> {
    this.state = state;
    await this.ctx.storage.put(STATE, state);
  }

  /** Creates the key's record (once). */
  async create(config: KeyConfig, nowMs: number): Promise<boolean> {
    if ((await this.load()) !== null) return false;
    await this.save(newKeyState(config, nowMs));
    return true;
  }

  /** Admits one HTTP request worth of `methods`; unknown keys are refused as 401. */
  async admit(methods: readonly string[], nowMs: number): Promise<AdmitResult> {
    const state = await this.load();
    if (state === null)
      return { ok: false, status: 401, code: "API_KEY_INVALID", message: "unknown API key", retryAfterS: 0 };
    const d = admit(state, methods, nowMs);
    await this.save(d.state);
    if (d.ok) return { ok: true, remaining: d.remaining };
    return { ok: false, status: d.status, code: d.code, message: d.message, retryAfterS: d.retryAfterS };
  }

  async revoke(): Promise<boolean> {
    const state = await this.load();
    if (state === null) return false;
    await this.save({ ...state, config: { ...state.config, revoked: true } });
    return true;
  }

  async info(): Promise<{ config: KeyConfig; usage: KeyUsage } | null> {
    const state = await this.load();
    return state === null ? null : { config: state.config, usage: state.usage };
  }

  // ---- registry object ------------------------------------------------------------------

  async register(id: string, name: string): Promise<boolean> {
    const listed = await this.ctx.storage.list({ prefix: REGISTRY_PREFIX, limit: REGISTRY_KEYS_MAX });
    if (listed.size >= REGISTRY_KEYS_MAX) return false;
    await this.ctx.storage.put(`${REGISTRY_PREFIX}${id}`, name);
    return true;
  }

  async listKeys(): Promise<Array<{ id: string; name: string }>> {
    const listed = await this.ctx.storage.list<string>({ prefix: REGISTRY_PREFIX, limit: REGISTRY_KEYS_MAX });
    return [...listed].map(([k, name]) => ({ id: k.slice(REGISTRY_PREFIX.length), name }));
  }
}
