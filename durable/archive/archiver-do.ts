/**
 * ArchiverDO (one object, `archiver`): copies final blocks of the deployment's first hosted node
 * (node-0 unless DEVNET_LOCAL_NODES says otherwise) into the D1 archive. Every
 * ARCHIVE_POLL_MS it reads the highest archived height from D1 itself, asks the node for the
 * final blocks above it (NodeDO.activity, at most BATCH_BLOCKS per round) and writes them with
 * their transactions and events in one D1 batch. Writes are INSERT ... ON CONFLICT DO NOTHING keyed by height,
 * transaction id and (tx, position), so a replay after a crash or a second archiver changes
 * nothing; starting from what D1 holds makes a fresh or lagging archive backfill by itself.
 * Only Final blocks are archived: they are never reverted, so the archive never has to undo.
 */

import { DurableObject } from "cloudflare:workers";
import { max } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { devnetConfig, nodeName } from "../devnet-config.js";
import type { Env } from "../env.js";
import type { ActivityJson } from "../node-views.js";
import { blocks, events, transactions } from "./schema.js";

export const ARCHIVE_POLL_MS = 1_000;
/** Blocks per round: D1 batches stay small and a long backfill shows progress round by round. */
export const BATCH_BLOCKS = 32;

export interface ArchiveStatus {
  readonly archivedHeight: number;
  readonly finalizedHeight: number;
  readonly lastError: string | null;
}

export class ArchiverDO extends DurableObject<Env> {
  private lastError: string | null = null;
  private finalizedHeight = -1;

  /** Starts the polling loop (idempotent). */
  async ensureRunning(): Promise<boolean> {
    if (this.env.ARCHIVE === undefined) return false;
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now());
    return true;
  }

  async status(): Promise<ArchiveStatus> {
    return {
      archivedHeight: await this.archivedHeight(),
      finalizedHeight: this.finalizedHeight,
      lastError: this.lastError,
    };
  }

  private async archivedHeight(): Promise<number> {
    if (this.env.ARCHIVE === undefined) return -1;
    const row = await drizzle(this.env.ARCHIVE)
      .select({ h: max(blocks.height) })
      .from(blocks)
      .get();
    return row?.h ?? 0;
  }

  override async alarm(): Promise<void> {
    try {
      await this.round();
      this.lastError = null;
    } catch (e) {
      this.lastError = String(e);
      console.warn(
        JSON.stringify({
          level: "warn",
          class: "ArchiverDO",
          event: "archive-round-failed",
          error: this.lastError,
        }),
      );
    }
    await this.ctx.storage.setAlarm(Date.now() + ARCHIVE_POLL_MS);
  }

  /** One round: archives the next final blocks; returns how many it wrote. */
  async round(): Promise<number> {
    const d1 = this.env.ARCHIVE;
    if (d1 === undefined) return 0;
    // A deployment that does not host node-0 archives from the first node it hosts.
    const node = this.env.NODE.get(this.env.NODE.idFromName(nodeName(devnetConfig(this.env).local[0]!)));
    const status = await node.status();
    this.finalizedHeight = status.finalizedHeight;
    const from = (await this.archivedHeight()) + 1;
    const to = Math.min(status.finalizedHeight, from + BATCH_BLOCKS - 1);
    if (to < from) return 0;
    const final = (await node.activity(from, to)).filter((a) => a.height <= status.finalizedHeight);
    if (final.length === 0) return 0;
    await writeBlocks(d1, final);
    if (to < status.finalizedHeight) {
      console.log(
        JSON.stringify({
          level: "info",
          class: "ArchiverDO",
          event: "backfill",
          archived: to,
          finalized: status.finalizedHeight,
        }),
      );
    }
    return final.length;
  }
}

/** Writes blocks, transactions and events in one batch (all or nothing), idempotently. */
export async function writeBlocks(d1: D1Database, list: readonly ActivityJson[]): Promise<void> {
  const db = drizzle(d1);
  const statements = [];
  for (const a of list) {
    statements.push(
      db
        .insert(blocks)
        .values({
          height: a.height,
          hash: a.hash,
          prevHash: a.prevHash,
          timestampMs: a.timestampMs,
          generator: a.generator,
          iteration: a.iteration,
          stateRoot: a.stateRoot,
          gasUsed: a.gasUsed,
          txCount: a.txs.length,
        })
        .onConflictDoNothing(),
    );
    a.txs.forEach((tx, position) => {
      statements.push(
        db
          .insert(transactions)
          .values({
            id: tx.id,
            height: a.height,
            position,
            kind: tx.kind,
            sender: tx.from,
            recipient: tx.to,
            contract: tx.contract,
            amount: tx.amount,
            nonce: tx.nonce,
            gasLimit: tx.gasLimit,
            gasPrice: tx.gasPrice,
            gasUsed: tx.gasUsed,
            status: tx.status,
            errorCode: tx.errorCode,
          })
          .onConflictDoNothing(),
      );
      for (const e of tx.events) {
        statements.push(
          db
            .insert(events)
            .values({
              txId: tx.id,
              position: e.index,
              height: a.height,
              contract: e.contract,
              topic: e.topic,
              data: e.data,
            })
            .onConflictDoNothing(),
        );
      }
    });
  }
  const [first, ...rest] = statements;
  if (first !== undefined) await db.batch([first, ...rest]);
}
