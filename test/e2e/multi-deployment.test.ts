// End to end across deployments: three `wrangler dev` processes (separate workerd instances, own
// state) on loopback ports host provisioners 0-1, 2-3 and 4-5 of one 7-provisioner genesis, and a
// Node host (node/host.ts, in this process) holds provisioner 6. Only the first node of the first
// deployment is a bootstrap entry for the other deployments, and a node of the second one for the
// Node host: the rest of the network is found by Kadcast lookups. Every quorum needs nodes of at
// least two deployments (each holds at most 2/7 of the stake), so final blocks prove the links.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { type NodeHost, startNodeHost } from "../../node/host.js";
import { toHex } from "../../protocol/bytes.js";
import { devAccountKey } from "../../protocol/keys.js";
import { encodeTransaction, signTransfer } from "../../protocol/transaction.js";
import { type Devnet, freePort, startDevnet } from "./devnet-process.js";
import { json, waitFor } from "./http.js";

const NODES = 7;
const LAYOUT = [
  [0, 1],
  [2, 3],
  [4, 5],
] as const;
const HOST_PROVISIONER = 6;
const FINAL_HEIGHT = 3;

async function distinctFreePorts(n: number): Promise<number[]> {
  const ports = new Set<number>();
  for (let i = 0; i < 10 * n && ports.size < n; i++) ports.add(await freePort());
  return [...ports].slice(0, n);
}

interface Participant {
  readonly label: string;
  /** Base URL plus the query that picks the node. */
  readonly status: string;
  block(height: number): string;
  /** The tail of its process's output (wrangler's), for a failure message. */
  output(): string;
}

describe("three deployments and a Node host", () => {
  const deployments: Devnet[] = [];
  let host: NodeHost | undefined;
  let publicUrls: string[] = [];
  const participants: Participant[] = [];
  let gateways: string[] = [];

  beforeAll(async () => {
    const ports = await distinctFreePorts(LAYOUT.length);
    publicUrls = ports.map((p) => `ws://127.0.0.1:${p}`);
    gateways = ports.map((p) => `http://127.0.0.1:${p}`);
    const seedPeer = `${publicUrls[0]}/v1/p2p?node=0`;
    const started = await Promise.allSettled(
      LAYOUT.map((local, d) =>
        startDevnet({
          nodes: NODES,
          port: ports[d]!,
          // Same script name in every process: keep them (and other runs) out of each other's registry.
          isolateRegistry: true,
          vars: {
            DEVNET_LOCAL_NODES: local.join(","),
            PUBLIC_URL: publicUrls[d]!,
            ...(d === 0 ? {} : { BOOTSTRAP_PEERS: seedPeer }),
          },
        }),
      ),
    );
    for (const s of started) if (s.status === "fulfilled") deployments.push(s.value);
    const failed = started.find((s) => s.status === "rejected");
    if (failed !== undefined) throw (failed as PromiseRejectedResult).reason;
    host = await startNodeHost({
      port: 0,
      provisioner: HOST_PROVISIONER,
      bootstrap: [`${publicUrls[1]}/v1/p2p?node=${LAYOUT[1][0]}`],
      vars: { DEVNET_NODES: String(NODES) },
    });
    LAYOUT.forEach((local, d) => {
      for (const i of local) {
        const base = `http://127.0.0.1:${ports[d]}`;
        participants.push({
          label: `deployment ${d} node ${i}`,
          status: `${base}/v1/node/status?node=${i}`,
          block: (h) => `${base}/v1/blocks/${h}?node=${i}`,
          output: () => deployments[d]!.output().slice(-3_000),
        });
      }
    });
    const h = host;
    participants.push({
      label: "node host",
      status: `${h.url}/v1/node/status`,
      block: (height) => `${h.url}/v1/blocks/${height}`,
      output: () => "(in this process)",
    });
  });

  afterAll(async () => {
    await host?.stop();
    await Promise.all(deployments.map((d) => d.stop()));
  });

  it("refuses a peer of another genesis at the hello over /v1/p2p", async () => {
    const ws = new WebSocket(`${publicUrls[2]}/v1/p2p?node=${LAYOUT[2][0]}`);
    const closed = new Promise<{ code: number; reason: string }>((resolve) =>
      ws.on("close", (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    ws.once("message", (data) => {
      const hello = JSON.parse(data.toString());
      ws.send(JSON.stringify({ ...hello, genesisHash: "00".repeat(32), nodeId: "ws://127.0.0.1:1/v1/p2p" }));
    });
    const c = await closed;
    expect(c.code).toBe(4001);
    expect(c.reason).toContain("genesis mismatch");
  });

  it("forms one network from the bootstrap list and every participant has the same final blocks", async () => {
    const statuses = await waitFor(
      `every participant final at height ${FINAL_HEIGHT}`,
      async () => {
        const all = await Promise.all(participants.map((p) => json(p.status)));
        return all.every((s) => s.status === 200 && s.body.finalizedHeight >= FINAL_HEIGHT) ? all : undefined;
      },
      100_000,
    );
    const finalHeight = Math.min(...statuses.map((s) => s.body.finalizedHeight as number));
    expect(finalHeight).toBeGreaterThanOrEqual(FINAL_HEIGHT);
    for (let h = 1; h <= finalHeight; h++) {
      const blocks = await Promise.all(participants.map((p) => json(p.block(h))));
      const hashes = new Set(blocks.map((b) => b.body.hash));
      expect(blocks.map((b) => [b.status, b.body.label])).toEqual(participants.map(() => [200, "final"]));
      expect(hashes.size, `height ${h}: ${[...hashes].join(", ")}`).toBe(1);
    }
    // Discovery, not configuration: the second node of the first deployment only bootstraps
    // from the first, yet links to other deployments; the Node host reaches beyond its entry.
    const second = statuses[1]!.body;
    expect(second.peerIds.some((a: string) => !a.startsWith(publicUrls[0]!))).toBe(true);
    const hostStatus = statuses[statuses.length - 1]!.body;
    expect(
      hostStatus.peerIds.some((a: string) => a.startsWith(publicUrls[0]!) || a.startsWith(publicUrls[2]!)),
    ).toBe(true);
    // Every link was proven by a provisioner key of this genesis: nothing refused among peers.
    for (const s of statuses) expect(s.body.transport.notAdmitted).toBe(0);
  });

  it("carries a transfer submitted in one deployment into a final block every participant holds", async () => {
    // Same defaults as wrangler.jsonc (DEVNET_SEED, CHAIN_ID), which every participant uses.
    const alice = devAccountKey("dusk-edge-devnet", 3);
    const bob = devAccountKey("dusk-edge-devnet", 4);
    const entry = `${gateways[2]}`;
    const status = await json(`${entry}/v1/node/status?node=${LAYOUT[2][1]}`);
    const account = await json(`${entry}/v1/accounts/${toHex(alice.publicKey)}?node=${LAYOUT[2][1]}`);
    const tx = signTransfer(alice.secretKey, {
      chainId: status.body.chainId,
      from: alice.publicKey,
      to: bob.publicKey,
      amount: 777n,
      nonce: BigInt(account.body.nonce) + 1n,
      gasLimit: 21_000n,
      gasPrice: 1n,
      memo: new Uint8Array(0),
    });
    const submitted = await json(`${entry}/v1/transactions?node=${LAYOUT[2][1]}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ tx: toHex(encodeTransaction(tx)) }),
    });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(202);
    const id: string = submitted.body.id;
    // Final as seen from the first deployment, which only hears of it over the links.
    const seen = await waitFor(
      `transaction ${id} final in deployment 0`,
      async () => {
        const r = await json(`${gateways[0]}/v1/transactions/${id}?node=${LAYOUT[0][1]}`);
        return r.status === 200 && r.body.label === "final" ? r.body : undefined;
      },
      60_000,
    );
    const blocks = await waitFor(
      `block ${seen.height} on every participant`,
      async () => {
        const all = await Promise.all(
          participants.map((p) =>
            json(p.block(seen.height)).catch((e: unknown) => {
              throw new Error(`${p.label}: ${String(e)} ${String((e as Error).cause)}\n${p.output()}`);
            }),
          ),
        );
        return all.every((b) => b.status === 200) ? all : undefined;
      },
      20_000,
    );
    for (const b of blocks) expect(b.body.transactions).toContain(id);
    expect(new Set(blocks.map((b) => b.body.hash)).size).toBe(1);
  });
});
