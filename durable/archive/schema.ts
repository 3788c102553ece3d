/**
 * The archive's D1 schema (drizzle-orm): final blocks, their transactions and contract events,
 * indexed for the history queries of the RPC (by account, by contract, by height). Migrations in
 * migrations/ are generated from this file by drizzle-kit (`npm run db:generate`).
 */

import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const blocks = sqliteTable("blocks", {
  height: integer("height").primaryKey(),
  hash: text("hash").notNull().unique(),
  prevHash: text("prev_hash").notNull(),
  timestampMs: integer("timestamp_ms").notNull(),
  generator: text("generator").notNull(),
  iteration: integer("iteration").notNull(),
  stateRoot: text("state_root").notNull(),
  gasUsed: text("gas_used").notNull(),
  txCount: integer("tx_count").notNull(),
});

export const transactions = sqliteTable(
  "transactions",
  {
    id: text("id").primaryKey(),
    height: integer("height").notNull(),
    position: integer("position").notNull(),
    kind: text("kind").notNull(),
    sender: text("sender").notNull(),
    recipient: text("recipient"),
    contract: text("contract"),
    amount: text("amount").notNull(),
    nonce: text("nonce").notNull(),
    gasLimit: text("gas_limit").notNull(),
    gasPrice: text("gas_price").notNull(),
    gasUsed: text("gas_used").notNull(),
    status: text("status").notNull(),
    errorCode: text("error_code"),
  },
  (t) => [
    index("transactions_sender").on(t.sender, t.height),
    index("transactions_recipient").on(t.recipient, t.height),
    index("transactions_contract").on(t.contract, t.height),
    index("transactions_height").on(t.height, t.position),
  ],
);

export const events = sqliteTable(
  "events",
  {
    txId: text("tx_id").notNull(),
    position: integer("position").notNull(),
    height: integer("height").notNull(),
    contract: text("contract").notNull(),
    topic: text("topic").notNull(),
    data: text("data").notNull(),
  },
  (t) => [primaryKey({ columns: [t.txId, t.position] }), index("events_contract").on(t.contract, t.height)],
);
