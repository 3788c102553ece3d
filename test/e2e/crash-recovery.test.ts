// Issue 11, Done when: three deployments (three `wrangler dev` processes) and a Node host form one
// network of 7 provisioners (0-1, 2-3, 4 and the host's 5); the third deployment is killed with
// -9 while blocks are being made, the rest (5/7 of the stake) go on, it restarts on the same state
// directory, keeps every block that was final, catches up and votes again (its key is in a later
// attestation); then a fourth deployment (provisioner 6, absent so far) joins from the bootstrap
// list alone and syncs; every participant holds the same final blocks. (Three provisioners in one
// `wrangler dev` process: a process died mid-run in three runs out of three here.)
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devnetConfig, devnetGenesis } from "../../durable/devnet-config.js";
import { type NodeHost, startNodeHost } from "../../node/host.js";
import { StepKind } from "../../protocol/attestation.js";
import { fromHex, toHex } from "../../protocol/bytes.js";
import { RoundCommittees } from "../../workers/consensus/round-committees.js";
import { type Devnet, freePort, startDevnet } from "./devnet-process.js";
import { type Body, json, waitFor } from "./http.js";

const NODES = 7;
const LAYOUT = [[0, 1], [2, 3], [4], [6]] as const;
const HOST_PROVISIONER = 5;
const RESTARTED = 4;
const JOINER = 6;
const CRASHED = 2;
const LATE = 3;
const genesis = devnetGenesis(devnetConfig({ DEVNET_NODES: String(NODES) })).genesis;

describe("crash and late join across deployments", () => {
  const ports: number[] = [];
  const stateDirs = LAYOUT.map(() => mkdtempSync(join(tmpdir(), "dusk-edge-crash-")));
  const deployments: Array<Devnet | undefined> = LAYOUT.map(() => undefined);
  let host: NodeHost | undefined;

  const publicUrl = (d: number) => `ws://127.0.0.1:${ports[d]}`;
  const statusUrl = (d: number, i: number) => `http://127.0.0.1:${ports[d]}/v1/node/status?node=${i}`;
  const blockUrl = (d: number, i: number, h: number) =>
    `http://127.0.0.1:${ports[d]}/v1/blocks/${h}?node=${i}`;
  const start = (d: number) =>
    startDevnet({
      nodes: NODES,
      port: ports[d]!,
      stateDir: stateDirs[d]!,
      isolateRegistry: true,
      vars: {
        DEVNET_LOCAL_NODES: LAYOUT[d]!.join(","),
        PUBLIC_URL: publicUrl(d),
        ...(d === 0 ? {} : { BOOTSTRAP_PEERS: `${publicUrl(0)}/v1/p2p?node=0` }),
      },
    });
  /** Status of every live node (deployments in `ds` and the host); a dead one fails with its output. */
  const statuses = async (ds: readonly number[]): Promise<Body[]> => {
    const one = async (d: number, i: number) => {
      try {
        return (await json(statusUrl(d, i))).body;
      } catch (e) {
        throw new Error(
          `deployment ${d} node ${i}: ${String(e)}\n${deployments[d]?.output().slice(-2_000) ?? "(not running)"}`,
        );
      }
    };
    const all = await Promise.all(ds.flatMap((d) => LAYOUT[d]!.map((i) => one(d, i))));
    return [...all, (await json(`${host!.url}/v1/node/status`)).body];
  };

  beforeAll(async () => {
    while (ports.length < LAYOUT.length) {
      const p = await freePort();
      if (!ports.includes(p)) ports.push(p);
    }
    const started = await Promise.allSettled([0, 1, 2].map((d) => start(d)));
    started.forEach((s, d) => {
      if (s.status === "fulfilled") deployments[d] = s.value;
    });
    const failed = started.find((s) => s.status === "rejected");
    if (failed !== undefined) throw (failed as PromiseRejectedResult).reason;
    host = await startNodeHost({
      port: 0,
      provisioner: HOST_PROVISIONER,
      bootstrap: [`${publicUrl(1)}/v1/p2p?node=2`],
      vars: { DEVNET_NODES: String(NODES) },
    });
  });

  afterAll(async () => {
    await host?.stop();
    await Promise.all(deployments.map((d) => d?.stop()));
    for (const dir of stateDirs) rmSync(dir, { recursive: true, force: true });
  });

  it("a deployment killed with -9 resumes, keeps its final blocks, catches up and votes; a late one syncs", async () => {
    const finalAt = (all: Body[], h: number) => all.every((s) => s !== undefined && s.finalizedHeight >= h);
    await waitFor(
      "every participant final at height 3",
      async () => (finalAt(await statuses([0, 1, 2]), 3) ? true : undefined),
      120_000,
    );

    // Crash: kill -9 while rounds run, and remember what it held as final.
    const before = await json(statusUrl(CRASHED, RESTARTED));
    const finalBefore = before.body.finalizedHeight as number;
    const finalHashes = new Map<number, string>();
    for (let h = 1; h <= finalBefore; h++)
      finalHashes.set(h, (await json(blockUrl(CRASHED, RESTARTED, h))).body.hash);
    await deployments[CRASHED]!.kill9();
    deployments[CRASHED] = undefined;
    // The rest (7/9 of the stake) keep finalizing.
    const target = (before.body.height as number) + 3;
    await waitFor(
      `the others at height ${target} without it`,
      async () => ((await statuses([0, 1])).every((x) => x.height >= target) ? true : undefined),
      90_000,
    );

    // Restart on the same state directory: final blocks unchanged, catches up, votes again.
    deployments[CRASHED] = await start(CRASHED);
    const resumed = await json(statusUrl(CRASHED, RESTARTED));
    expect(resumed.body.finalizedHeight).toBeGreaterThanOrEqual(finalBefore);
    for (const [h, hash] of finalHashes)
      expect((await json(blockUrl(CRASHED, RESTARTED, h))).body.hash).toBe(hash);
    const othersNow = (await json(statusUrl(0, 0))).body.height as number;
    await reachHeight("the restarted node", statusUrl(CRASHED, RESTARTED), othersNow, 60_000);
    const restartedKey = genesis.provisioners[RESTARTED]!.publicKey;
    await waitFor(
      "an attestation after the restart that carries the restarted provisioner's vote",
      async () => {
        const tip = (await json(statusUrl(0, 0))).body.height as number;
        for (let h = othersNow + 1; h <= tip; h++) if (await votedIn(h, restartedKey)) return true;
        return undefined;
      },
      90_000,
    );

    // A late joiner, only the bootstrap entry configured, syncs to the others.
    deployments[LATE] = await start(LATE);
    const tipNow = (await json(statusUrl(0, 0))).body.height as number;
    await reachHeight("the late joiner", statusUrl(LATE, JOINER), tipNow, 90_000);

    // Everyone agrees on the final blocks.
    const all = await statuses([0, 1, 2, 3]);
    const finalHeight = Math.min(...all.map((s) => s.finalizedHeight as number));
    expect(finalHeight).toBeGreaterThan(finalBefore);
    for (let h = 1; h <= finalHeight; h++) {
      const urls = [0, 1, 2, 3].flatMap((d) => LAYOUT[d]!.map((i) => blockUrl(d, i, h)));
      const blocks = await Promise.all([...urls, `${host!.url}/v1/blocks/${h}`].map((u) => json(u)));
      expect(new Set(blocks.map((b) => b.body.hash)).size, `height ${h}`).toBe(1);
      expect(blocks.every((b) => b.body.label === "final")).toBe(true);
      expect(blocks[0]!.body.faults, `no equivocation proven at ${h}`).toEqual([]);
    }
  });

  /** Waits until the node at `url` reports `height` or more. */
  function reachHeight(who: string, url: string, height: number, timeoutMs: number): Promise<true> {
    const probe = async () => ((await json(url)).body.height >= height ? (true as const) : undefined);
    return waitFor(`${who} at height ${height}`, probe, timeoutMs);
  }

  /** Whether the attestation of block `h` (carried by block h + 1) names `key` in either step. */
  async function votedIn(h: number, key: Uint8Array): Promise<boolean> {
    const [below, block, child] = await Promise.all([h - 1, h, h + 1].map((x) => json(blockUrl(0, 0, x))));
    if (child!.status !== 200) return false;
    const att = child!.body.header.prevAttestation;
    if (att === null) return false;
    const committees = new RoundCommittees(
      h,
      fromHex(below!.body.header.seed, undefined, "seed"),
      genesis.provisioners,
      genesis.params.consensus,
    );
    const iteration = block!.body.header.iteration as number;
    for (const [step, bits] of [
      [StepKind.Validation, att.validationBitset],
      [StepKind.Ratification, att.ratificationBitset],
    ] as const) {
      const members = committees.committee(iteration, step).membersOfBitset(BigInt(bits));
      if (members.some((m) => toHex(m.publicKey) === toHex(key))) return true;
    }
    return false;
  }
});
