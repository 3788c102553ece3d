/**
 * SubscriptionsDO: the WebSocket hub of one node (`subs-<i>`), behind `GET /v1/ws`. It holds the
 * client sockets (hibernatable API, each socket's subscription in its attachment) and, while any
 * is open, polls its NodeDO every POLL_MS for new blocks and finality (NodeDO.activity), turning
 * them into messages with workers/gateway/subscriptions/topics.ts. Polling keeps the NodeDO free
 * of client sockets: a slow or hostile client never touches consensus.
 *
 * Resuming: a subscribe with `from` replays blocks from that height (at most BACKLOG_BLOCKS_MAX,
 * then `backlog-truncated` with `next`), then continues live. Blocks not yet final are re-read
 * each poll; one replaced by fork choice is sent again with `"replaced": true`.
 */

import { DurableObject } from "cloudflare:workers";
import {
  BACKLOG_BLOCKS_MAX,
  blockMessages,
  finalMessage,
  parseClientMessage,
  type Subscription,
} from "../workers/gateway/subscriptions/topics.js";
import type { Env } from "./env.js";
import type { ActivityJson } from "./node-views.js";

export const POLL_MS = 500;
export const SOCKETS_MAX = 1_000;
const RANGE = 64;
/** Hashes of recent blocks remembered to notice replacements (bounded). */
const RECENT_MAX = 1_024;

interface Attachment {
  readonly sub: Subscription | null;
}

export class SubscriptionsDO extends DurableObject<Env> {
  private lastHeight = -1;
  private lastFinal = -1;
  private readonly recent = new Map<number, string>();

  private node() {
    const name = (this.ctx.id.name ?? "subs-0").replace(/^subs-/, "node-");
    return this.env.NODE.get(this.env.NODE.idFromName(name));
  }

  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return new Response("expected a WebSocket upgrade", { status: 426 });
    }
    if (this.ctx.getWebSockets().length >= SOCKETS_MAX) {
      return new Response(
        JSON.stringify({ error: { code: "TOO_MANY_SUBSCRIBERS", message: "hub is full" } }),
        {
          status: 503,
        },
      );
    }
    const pair = new WebSocketPair();
    const server = pair[1];
    this.ctx.acceptWebSocket(server);
    server.serializeAttachment({ sub: null } satisfies Attachment);
    await this.ensurePolling();
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const parsed = parseClientMessage(
      typeof message === "string" ? message : new TextDecoder().decode(message),
    );
    if (!parsed.ok) {
      ws.send(JSON.stringify({ type: "error", code: parsed.code, message: parsed.message }));
      return;
    }
    if (parsed.request.op === "ping") {
      ws.send(JSON.stringify({ type: "pong" }));
      return;
    }
    const { subscription, from } = parsed.request;
    ws.serializeAttachment({ sub: subscription } satisfies Attachment);
    const status = await this.node().status();
    // Every block above the height this answer names reaches the client: anchor the hub there
    // now if it has not started yet (its first poll would otherwise start at a later tip).
    if (this.lastHeight < 0) await this.anchor(status);
    ws.send(
      JSON.stringify({ type: "subscribed", height: status.height, finalizedHeight: status.finalizedHeight }),
    );
    if (from !== null) await this.replay(ws, subscription, from, status.height, status.finalizedHeight);
    await this.ensurePolling();
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    try {
      ws.close(code === 1005 ? 1000 : code, "closing");
    } catch {
      // Already closed.
    }
  }

  private async replay(ws: WebSocket, sub: Subscription, from: number, height: number, finalized: number) {
    const last = Math.min(height, from + BACKLOG_BLOCKS_MAX - 1);
    for (let h = Math.max(1, from); h <= last; h += RANGE) {
      for (const a of await this.node().activity(h, Math.min(last, h + RANGE - 1))) {
        for (const m of blockMessages(sub, a)) ws.send(JSON.stringify({ ...m, replay: true }));
        if (sub.finality && a.height <= finalized)
          ws.send(JSON.stringify({ ...finalMessage(a.height, a.hash), replay: true }));
      }
    }
    if (last < height) ws.send(JSON.stringify({ type: "backlog-truncated", next: last + 1 }));
  }

  /** Starts the hub at the node's tip: earlier blocks are what `from` is for. */
  private async anchor(status: { height: number; finalizedHeight: number }): Promise<void> {
    const from = Math.max(1, status.finalizedHeight + 1, status.height - RANGE + 1);
    const window = status.height >= from ? await this.node().activity(from, status.height) : [];
    if (this.lastHeight >= 0) return;
    for (const a of window) this.recent.set(a.height, a.hash);
    this.lastHeight = status.height;
    this.lastFinal = status.finalizedHeight;
  }

  private async ensurePolling(): Promise<void> {
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + POLL_MS);
  }

  override async alarm(): Promise<void> {
    const sockets = this.ctx.getWebSockets();
    if (sockets.length === 0) return;
    try {
      await this.poll(sockets);
    } catch (e) {
      console.warn(
        JSON.stringify({ level: "warn", class: "SubscriptionsDO", event: "poll-failed", error: String(e) }),
      );
    }
    await this.ctx.storage.setAlarm(Date.now() + POLL_MS);
  }

  private async poll(sockets: WebSocket[]): Promise<void> {
    const status = await this.node().status();
    if (this.lastHeight < 0) {
      await this.anchor(status);
      return;
    }
    // Re-read every block that was not final last time, plus the new ones (bounded).
    const start = Math.max(1, Math.min(this.lastFinal + 1, this.lastHeight + 1), status.height - RANGE + 1);
    const blocks: ActivityJson[] =
      status.height >= start ? await this.node().activity(start, status.height) : [];
    const fresh: ActivityJson[] = [];
    for (const a of blocks) {
      const known = this.recent.get(a.height);
      if (known === a.hash) continue;
      fresh.push({ ...a, ...(known === undefined ? {} : { replaced: true }) });
      this.recent.set(a.height, a.hash);
      if (this.recent.size > RECENT_MAX) this.recent.delete(this.recent.keys().next().value as number);
    }
    const finals = blocks.filter((a) => a.height > this.lastFinal && a.height <= status.finalizedHeight);
    for (const ws of sockets) {
      const sub = (ws.deserializeAttachment() as Attachment | null)?.sub;
      if (sub === null || sub === undefined) continue;
      try {
        for (const a of fresh)
          for (const m of blockMessages(sub, a))
            ws.send(JSON.stringify("replaced" in a ? { ...m, replaced: true } : m));
        if (sub.finality) for (const a of finals) ws.send(JSON.stringify(finalMessage(a.height, a.hash)));
      } catch {
        // A socket that cannot take a message is closed; the client resumes with `from`.
        try {
          ws.close(1011, "send failed");
        } catch {
          // Already closed.
        }
      }
    }
    this.lastHeight = Math.max(this.lastHeight, status.height);
    this.lastFinal = Math.max(this.lastFinal, status.finalizedHeight);
  }
}
