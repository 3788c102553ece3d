CREATE TABLE `blocks` (
	`height` integer PRIMARY KEY NOT NULL,
	`hash` text NOT NULL,
	`prev_hash` text NOT NULL,
	`timestamp_ms` integer NOT NULL,
	`generator` text NOT NULL,
	`iteration` integer NOT NULL,
	`state_root` text NOT NULL,
	`gas_used` text NOT NULL,
	`tx_count` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `blocks_hash_unique` ON `blocks` (`hash`);--> statement-breakpoint
CREATE TABLE `events` (
	`tx_id` text NOT NULL,
	`position` integer NOT NULL,
	`height` integer NOT NULL,
	`contract` text NOT NULL,
	`topic` text NOT NULL,
	`data` text NOT NULL,
	PRIMARY KEY(`tx_id`, `position`)
);
--> statement-breakpoint
CREATE INDEX `events_contract` ON `events` (`contract`,`height`);--> statement-breakpoint
CREATE TABLE `transactions` (
	`id` text PRIMARY KEY NOT NULL,
	`height` integer NOT NULL,
	`position` integer NOT NULL,
	`kind` text NOT NULL,
	`sender` text NOT NULL,
	`recipient` text,
	`contract` text,
	`amount` text NOT NULL,
	`nonce` text NOT NULL,
	`gas_limit` text NOT NULL,
	`gas_price` text NOT NULL,
	`gas_used` text NOT NULL,
	`status` text NOT NULL,
	`error_code` text
);
--> statement-breakpoint
CREATE INDEX `transactions_sender` ON `transactions` (`sender`,`height`);--> statement-breakpoint
CREATE INDEX `transactions_recipient` ON `transactions` (`recipient`,`height`);--> statement-breakpoint
CREATE INDEX `transactions_contract` ON `transactions` (`contract`,`height`);--> statement-breakpoint
CREATE INDEX `transactions_height` ON `transactions` (`height`,`position`);