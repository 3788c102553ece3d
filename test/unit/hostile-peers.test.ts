// Hostile peers against the consensus node (issue 12 matrix, docs/SECURITY.md): garbage frames,
// stale and far-future rounds, votes signed over another chain, replayed votes and transactions,
// and a flood, all thrown at node-0 of a 4-node in-memory network (test/consensus/harness.ts).
// Each is refused or ignored with its logged code, and the network keeps finalizing blocks.
import { describe, expect, it } from "vitest";
import { StepKind, type Vote, VoteKind, voteOf, voteSigningMessage } from "../../protocol/attestation.js";
import { blsSign } from "../../protocol/bls.js";
import { isProtocolError } from "../../protocol/errors.js";
import { devAccountKey, devProvisionerKey } from "../../protocol/keys.js";
import { encodeMessage, type Message, MessageType } from "../../protocol/messages.js";
import { LIMITS } from "../../protocol/params.js";
import { encodeTransaction, signTransfer } from "../../protocol/transaction.js";
import { Label } from "../../workers/consensus/ports.js";
import { CHAIN_ID, SEED, TestNetwork } from "../consensus/harness.js";

const MALLORY = "mallory";

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "accepted";
  } catch (e) {
    return isProtocolError(e) ? e.code : `unexpected ${String(e)}`;
  }
}

/** A validation vote for `round`, signed by provisioner `signer` over `chainId`'s message. */
function validationVote(
  chainId: string,
  signer: number,
  round: number,
  prevHash: Uint8Array,
  vote: Vote = voteOf(VoteKind.NoCandidate),
): Message {
  const key = devProvisionerKey(SEED, signer);
  const header = { round, iteration: 0, prevHash };
  const signature = blsSign(key.secretKey, voteSigningMessage(chainId, header, StepKind.Validation, vote));
  return { type: MessageType.Validation, signed: { header, vote, signer: key.publicKey, signature } };
}

describe("hostile peers: refused with a code, and blocks keep coming", () => {
  it("garbage, stale and far-future rounds, other chains, replays and a flood", async () => {
    const net = await TestNetwork.start(4);
    const recorded: Message[] = [];
    net.inject = (from, m) => {
      if (from === "node-1" && m.type === MessageType.Validation) recorded.push(m);
      return [];
    };
    expect(await net.runUntil(() => Math.min(...net.heights()) >= 3, 120_000)).toBe(true);
    const node = net.node(0);
    const eventsFrom = (start: number, event: string) =>
      net.logs.slice(start).filter((l) => l.node === "node-0" && l.event === event);

    // Garbage: a decoder error with its code, nothing else happens.
    let mark = net.logs.length;
    await node.onMessage(MALLORY, new Uint8Array([0xff, 1, 2, 3, 4, 5]));
    await node.onMessage(MALLORY, new Uint8Array(0));
    const malformed = eventsFrom(mark, "peer-message-malformed");
    expect(malformed.map((l) => l.data?.code)).toEqual(["DECODE_INVALID_VALUE", "DECODE_TRUNCATED"]);

    // A replayed vote of round 1 (now at least two rounds old): stale.
    mark = net.logs.length;
    const old = recorded.find((m) => m.type === MessageType.Validation && m.signed.header.round === 1);
    expect(old).toBeDefined();
    await node.onMessage(MALLORY, encodeMessage(old!));
    expect(eventsFrom(mark, "message-stale")).toHaveLength(1);

    // A correctly signed vote far beyond the tip: far-future, and not counted.
    const tip = node.status().height;
    mark = net.logs.length;
    const far = tip + 1 + LIMITS.blocksPerRequest + 10;
    await node.onMessage(MALLORY, encodeMessage(validationVote(CHAIN_ID, 1, far, new Uint8Array(32))));
    expect(eventsFrom(mark, "message-far-future").map((l) => l.data?.round)).toEqual([far]);
    expect(node.status().height).toBe(tip);

    // Votes over another chain's signing message, for the current round, from every other
    // provisioner: they reach the quorum count, the aggregate fails, each is refused.
    const current = tip + 1;
    const tipHash = (await node.blockByHeight(tip))!.hash;
    mark = net.logs.length;
    for (const signer of [1, 2, 3]) {
      const m = validationVote("other-chain", signer, current, tipHash);
      await node.onMessage(MALLORY, encodeMessage(m));
    }

    // A flood: the same vote 5,000 times without waiting; the queue bound drops the excess.
    const replay = encodeMessage(recorded.at(-1)!);
    const flood: Promise<void>[] = [];
    for (let i = 0; i < 5_000; i++) flood.push(node.onMessage(MALLORY, replay));
    await Promise.all(flood);
    expect(eventsFrom(mark, "peer-message-dropped").length).toBeGreaterThan(0);
    expect(eventsFrom(mark, "peer-message-failed")).toEqual([]);

    // The network keeps finalizing, and the other-chain votes never counted for anything.
    expect(await net.runUntil(() => Math.min(...net.heights()) >= current + 3, 120_000)).toBe(true);
    const block = (await net.node(0).blockByHeight(current))!;
    expect(block.label === Label.Final || block.label === Label.Confirmed).toBe(true);
    expect(eventsFrom(mark, "vote-bad-signature").length).toBeGreaterThan(0);
  });

  it("a transaction replayed after it is final is refused with TX_BAD_NONCE", async () => {
    const net = await TestNetwork.start(4);
    const alice = devAccountKey(SEED, 0);
    const tx = signTransfer(alice.secretKey, {
      chainId: CHAIN_ID,
      from: alice.publicKey,
      to: devAccountKey(SEED, 1).publicKey,
      amount: 7n,
      nonce: 1n,
      gasLimit: 21_000n,
      gasPrice: 2n,
      memo: new Uint8Array(0),
    });
    const bytes = encodeTransaction(tx);
    const { id } = await net.node(0).submitTransaction(bytes);
    expect(await net.runUntil(() => net.node(0).transaction(id)?.label === Label.Final, 120_000)).toBe(true);
    const before = net.node(1).account(alice.publicKey);
    for (let i = 0; i < 4; i++)
      expect(await codeOf(net.node(i).submitTransaction(bytes))).toBe("TX_BAD_NONCE");
    // Relayed by a peer instead: refused the same way, logged with its code, never applied.
    const mark = net.logs.length;
    await net.node(2).onMessage(MALLORY, encodeMessage({ type: MessageType.Transaction, tx }));
    expect(
      net.logs.slice(mark).filter((l) => l.node === "node-2" && l.event === "peer-transaction-refused"),
    ).toEqual([expect.objectContaining({ data: expect.objectContaining({ code: "TX_BAD_NONCE" }) })]);
    const h = Math.min(...net.heights());
    expect(await net.runUntil(() => Math.min(...net.heights()) >= h + 2, 120_000)).toBe(true);
    expect(net.node(1).account(alice.publicKey)).toEqual(before);
  });
});
