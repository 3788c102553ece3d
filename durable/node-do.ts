/**
 * NodeDO: one devnet node per Durable Object, named `node-<i>`. Thin wiring only: SQLite
 * `ChainStore`, Kadcast `Transport` (workers/routing) over authenticated WebSocket links, the DO
 * alarm as the node's single timer, and RPC
 * methods for the gateway that return plain JSON-able data. Consensus lives in
 * workers/consensus; nothing here decides anything about blocks.
 *
 * - Setup runs in `blockConcurrencyWhile` and does storage work only: opening the node never
 *   waits on a peer (two objects opening while dialing each other would deadlock).
 * - Links (workers/routing/peer-links.ts): the first local node dials BOOTSTRAP_PEERS, every
 *   other local node dials the first one; the rest comes from Kadcast discovery, which dials the
 *   contacts the routing core asks for. Dials run from the alarm; peers of other deployments
 *   come in through the gateway's `/v1/p2p`. Only genesis provisioners' keys get a link.
 * - One alarm per object: min(node.nextWakeMs(), Kadcast's next timeout, the links' next
 *   reconnect), re-armed after every event.
 * - Every entry point is guarded and logs {class, object, handler} on failure.
 */

import { DurableObject } from "cloudflare:workers";
import { type BlsKeyPair, blsKeyFromSecret, blsKeyFromSeed, blsProvePossession } from "../protocol/bls.js";
import { fromHex, toHex } from "../protocol/bytes.js";
import { isProtocolError } from "../protocol/errors.js";
import { devProvisionerKey } from "../protocol/keys.js";
import { LIMITS } from "../protocol/params.js";
import { ADDRESS_BYTES } from "../protocol/state.js";
import { openNode } from "../workers/consensus/node.js";
import type { BlockView, NodeApi } from "../workers/consensus/node-api.js";
import type { Logger, LogLevel } from "../workers/consensus/node-options.js";
import type { ProofService } from "../workers/consensus/proof-service.js";
import { BlsVoteCrypto, CountingVoteCrypto } from "../workers/consensus/vote-crypto.js";
import { KadcastTransport } from "../workers/routing/kadcast-transport.js";
import { CLOSE_IDLE, PeerLinks } from "../workers/routing/peer-links.js";
import type { Rng } from "../workers/routing/rng.js";
import { WebCryptoSignatureVerifier } from "../workers/verifier/ed25519-webcrypto.js";
import {
  bootstrapOf,
  type DevnetConfig,
  devnetConfig,
  devnetGenesis,
  hostedNodes,
  linkAdmission,
  localNodeOf,
  nodeAddress,
  nodeIndex,
  nodeName,
} from "./devnet-config.js";
import type { Env } from "./env.js";
import { openKey, sealKey } from "./keystore.js";
import {
  type AccountJson,
  type ActivityJson,
  accountJson,
  activityJson,
  type BlockJson,
  blockJson,
  type CommitteesJson,
  type ContractJson,
  contractJson,
  type EventJson,
  eventJson,
  type NoteJson,
  noteJson,
  plainData,
  type QueryJson,
  queryJson,
  type ShieldedInfoJson,
  type StatusJson,
  type SubmitResult,
  shieldedInfoJson,
  type TransactionJson,
  transactionJson,
} from "./node-views.js";
import {
  type NodeMetricsJson,
  nodeMetricsJson,
  type ProvisionerStatusJson,
  provisionerStatusJson,
  type StakeInfoJson,
  stakeInfoJson,
} from "./operator-views.js";
import { SqlChainStore } from "./sql-chain-store.js";
import { acceptInbound, attachmentOf, dialUrl, frameData, wireOutbound } from "./ws-mesh-transport.js";

/** Where an operator slot keeps its sealed provisioner key (durable/keystore.ts). */
const META_SEALED_KEY = "operator/sealed-key";

/** Blocks one `blockRange` call returns at most. */
export const BLOCK_RANGE_MAX = 64;

/** The stored blocks `from..to` (at most BLOCK_RANGE_MAX, none above the tip). */
function blockViews(node: NodeApi, from: number, to: number): BlockView[] {
  const out: BlockView[] = [];
  const last = Math.min(to, from + BLOCK_RANGE_MAX - 1, node.status().height);
  for (let h = Math.max(0, from); h <= last; h++) {
    const view = node.blockByHeight(h);
    if (view !== undefined) out.push(view);
  }
  return out;
}

/** Keys one `readState` call answers at most (the gateway asks again for more). */
const READ_STATE_KEYS_MAX = 64;

/** Delegate choices and request ids for Kadcast (the routing core takes randomness as input). */
const cryptoRng: Rng = { nextU32: () => crypto.getRandomValues(new Uint32Array(1))[0]! };

/** Native Ed25519 through WebCrypto (about 50 µs per verify in workerd), noble as fallback. */
const txVerifier = new WebCryptoSignatureVerifier();

/** Path of the peer-link upgrade on the object's fetch handler. */
export const PEER_WS_PATH = "/peer/ws";
const LOG_DEBUG = false;

interface Running {
  readonly name: string;
  readonly node: NodeApi;
  readonly transport: PeerLinks;
  readonly kadcast: KadcastTransport;
  readonly voteCrypto: CountingVoteCrypto;
}

export class NodeDO extends DurableObject<Env> {
  private running: Running | null = null;
  /** Why the node is not running (bad name, bad config, a store from another chain). */
  private failure: string | null = null;
  /** The alarm time this instance last set; null when none is set by it. */
  private alarmAtMs: number | null = null;
  private readonly label: string;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.label = ctx.id.name ?? ctx.id.toString();
    void ctx.blockConcurrencyWhile(async () => {
      try {
        await this.open();
      } catch (e) {
        // Stay up without a node: RPC answers "node unavailable" with the reason.
        this.failure = String(e);
        this.log("error", "handler-failed", { handler: "open", error: this.failure });
      }
    });
  }

  // ---- RPC for the gateway --------------------------------------------------------------

  /** Cheap: constructing the object already started the node and its links. */
  async ensureStarted(): Promise<{ name: string; running: boolean }> {
    return this.guard("ensureStarted", async () => ({ name: this.label, running: this.running !== null }));
  }

  async status(): Promise<StatusJson> {
    return this.guard("status", async () => {
      const { name, node, transport } = this.require();
      return {
        ...node.status(),
        name,
        address: transport.address,
        peerIds: transport.peers().sort(),
        transport: { ...transport.stats },
        routing: { ...this.require().kadcast.stats, table: this.require().kadcast.kadcast.table.size },
      };
    });
  }

  async latestBlock(): Promise<BlockJson | null> {
    return this.guard("latestBlock", async () => {
      const { node } = this.require();
      const view = node.blockByHeight(node.status().height);
      return view === undefined ? null : blockJson(view);
    });
  }

  async blockByHeight(height: number): Promise<BlockJson | null> {
    return this.guard("blockByHeight", async () => {
      const { node } = this.require();
      if (!Number.isSafeInteger(height) || height < 0) return null;
      const view = node.blockByHeight(height);
      return view === undefined ? null : blockJson(view);
    });
  }

  /** Blocks `from..to` (at most BLOCK_RANGE_MAX) with their transactions' parties and events. */
  async activity(from: number, to: number): Promise<ActivityJson[]> {
    return this.guard("activity", async () => {
      const { node } = this.require();
      const contracts = node.contracts;
      // Genesis (height 0) carries no activity.
      return blockViews(node, Math.max(1, from), to).map((v) =>
        activityJson(v, (id) => contracts.receipt(id)),
      );
    });
  }

  async provisioners(): Promise<Array<{ publicKey: string; stake: string }>> {
    return this.guard("provisioners", async () =>
      this.require()
        .node.provisionerList()
        .map((p) => ({ publicKey: toHex(p.publicKey), stake: String(p.stake) })),
    );
  }

  async committees(): Promise<CommitteesJson> {
    return this.guard("committees", async () => {
      const c = this.require().node.currentCommittees();
      const members = (m: ReadonlyArray<{ publicKey: Uint8Array; credits: number }>) =>
        m.map((x) => ({ publicKey: toHex(x.publicKey), credits: x.credits }));
      return {
        round: c.round,
        iteration: c.iteration,
        generator: toHex(c.generator),
        validation: members(c.validation),
        ratification: members(c.ratification),
      };
    });
  }

  /** The stake record of a provisioner key (null when it has none). */
  async stakeInfo(publicKeyHex: string): Promise<StakeInfoJson | null> {
    return this.guard("stakeInfo", async () => {
      const key = fromHex(publicKeyHex, 48, "provisioner key");
      const info = this.require().node.stakeInfo(key);
      return info === undefined ? null : stakeInfoJson(toHex(key), info);
    });
  }

  async gasPrice(): Promise<{ minimum: string; suggested: string }> {
    return this.guard("gasPrice", async () => {
      const p = this.require().node.gasPrice();
      return { minimum: String(p.minimum), suggested: String(p.suggested) };
    });
  }

  async blockByHash(hashHex: string): Promise<BlockJson | null> {
    return this.guard("blockByHash", async () => {
      const view = this.require().node.blockByHash(fromHex(hashHex, 32, "block hash"));
      return view === undefined ? null : blockJson(view);
    });
  }

  /** Blocks `from..to` inclusive that exist, at most BLOCK_RANGE_MAX of them. */
  async blockRange(from: number, to: number): Promise<BlockJson[]> {
    return this.guard("blockRange", async () => {
      return blockViews(this.require().node, from, to).map(blockJson);
    });
  }

  async account(addressHex: string): Promise<AccountJson> {
    return this.guard("account", async () => {
      const { node } = this.require();
      const address = fromHex(addressHex, ADDRESS_BYTES, "address");
      return accountJson(address, node.account(address));
    });
  }

  async transaction(id: string): Promise<TransactionJson | null> {
    return this.guard("transaction", async () => {
      const view = this.require().node.transaction(id);
      return view === undefined ? null : transactionJson(id, view);
    });
  }

  async shieldedInfo(): Promise<ShieldedInfoJson> {
    return this.guard("shieldedInfo", async () => shieldedInfoJson(this.require().node.shielded.info()));
  }

  /** Notes from `from` on (at most NOTES_PAGE_MAX) and the tree's note count. */
  async shieldedNotes(from: number, limit: number): Promise<{ count: number; notes: NoteJson[] }> {
    return this.guard("shieldedNotes", async () => {
      const page = this.require().node.shielded.notes(from, limit);
      return { count: page.count, notes: page.notes.map(noteJson) };
    });
  }

  /** Whether each nullifier (hex, 32 bytes) is spent. */
  async nullifiersSpent(nullifiersHex: readonly string[]): Promise<boolean[]> {
    return this.guard("nullifiersSpent", async () =>
      this.require().node.shielded.spent(nullifiersHex.map((n) => fromHex(n, 32, "nullifier"))),
    );
  }

  async contract(idHex: string): Promise<ContractJson | null> {
    return this.guard("contract", async () => {
      const view = this.require().node.contracts.contract(fromHex(idHex, 32, "contract id"));
      return view === undefined ? null : contractJson(view);
    });
  }

  /** One storage value (hex), or null when the key is absent. */
  async contractStorage(idHex: string, keyHex: string): Promise<string | null> {
    return this.guard("contractStorage", async () => {
      const value = this.require().node.contracts.storage(
        fromHex(idHex, 32, "contract id"),
        fromHex(keyHex, undefined, "storage key"),
      );
      return value === undefined ? null : toHex(value);
    });
  }

  async contractEvents(idHex: string, fromHeight: number, limit: number): Promise<EventJson[]> {
    return this.guard("contractEvents", async () => {
      const events = this.require().node.contracts.events(
        fromHex(idHex, 32, "contract id"),
        fromHeight,
        limit,
      );
      return events.map(eventJson);
    });
  }

  /** A read-only call on the committed state; errors of the request come back as data. */
  async queryContract(
    idHex: string,
    fn: string,
    inputHex: string,
    callerHex?: string,
  ): Promise<QueryJson | { readonly code: string; readonly message: string }> {
    return this.guard("queryContract", async () => {
      const { node } = this.require();
      try {
        const caller = callerHex === undefined ? undefined : fromHex(callerHex, ADDRESS_BYTES, "caller");
        const r = node.contracts.query(
          fromHex(idHex, 32, "contract id"),
          fn,
          fromHex(inputHex, undefined, "input"),
          caller,
        );
        return queryJson(r);
      } catch (e) {
        if (!isProtocolError(e)) throw e;
        return { code: e.code, message: e.message };
      }
    });
  }

  /** State for a stateless simulation: entry values and accounts (hex / decimal strings). */
  async readState(
    entryKeysHex: readonly string[],
    accountsHex: readonly string[],
  ): Promise<{
    entries: Record<string, string | null>;
    accounts: Record<string, { balance: string; nonce: string }>;
    block: { chainId: string; height: number; timestampMs: number };
  }> {
    return this.guard("readState", async () => {
      const { node } = this.require();
      const state = node.contracts.state;
      const entries: Record<string, string | null> = {};
      for (const k of entryKeysHex.slice(0, READ_STATE_KEYS_MAX)) {
        const v = state.getEntry(fromHex(k, undefined, "entry key"));
        entries[k.toLowerCase()] = v === undefined ? null : toHex(v);
      }
      const accounts: Record<string, { balance: string; nonce: string }> = {};
      for (const a of accountsHex.slice(0, READ_STATE_KEYS_MAX)) {
        const acc = state.getAccount(fromHex(a, ADDRESS_BYTES, "address"));
        accounts[a.toLowerCase()] = { balance: String(acc.balance), nonce: String(acc.nonce) };
      }
      return { entries, accounts, block: node.contracts.nextBlock() };
    });
  }

  /** Validation failures come back as data: RPC drops an error's `code`. */
  async submitTransaction(bytes: Uint8Array): Promise<SubmitResult> {
    return this.guard("submitTransaction", async () => {
      const { node } = this.require();
      try {
        const { id } = await node.submitTransaction(bytes);
        return { ok: true, id };
      } catch (e) {
        if (!isProtocolError(e)) throw e;
        return { ok: false, code: e.code, message: e.message, data: plainData(e.data) };
      } finally {
        this.schedule();
      }
    });
  }

  // ---- operator ---------------------------------------------------------------------------

  /**
   * Puts a provisioner key in this operator slot (sealed with KEYSTORE_SECRET) and starts the
   * node: the given 32-byte secret key (hex), or a fresh random one. Refusals come back as data.
   */
  async installKey(
    secretKeyHex: string | null,
  ): Promise<
    { ok: true; publicKey: string; proofOfPossession: string } | { ok: false; code: string; message: string }
  > {
    return this.guard("installKey", async () => {
      const config = devnetConfig(this.env);
      const slot = this.slot(config);
      if (slot === null || !slot.operator)
        return { ok: false, code: "NOT_AN_OPERATOR_SLOT", message: this.label };
      const secret = this.env.KEYSTORE_SECRET;
      if (secret === undefined || secret === "") {
        return {
          ok: false,
          code: "KEYSTORE_DISABLED",
          message: "set the KEYSTORE_SECRET secret to hold provisioner keys",
        };
      }
      const store = new SqlChainStore(this.ctx.storage);
      if (store.getMeta(META_SEALED_KEY) !== undefined)
        return { ok: false, code: "SLOT_TAKEN", message: this.label };
      let key: BlsKeyPair;
      try {
        key =
          secretKeyHex === null
            ? blsKeyFromSeed(crypto.getRandomValues(new Uint8Array(32)))
            : blsKeyFromSecret(fromHex(secretKeyHex, 32, "secretKey"));
      } catch (e) {
        return { ok: false, code: "INVALID_KEY", message: isProtocolError(e) ? e.message : String(e) };
      }
      const sealed = await sealKey(secret, this.label, key.secretKey);
      store.transaction(() => store.putMeta(META_SEALED_KEY, sealed));
      await this.open();
      return { ok: true, publicKey: toHex(key.publicKey), proofOfPossession: toHex(blsProvePossession(key)) };
    });
  }

  /** Stake, eligibility, duties and slashing-protection state of this node's provisioner. */
  async provisionerStatus(): Promise<ProvisionerStatusJson> {
    return this.guard("provisionerStatus", async () => {
      const running = this.running;
      if (running === null) return { node: this.label, running: false, reason: this.failure ?? "starting" };
      const { node } = running;
      const s = node.status();
      return provisionerStatusJson(
        this.label,
        s,
        node.stakeInfo(fromHex(s.nodeId, 48, "key")),
        node.duties(),
      );
    });
  }

  async exportSlashingProtection(): Promise<unknown> {
    return this.guard("exportSlashingProtection", async () => this.require().node.exportSlashingProtection());
  }

  async importSlashingProtection(
    doc: unknown,
  ): Promise<
    { ok: true; imported: number; watermark: number } | { ok: false; code: string; message: string }
  > {
    return this.guard("importSlashingProtection", async () => {
      try {
        return { ok: true, ...this.require().node.importSlashingProtection(doc) };
      } catch (e) {
        return {
          ok: false,
          code: "INVALID_INTERCHANGE",
          message: e instanceof Error ? e.message : String(e),
        };
      }
    });
  }

  async resumeSigning(): Promise<{ resumed: boolean }> {
    return this.guard("resumeSigning", async () => ({ resumed: this.require().node.resumeSigning() }));
  }

  /** Numbers for /metrics (null when the node is not running). */
  async metrics(): Promise<NodeMetricsJson | null> {
    return this.guard("metrics", async () => {
      const running = this.running;
      if (running === null) return null;
      return nodeMetricsJson(
        this.label,
        running.node,
        { ...running.transport.stats },
        running.voteCrypto.verifications,
      );
    });
  }

  // ---- runtime entry points -------------------------------------------------------------

  override async fetch(request: Request): Promise<Response> {
    return this.guard("fetch", async () => {
      const url = new URL(request.url);
      if (url.pathname !== PEER_WS_PATH) return new Response("not found", { status: 404 });
      if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
        return new Response("expected a WebSocket upgrade", { status: 426 });
      }
      // A node that failed to open refuses links; the dialer retries with backoff.
      if (this.running === null) return new Response(`node unavailable: ${this.failure}`, { status: 503 });
      return acceptInbound(this.running.transport, this.ctx);
    });
  }

  override async alarm(): Promise<void> {
    await this.guard("alarm", async () => {
      this.alarmAtMs = null;
      const running = this.running;
      if (running === null) return;
      const now = Date.now();
      const wake = running.node.nextWakeMs();
      try {
        if (wake !== null && wake <= now) await running.node.onTimer();
        const routingWake = running.kadcast.nextWakeMs();
        if (routingWake !== null && routingWake <= now) {
          running.kadcast.tick(now);
          await running.kadcast.settle();
        }
        await running.transport.runDue(now);
      } finally {
        this.schedule();
      }
    });
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    await this.guard("webSocketMessage", async () => {
      const running = this.running;
      if (running === null) {
        ws.close(1011, "node not running");
        return;
      }
      const data = frameData(message);
      try {
        if (data !== null) await running.transport.onFrame(ws, data);
      } finally {
        this.schedule();
      }
    });
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    await this.guard("webSocketClose", async () => {
      this.running?.transport.onClosed(ws, code, reason);
      this.schedule();
    });
  }

  override async webSocketError(ws: WebSocket, error: unknown): Promise<void> {
    await this.guard("webSocketError", async () => {
      this.running?.transport.onClosed(ws, 1006, String(error));
      this.schedule();
    });
  }

  // ---- internals ------------------------------------------------------------------------

  /** This object's slot: its index and whether it is an operator slot (key from the keystore). */
  private slot(config: DevnetConfig): { index: number; operator: boolean } | null {
    const name = this.ctx.id.name;
    const hosted = hostedNodes(config);
    const index = name === undefined ? null : nodeIndex(name, config.nodes + config.operatorSlots.length);
    if (index === null || !hosted.includes(index)) return null;
    return { index, operator: index >= config.nodes };
  }

  /** The provisioner key: a dev key for genesis slots, the sealed one for operator slots (or null). */
  private async provisionerKey(
    config: DevnetConfig,
    index: number,
    operator: boolean,
  ): Promise<BlsKeyPair | null> {
    if (!operator) return devProvisionerKey(config.seed, index);
    const sealed = new SqlChainStore(this.ctx.storage).getMeta(META_SEALED_KEY);
    if (sealed === undefined) return null;
    const secret = this.env.KEYSTORE_SECRET;
    if (secret === undefined || secret === "")
      throw new Error("a sealed provisioner key needs the KEYSTORE_SECRET secret");
    return blsKeyFromSecret(await openKey(secret, this.label, sealed));
  }

  private async open(): Promise<void> {
    const config = devnetConfig(this.env);
    const slot = this.slot(config);
    if (slot === null) {
      this.failure = `not a node of this deployment: ${this.label} (hosted: ${hostedNodes(config).map(nodeName).join(", ")})`;
      this.log("info", "node-not-started", { reason: this.failure });
      return;
    }
    const name = this.ctx.id.name!;
    const index = slot.index;
    const provisionerKey = await this.provisionerKey(config, index, slot.operator);
    if (provisionerKey === null) {
      this.failure = "no provisioner key in this slot yet (POST /v1/operator/provisioners)";
      return;
    }
    const { genesis, hashHex } = devnetGenesis(config);
    const store = new SqlChainStore(this.ctx.storage);
    const transport = new PeerLinks(
      {
        chainId: genesis.chainId,
        genesisHash: hashHex,
        address: nodeAddress(config, index),
        linkKey: provisionerKey,
        bootstrap: bootstrapOf(config, index),
        admit: linkAdmission(
          genesis,
          provisionerKey.publicKey,
          (key) => this.running?.node.isStaked(key) ?? false,
          (key) => this.log("error", "doppelganger-link", { publicKey: toHex(key) }),
        ),
      },
      {
        dial: async (address) =>
          wireOutbound(
            await this.dial(config, address),
            () => this.running?.transport ?? null,
            () => this.schedule(),
          ),
        persist: (ws, attachment) => (ws as WebSocket).serializeAttachment(attachment),
        now: () => Date.now(),
        randomBytes: (n) => crypto.getRandomValues(new Uint8Array(n)),
        rng: cryptoRng,
        log: this.log,
      },
    );
    // Inbound links that survived hibernation: their keys were proven before.
    for (const ws of this.ctx.getWebSockets()) {
      const a = attachmentOf(ws);
      if (a !== null) transport.restore(ws, a);
    }
    const kadcast = new KadcastTransport(
      {
        publicKey: provisionerKey.publicKey,
        address: transport.address,
        // Whatever the node may send (a Blocks reply fills a whole message) fits a routing frame.
        params: { maxPayloadBytes: LIMITS.messageBytes, maxRequestBytes: LIMITS.messageBytes },
      },
      {
        links: {
          send: (peer, frame) => transport.send(peer, frame),
          disconnect: (peer, reason) => transport.disconnect(peer, reason),
          connect: (address) => transport.connect(address),
        },
        rng: cryptoRng,
        clock: { now: () => Date.now() },
      },
    );
    const voteCrypto = new CountingVoteCrypto(new BlsVoteCrypto());
    const node = await openNode(
      // Kadcast relays broadcasts itself: the node's own gossip relay stays off.
      { genesis, provisionerKey, relay: false },
      {
        clock: { now: () => Date.now() },
        store,
        transport: kadcast,
        txVerifier,
        log: this.log,
        voteCrypto,
        ...(this.env.VERIFIER === undefined ? {} : { proofService: verifierService(this.env.VERIFIER) }),
      },
    );
    this.running = { name, node, transport, kadcast, voteCrypto };
    kadcast.attach((peer, bytes) => node.onMessage(peer, bytes));
    transport.attach({
      onPeerConnected: (peer, publicKey) => {
        kadcast.linkUp(peer, publicKey);
        return node.onPeerConnected(peer);
      },
      // An idle close keeps the contact in the table: it is dialed again when needed.
      onPeerDisconnected: (peer, code) => kadcast.linkDown(peer, code === CLOSE_IDLE),
      onDialFailed: (address) => kadcast.linkFailed(address),
      wanted: (peer) => kadcast.wanted(peer),
      onMessage: async (peer, bytes) => {
        const error = kadcast.onFrame(peer, bytes);
        if (error !== undefined) this.log("warn", "peer-frame-rejected", { peer, code: error.code });
        await kadcast.settle();
      },
      onScheduleChanged: () => this.schedule(),
    });
    this.failure = null;
    this.schedule();
    const s = node.status();
    this.log("info", "node-started", {
      height: s.height,
      finalizedHeight: s.finalizedHeight,
      genesis: hashHex,
    });
  }

  /** A local node by DO stub (no network hop), anything else by URL. */
  private async dial(config: DevnetConfig, address: string): Promise<WebSocket> {
    const local = localNodeOf(config, address);
    if (local === null) return dialUrl(address);
    const stub = this.env.NODE.get(this.env.NODE.idFromName(nodeName(local)));
    const response = await stub.fetch(
      new Request(`https://peer${PEER_WS_PATH}`, { headers: { Upgrade: "websocket" } }),
    );
    const ws = response.webSocket;
    if (ws === null) throw new Error(`peer ${address} refused the upgrade: HTTP ${response.status}`);
    return ws;
  }

  /** Re-arms the single alarm at the earliest of the node's wake-up and the next reconnect. */
  private schedule(): void {
    const running = this.running;
    if (running === null) return;
    const times = [
      running.node.nextWakeMs(),
      running.kadcast.nextWakeMs(),
      running.transport.nextDueMs(),
    ].filter((t): t is number => t !== null);
    if (times.length === 0) return;
    const at = Math.min(...times);
    if (at === this.alarmAtMs) return;
    this.alarmAtMs = at;
    this.ctx.storage.setAlarm(at).catch((e: unknown) => {
      this.alarmAtMs = null;
      this.log("error", "set-alarm-failed", { error: String(e) });
    });
  }

  private require(): Running {
    if (this.running === null) throw new Error(`node unavailable: ${this.failure ?? "starting"}`);
    return this.running;
  }

  private async guard<T>(handler: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      this.log("error", "handler-failed", {
        handler,
        error: String(e),
        ...(isProtocolError(e) ? { code: e.code } : {}),
      });
      throw e;
    }
  }

  private readonly log: Logger = (level: LogLevel, event: string, data?: Record<string, unknown>) => {
    if (level === "debug" && !LOG_DEBUG) return;
    const line = JSON.stringify({ level, class: "NodeDO", object: this.label, event, ...data }, (_k, v) =>
      typeof v === "bigint" ? String(v) : v instanceof Uint8Array ? toHex(v) : v,
    );
    if (level === "error") console.error(line);
    else if (level === "warn") console.warn(line);
    else console.log(line);
  };
}

/**
 * The VERIFIER service binding as the node's proof service: a block's shielded proofs go to a
 * ProofVerifier invocation in one batch (Groth16 proofs of one key combined into one check).
 */
function verifierService(binding: NonNullable<Env["VERIFIER"]>): ProofService {
  return {
    async verifyGroth16Batch(items) {
      const reply = await binding.verifyBatch({
        items: items.map((i) => ({ protocol: "groth16", vk: i.vk, proof: i.proof, inputs: i.inputs })),
      });
      return reply.ok ? reply.results.map((r) => r.valid === true) : items.map(() => false);
    },
  };
}
