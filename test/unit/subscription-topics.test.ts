import { describe, expect, it } from "vitest";
import type { ActivityJson } from "../../durable/node-views.js";
import { blockMessages, parseClientMessage, TOPICS_MAX } from "../../workers/gateway/subscriptions/topics.js";

const A = "aa".repeat(32);
const B = "bb".repeat(32);
const C = "cc".repeat(32);

const money = {
  amount: "1",
  nonce: "1",
  gasLimit: "21000",
  gasPrice: "1",
  gasUsed: "21000",
  errorCode: null,
};
const activity: ActivityJson = {
  height: 5,
  hash: "11".repeat(32),
  label: "accepted",
  timestampMs: 9,
  prevHash: "00".repeat(32),
  generator: "22".repeat(48),
  iteration: 0,
  stateRoot: "33".repeat(32),
  gasUsed: "42000",
  txs: [
    {
      id: "01".repeat(32),
      kind: "transfer",
      from: A,
      to: B,
      contract: null,
      status: "success",
      events: [],
      ...money,
    },
    {
      id: "02".repeat(32),
      kind: "call",
      from: B,
      to: null,
      contract: C,
      status: "success",
      ...money,
      events: [{ contract: C, topic: "74", data: "00", index: 0 }],
    },
  ],
};

describe("subscription topics", () => {
  it("parses subscribe and ping, refusing unknown topics, bad heights and oversized messages", () => {
    const ok = parseClientMessage(
      JSON.stringify({ op: "subscribe", topics: ["blocks", `account:${A.toUpperCase()}`], from: 3 }),
    );
    expect(ok).toEqual({
      ok: true,
      request: {
        op: "subscribe",
        from: 3,
        subscription: { blocks: true, finality: false, accounts: [A], contracts: [] },
      },
    });
    expect(parseClientMessage('{"op":"ping"}')).toEqual({ ok: true, request: { op: "ping" } });
    for (const bad of [
      "nope",
      '{"op":"subscribe","topics":[]}',
      '{"op":"subscribe","topics":["weather"]}',
      '{"op":"subscribe","topics":["account:12"]}',
      '{"op":"subscribe","topics":["blocks"],"from":-1}',
      JSON.stringify({ op: "subscribe", topics: Array(TOPICS_MAX + 1).fill("blocks") }),
      JSON.stringify({ op: "subscribe", topics: ["blocks"], pad: "x".repeat(5_000) }),
    ]) {
      expect(parseClientMessage(bad)).toMatchObject({ ok: false, code: "INVALID_SUBSCRIPTION" });
    }
  });

  it("turns a block into messages for exactly the matching topics", () => {
    const sub = { blocks: true, finality: true, accounts: [B], contracts: [C] };
    const types = blockMessages(sub, activity).map(
      (m) => `${(m as { type: string }).type}:${(m as { topic?: string }).topic ?? ""}`,
    );
    expect(types).toEqual([
      "block:",
      `tx:account:${B}`,
      `tx:account:${B}`,
      `tx:contract:${C}`,
      `event:contract:${C}`,
    ]);
    expect(
      blockMessages({ blocks: false, finality: false, accounts: ["dd".repeat(32)], contracts: [] }, activity),
    ).toEqual([]);
  });
});
