/**
 * Wire messages of the routing core: `version u8, type u8, body`, little-endian, every length
 * bounded by `RoutingParams` (protocol/codec.ts Reader/Writer). Senders are not named in the
 * message: the link is authenticated, so the host passes the sender's contact beside the bytes.
 *
 *   PING/PONG    nonce u32
 *   FIND_NODES   requestId u32, target id[32]
 *   NODES        requestId u32, contacts (<= k) of (id[32], address bytes <= maxAddressBytes)
 *   BROADCAST    mode u8 (0 plain, 1 tree), height u8, hops u8, payload (<= maxPayloadBytes)
 *   ANNOUNCE     height u8, hops u8, hash[32], size u32 (<= maxPayloadBytes)
 *   PULL         hash[32]
 *   PULLED       hops u8, payload (<= maxPayloadBytes)
 *   REQUEST      requestId u32, body (<= maxRequestBytes)
 *   RESPONSE     requestId u32, body (<= maxRequestBytes)
 *   DIRECT       body (<= maxRequestBytes)
 *
 * `hops` counts payload transmissions from the origin; it is informative (measurements), never
 * trusted for a decision.
 */

import { Reader, Writer } from "../../protocol/codec.js";
import { isProtocolError } from "../../protocol/errors.js";
import { RoutingError } from "./errors.js";
import { ID_BYTES, type NodeId } from "./id.js";
import type { RoutingParams } from "./params.js";

export const WIRE_VERSION = 1;

export enum MsgType {
  Ping = 1,
  Pong = 2,
  FindNodes = 3,
  Nodes = 4,
  Broadcast = 5,
  Announce = 6,
  Pull = 7,
  Pulled = 8,
  Request = 9,
  Response = 10,
  /** A one-way message to a linked peer (block requests and replies of the node core). */
  Direct = 11,
}

export enum BroadcastMode {
  /** Plain Kadcast: the payload goes to beta delegates per bucket. */
  Plain = 0,
  /** Tree: the payload goes to betaPayload delegates, announcements to the others. */
  Tree = 1,
}

export interface WireContact {
  readonly id: NodeId;
  readonly address: string;
}

export type RoutingMessage =
  | { readonly type: MsgType.Ping; readonly nonce: number }
  | { readonly type: MsgType.Pong; readonly nonce: number }
  | { readonly type: MsgType.FindNodes; readonly requestId: number; readonly target: NodeId }
  | { readonly type: MsgType.Nodes; readonly requestId: number; readonly contacts: readonly WireContact[] }
  | {
      readonly type: MsgType.Broadcast;
      readonly mode: BroadcastMode;
      readonly height: number;
      readonly hops: number;
      readonly payload: Uint8Array;
    }
  | {
      readonly type: MsgType.Announce;
      readonly height: number;
      readonly hops: number;
      readonly hash: Uint8Array;
      readonly size: number;
    }
  | { readonly type: MsgType.Pull; readonly hash: Uint8Array }
  | { readonly type: MsgType.Pulled; readonly hops: number; readonly payload: Uint8Array }
  | { readonly type: MsgType.Request; readonly requestId: number; readonly body: Uint8Array }
  | { readonly type: MsgType.Response; readonly requestId: number; readonly body: Uint8Array }
  | { readonly type: MsgType.Direct; readonly body: Uint8Array };

export type WireLimits = Pick<RoutingParams, "k" | "maxPayloadBytes" | "maxRequestBytes" | "maxAddressBytes">;

/** Largest encoding the limits allow: frames above it are refused before decoding. */
export function maxMessageBytes(limits: WireLimits): number {
  const contacts = limits.k * (ID_BYTES + 4 + limits.maxAddressBytes);
  return 2 + 8 + Math.max(limits.maxPayloadBytes, limits.maxRequestBytes, contacts) + 64;
}

const enc = new TextEncoder();
const dec = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

export function encodeMessage(m: RoutingMessage, limits: WireLimits): Uint8Array {
  const w = new Writer(64);
  w.u8(WIRE_VERSION).u8(m.type);
  switch (m.type) {
    case MsgType.Ping:
    case MsgType.Pong:
      w.u32(m.nonce);
      break;
    case MsgType.FindNodes:
      w.u32(m.requestId).fixed(m.target, ID_BYTES);
      break;
    case MsgType.Nodes:
      w.u32(m.requestId).list(m.contacts, limits.k, (ww, c) => {
        ww.fixed(c.id, ID_BYTES).bytes(enc.encode(c.address), limits.maxAddressBytes);
      });
      break;
    case MsgType.Broadcast:
      w.u8(m.mode).u8(m.height).u8(m.hops).bytes(m.payload, limits.maxPayloadBytes);
      break;
    case MsgType.Announce:
      if (m.size > limits.maxPayloadBytes) throw tooLarge("announced size", m.size, limits.maxPayloadBytes);
      w.u8(m.height).u8(m.hops).fixed(m.hash, 32).u32(m.size);
      break;
    case MsgType.Pull:
      w.fixed(m.hash, 32);
      break;
    case MsgType.Pulled:
      w.u8(m.hops).bytes(m.payload, limits.maxPayloadBytes);
      break;
    case MsgType.Request:
    case MsgType.Response:
      w.u32(m.requestId).bytes(m.body, limits.maxRequestBytes);
      break;
    case MsgType.Direct:
      w.bytes(m.body, limits.maxRequestBytes);
      break;
  }
  return w.finish();
}

/**
 * Decodes one frame. Throws `RoutingError` (action `penalize`) for anything malformed, over a
 * limit, of an unknown type or version, or with trailing bytes: a hostile length prefix is refused
 * before any allocation (Reader checks it against the limit and the bytes left).
 */
export function decodeMessage(bytes: Uint8Array, limits: WireLimits): RoutingMessage {
  const max = maxMessageBytes(limits);
  if (bytes.length > max) throw tooLarge("message", bytes.length, max);
  const r = new Reader(bytes);
  try {
    const version = r.u8("version");
    if (version !== WIRE_VERSION) {
      throw new RoutingError("ROUTING_BAD_VERSION", "penalize", `unknown wire version ${version}`, {
        version,
      });
    }
    const type = r.u8("type");
    const m = decodeBody(type, r, limits);
    r.end("routing message");
    return m;
  } catch (e) {
    if (isProtocolError(e)) {
      const code =
        e.code === "DECODE_LIMIT_EXCEEDED" ? "ROUTING_PAYLOAD_TOO_LARGE" : "ROUTING_MESSAGE_MALFORMED";
      throw new RoutingError(code, "penalize", e.message, { ...e.data, cause: e.code });
    }
    throw e;
  }
}

function decodeBody(type: number, r: Reader, limits: WireLimits): RoutingMessage {
  switch (type) {
    case MsgType.Ping:
      return { type, nonce: r.u32("nonce") };
    case MsgType.Pong:
      return { type, nonce: r.u32("nonce") };
    case MsgType.FindNodes:
      return { type, requestId: r.u32("requestId"), target: r.fixed(ID_BYTES, "target") };
    case MsgType.Nodes: {
      const requestId = r.u32("requestId");
      const contacts = r.list(limits.k, ID_BYTES + 4, "contacts", (rr) => {
        const id = rr.fixed(ID_BYTES, "contact id");
        const raw = rr.bytes(limits.maxAddressBytes, "contact address");
        let address: string;
        try {
          address = dec.decode(raw);
        } catch {
          throw new RoutingError("ROUTING_MESSAGE_MALFORMED", "penalize", "contact address is not UTF-8");
        }
        return { id, address };
      });
      return { type, requestId, contacts };
    }
    case MsgType.Broadcast: {
      const mode = r.u8("mode");
      if (mode !== BroadcastMode.Plain && mode !== BroadcastMode.Tree) {
        throw new RoutingError("ROUTING_MESSAGE_MALFORMED", "penalize", `unknown broadcast mode ${mode}`, {
          mode,
        });
      }
      const height = r.u8("height");
      const hops = r.u8("hops");
      return { type, mode, height, hops, payload: r.bytes(limits.maxPayloadBytes, "payload") };
    }
    case MsgType.Announce: {
      const height = r.u8("height");
      const hops = r.u8("hops");
      const hash = r.fixed(32, "hash");
      const size = r.u32("size");
      if (size > limits.maxPayloadBytes) throw tooLarge("announced size", size, limits.maxPayloadBytes);
      return { type, height, hops, hash, size };
    }
    case MsgType.Pull:
      return { type, hash: r.fixed(32, "hash") };
    case MsgType.Pulled: {
      const hops = r.u8("hops");
      return { type, hops, payload: r.bytes(limits.maxPayloadBytes, "payload") };
    }
    case MsgType.Request:
      return { type, requestId: r.u32("requestId"), body: r.bytes(limits.maxRequestBytes, "body") };
    case MsgType.Response:
      return { type, requestId: r.u32("requestId"), body: r.bytes(limits.maxRequestBytes, "body") };
    case MsgType.Direct:
      return { type, body: r.bytes(limits.maxRequestBytes, "body") };
    default:
      throw new RoutingError("ROUTING_UNKNOWN_TYPE", "penalize", `unknown message type ${type}`, { type });
  }
}

function tooLarge(what: string, got: number, limit: number): RoutingError {
  return new RoutingError(
    "ROUTING_MESSAGE_TOO_LARGE",
    "penalize",
    `${what} of ${got} bytes exceeds ${limit}`,
    {
      what,
      got,
      limit,
    },
  );
}
