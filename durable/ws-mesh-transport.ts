/**
 * The workerd side of peer links (workers/routing/peer-links.ts decides which links exist and what
 * crosses them): workerd `WebSocket`s are `LinkSocket`s as they are, so this file only opens,
 * accepts and wires them.
 *
 * - Outbound to a NodeDO of this deployment: `stub.fetch` with `Upgrade: websocket` on the DO's
 *   peer path; to anything else (another deployment's `/v1/p2p`, a Node host): `fetch` of the
 *   http(s) form of the ws(s) URL with `Upgrade: websocket`, then `accept()`. An outbound socket
 *   keeps its DO in memory (../shared/PLATFORM.md); its events are wired here.
 * - Inbound: the hibernatable API (`ctx.acceptWebSocket`); the DO forwards `webSocketMessage` /
 *   `webSocketClose` to the links, and the per-socket attachment keeps the peer and its proven key
 *   across hibernation, so a woken object rebuilds its links from `getWebSockets()`.
 */

import type { LinkAttachment, LinkSocket, PeerLinks } from "../workers/routing/peer-links.js";

export {
  CLOSE_IDLE,
  CLOSE_LINK_LIMIT,
  CLOSE_MISBEHAVING,
  CLOSE_MISMATCH,
  CLOSE_NOT_ADMITTED,
  CLOSE_PROTOCOL,
  CLOSE_REPLACED,
  CLOSE_UNAUTHENTICATED,
  FRAME_BYTES_MAX,
  parseHello,
} from "../workers/routing/peer-links.js";

/** Frame data as the links take it: text, or a copy of the bytes (the runtime may reuse buffers). */
export function frameData(data: unknown): string | Uint8Array | null {
  if (typeof data === "string") return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data).slice();
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
  return null;
}

/** Accepts an upgraded outbound socket and forwards its events to `links`. */
export function wireOutbound(ws: WebSocket, links: () => PeerLinks | null, after: () => void): WebSocket {
  // Recent compatibility dates default to the standard "blob"; frames must be ArrayBuffers.
  ws.binaryType = "arraybuffer";
  ws.addEventListener("message", (event) => {
    const l = links();
    const data = frameData(event.data);
    if (l === null || data === null) return;
    l.onFrame(ws, data)
      .catch((e: unknown) =>
        console.error(JSON.stringify({ level: "error", event: "peer-frame-failed", error: String(e) })),
      )
      .finally(after);
  });
  ws.addEventListener("close", (event) => {
    links()?.onClosed(ws, event.code, event.reason);
    after();
  });
  ws.addEventListener("error", () => {
    links()?.onClosed(ws, 1006, "error");
    after();
  });
  ws.accept();
  return ws;
}

/** Opens a WebSocket to a ws(s):// URL from a Worker or Durable Object. */
export async function dialUrl(address: string): Promise<WebSocket> {
  if (!/^wss?:\/\//.test(address)) throw new Error(`cannot dial ${address.slice(0, 64)}: not a ws(s) URL`);
  const url = address.replace(/^ws/, "http");
  const response = await fetch(url, { headers: { Upgrade: "websocket" } });
  const ws = response.webSocket;
  if (ws === null) throw new Error(`${address} refused the upgrade: HTTP ${response.status}`);
  return ws;
}

/** Answers an upgrade request from a peer on the hibernatable API and hands the socket to `links`. */
export function acceptInbound(links: PeerLinks, ctx: DurableObjectState): Response {
  const pair = new WebSocketPair();
  const server = pair[1];
  ctx.acceptWebSocket(server);
  links.acceptInbound(server as LinkSocket);
  return new Response(null, { status: 101, webSocket: pair[0] });
}

/** The attachment of a hibernated inbound socket, when its link was up. */
export function attachmentOf(ws: WebSocket): LinkAttachment | null {
  try {
    const a = ws.deserializeAttachment() as Partial<LinkAttachment> | null;
    if (a === null || typeof a !== "object") return null;
    if (typeof a.peer !== "string" || typeof a.publicKey !== "string") return null;
    return { peer: a.peer, publicKey: a.publicKey };
  } catch {
    return null;
  }
}
