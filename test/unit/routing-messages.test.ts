import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RoutingError } from "../../workers/routing/errors.js";
import {
  BroadcastMode,
  decodeMessage,
  encodeMessage,
  MsgType,
  maxMessageBytes,
  type RoutingMessage,
  WIRE_VERSION,
} from "../../workers/routing/messages.js";
import { DEFAULT_ROUTING_PARAMS } from "../../workers/routing/params.js";

const limits = { ...DEFAULT_ROUTING_PARAMS, maxPayloadBytes: 1024, maxRequestBytes: 512, k: 4 };
const id = (b: number) => new Uint8Array(32).fill(b);

function expectRoutingError(bytes: Uint8Array, code: RoutingError["code"]): void {
  let caught: unknown;
  try {
    decodeMessage(bytes, limits);
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(RoutingError);
  expect((caught as RoutingError).code).toBe(code);
  expect((caught as RoutingError).action).toBe("penalize");
}

/** A frame: version, type, then raw body bytes. */
const frame = (type: number, ...body: number[]) => new Uint8Array([WIRE_VERSION, type, ...body]);
const u32 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24];

describe("routing codec", () => {
  it("round-trips every message type", () => {
    const messages: RoutingMessage[] = [
      { type: MsgType.Ping, nonce: 7 },
      { type: MsgType.Pong, nonce: 0xffffffff },
      { type: MsgType.FindNodes, requestId: 3, target: id(1) },
      {
        type: MsgType.Nodes,
        requestId: 3,
        contacts: [
          { id: id(2), address: "node-2" },
          { id: id(3), address: "wss://example.org/v1/p2p" },
        ],
      },
      {
        type: MsgType.Broadcast,
        mode: BroadcastMode.Tree,
        height: 255,
        hops: 4,
        payload: new Uint8Array(1024),
      },
      { type: MsgType.Announce, height: 9, hops: 1, hash: id(4), size: 1000 },
      { type: MsgType.Pull, hash: id(5) },
      { type: MsgType.Pulled, hops: 2, payload: new Uint8Array([1, 2, 3]) },
      { type: MsgType.Request, requestId: 1, body: new Uint8Array([9]) },
      { type: MsgType.Response, requestId: 1, body: new Uint8Array(0) },
      { type: MsgType.Direct, body: new Uint8Array([4, 5]) },
    ];
    for (const m of messages) expect(decodeMessage(encodeMessage(m, limits), limits)).toEqual(m);
  });

  it("refuses a hostile payload length before allocating", () => {
    expectRoutingError(frame(MsgType.Broadcast, 0, 1, 0, ...u32(0xffffffff)), "ROUTING_PAYLOAD_TOO_LARGE");
    expectRoutingError(frame(MsgType.Pulled, 0, ...u32(1025)), "ROUTING_PAYLOAD_TOO_LARGE");
    expectRoutingError(frame(MsgType.Request, ...u32(1), ...u32(513)), "ROUTING_PAYLOAD_TOO_LARGE");
    expectRoutingError(frame(MsgType.Direct, ...u32(0x7fffffff)), "ROUTING_PAYLOAD_TOO_LARGE");
    // Within the limit but longer than the bytes present: truncated, not allocated.
    expectRoutingError(frame(MsgType.Broadcast, 0, 1, 0, ...u32(1000), 1, 2), "ROUTING_MESSAGE_MALFORMED");
  });

  it("refuses more contacts than K, oversized addresses and contact counts that cannot fit", () => {
    expectRoutingError(frame(MsgType.Nodes, ...u32(1), ...u32(5)), "ROUTING_PAYLOAD_TOO_LARGE");
    expectRoutingError(frame(MsgType.Nodes, ...u32(1), ...u32(3)), "ROUTING_MESSAGE_MALFORMED");
    const longAddress = [...id(1), ...u32(257)];
    expectRoutingError(
      frame(MsgType.Nodes, ...u32(1), ...u32(1), ...longAddress),
      "ROUTING_PAYLOAD_TOO_LARGE",
    );
    const badUtf8 = [...id(1), ...u32(1), 0xff];
    expectRoutingError(frame(MsgType.Nodes, ...u32(1), ...u32(1), ...badUtf8), "ROUTING_MESSAGE_MALFORMED");
  });

  it("refuses an announced size over the payload limit, on both sides", () => {
    expectRoutingError(frame(MsgType.Announce, 1, 0, ...id(1), ...u32(1025)), "ROUTING_MESSAGE_TOO_LARGE");
    expect(() =>
      encodeMessage({ type: MsgType.Announce, height: 1, hops: 0, hash: id(1), size: 1025 }, limits),
    ).toThrow(RoutingError);
  });

  it("refuses unknown types, versions, modes, trailing bytes, truncation and oversized frames", () => {
    expectRoutingError(frame(99), "ROUTING_UNKNOWN_TYPE");
    expectRoutingError(new Uint8Array([WIRE_VERSION + 1, MsgType.Ping, 0, 0, 0, 0]), "ROUTING_BAD_VERSION");
    expectRoutingError(frame(MsgType.Broadcast, 7, 1, 0, ...u32(0)), "ROUTING_MESSAGE_MALFORMED");
    expectRoutingError(frame(MsgType.Ping, 0, 0, 0, 0, 0), "ROUTING_MESSAGE_MALFORMED");
    expectRoutingError(frame(MsgType.Ping, 0, 0), "ROUTING_MESSAGE_MALFORMED");
    expectRoutingError(new Uint8Array(0), "ROUTING_MESSAGE_MALFORMED");
    expectRoutingError(new Uint8Array(maxMessageBytes(limits) + 1), "ROUTING_MESSAGE_TOO_LARGE");
  });

  it("refuses to encode past the limits", () => {
    expect(() =>
      encodeMessage({ type: MsgType.Pulled, hops: 0, payload: new Uint8Array(1025) }, limits),
    ).toThrow();
    const contacts = Array.from({ length: 5 }, (_, i) => ({ id: id(i), address: "x" }));
    expect(() => encodeMessage({ type: MsgType.Nodes, requestId: 0, contacts }, limits)).toThrow();
  });
});

describe("routing codec under arbitrary bytes (property)", () => {
  const valid = encodeMessage(
    { type: MsgType.Nodes, requestId: 9, contacts: [{ id: id(1), address: "node-1" }] },
    limits,
  );

  function decodesOrTyped(bytes: Uint8Array): void {
    try {
      const m = decodeMessage(bytes, limits);
      // Whatever decodes re-encodes to the same bytes: one encoding per message.
      expect(encodeMessage(m, limits)).toEqual(bytes);
    } catch (e) {
      expect(e).toBeInstanceOf(RoutingError);
    }
  }

  it("decodes or throws a RoutingError for any input, and round-trips what it accepts", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        decodesOrTyped(new Uint8Array([WIRE_VERSION, ...bytes]));
        decodesOrTyped(bytes);
      }),
      { numRuns: 2000, seed: 4 },
    );
    fc.assert(
      fc.property(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 }), (at, v) => {
        const m = valid.slice();
        m[at] = v;
        decodesOrTyped(m);
      }),
      { numRuns: 2000, seed: 5 },
    );
  });
});
