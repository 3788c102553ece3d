/**
 * What the wallet and chain commands share: the node URL and API key, the wallet home, the
 * passphrase source, output (human or --json), and the node client. Errors a user can act on are
 * `CliError` (printed as `error: <code>: <message>`, exit 2); nothing secret is ever printed.
 */

import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { Option } from "commander";
import { decryptKeystore, type KeystoreFile, parseKeystore, WalletKeys } from "./wallet/keystore.js";

export class CliError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly data: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "CliError";
  }
}

export interface CommonOptions {
  url: string;
  apiKey?: string;
  home: string;
  json?: boolean;
  passphraseFile?: string;
}

export const urlOption = () =>
  new Option("--url <url>", "node gateway URL").env("DUSK_EDGE_URL").default("http://127.0.0.1:8787");
export const apiKeyOption = () =>
  new Option("--api-key <key>", "API key for the gateway").env("DUSK_EDGE_API_KEY");
export const homeOption = () =>
  new Option("--home <dir>", "wallet directory").env("DUSK_EDGE_HOME").default(join(homedir(), ".dusk-edge"));
export const jsonOption = () => new Option("--json", "print one JSON object (for scripts)");
export const passphraseOption = () =>
  new Option(
    "--passphrase-file <file>",
    "read the wallet passphrase from a file (else DUSK_EDGE_PASSPHRASE)",
  );

const NAME_RE = /^[A-Za-z0-9_-]{1,64}$/;

export function walletPath(home: string, name: string): string {
  if (!NAME_RE.test(name)) throw new CliError("WALLET_BAD_NAME", "a wallet name is 1-64 of [A-Za-z0-9_-]");
  return join(home, "wallets", `${name}.json`);
}

export function listWallets(home: string): KeystoreFile[] {
  const dir = join(home, "wallets");
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => parseKeystore(readFileSync(join(dir, f), "utf8")));
}

export function readWallet(home: string, name: string): KeystoreFile {
  const path = walletPath(home, name);
  if (!existsSync(path))
    throw new CliError("WALLET_NOT_FOUND", `no wallet "${name}" in ${join(home, "wallets")}`);
  return parseKeystore(readFileSync(path, "utf8"));
}

export function writeWallet(home: string, file: KeystoreFile, overwrite = false): string {
  const path = walletPath(home, file.name);
  if (existsSync(path) && !overwrite)
    throw new CliError("WALLET_EXISTS", `wallet "${file.name}" already exists`);
  mkdirSync(join(home, "wallets"), { recursive: true, mode: 0o700 });
  writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  return path;
}

export function passphrase(opts: { passphraseFile?: string }): string {
  if (opts.passphraseFile !== undefined) {
    try {
      return readFileSync(opts.passphraseFile, "utf8").replace(/\r?\n$/, "");
    } catch (e) {
      throw new CliError(
        "PASSPHRASE_UNREADABLE",
        `cannot read ${opts.passphraseFile}: ${(e as NodeJS.ErrnoException).code}`,
      );
    }
  }
  const env = process.env.DUSK_EDGE_PASSPHRASE;
  if (env !== undefined && env.length > 0) return env;
  throw new CliError(
    "PASSPHRASE_REQUIRED",
    "give the wallet passphrase with --passphrase-file or DUSK_EDGE_PASSPHRASE",
  );
}

/** Opens a wallet's keys (decrypts its mnemonic with the passphrase). */
export function openWallet(opts: CommonOptions, name: string): WalletKeys {
  return new WalletKeys(decryptKeystore(readWallet(opts.home, name), passphrase(opts)));
}

/** A small client of the gateway's REST API. */
export class NodeHttp {
  constructor(
    private readonly base: string,
    private readonly apiKey?: string,
  ) {}

  async request<T>(
    path: string,
    init: { method?: string; body?: unknown } = {},
  ): Promise<{ status: number; body: T }> {
    let r: Response;
    try {
      r = await fetch(`${this.base.replace(/\/$/, "")}${path}`, {
        method: init.method ?? "GET",
        headers: {
          ...(init.body === undefined ? {} : { "content-type": "application/json" }),
          ...(this.apiKey === undefined ? {} : { authorization: `Bearer ${this.apiKey}` }),
        },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
        signal: AbortSignal.timeout(15_000),
      });
    } catch (e) {
      throw new CliError("NODE_UNREACHABLE", `cannot reach ${this.base}: ${(e as Error).message}`);
    }
    const text = await r.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new CliError("NODE_BAD_ANSWER", `${path} answered ${r.status} without JSON`);
    }
    return { status: r.status, body: body as T };
  }

  /** GET/POST expecting success; a JSON error body becomes a CliError with its code. */
  async ok<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
    const r = await this.request<
      T & { error?: { code: string; message: string; data?: Record<string, unknown> } }
    >(path, init);
    if (r.status >= 400) {
      const e = r.body.error;
      throw new CliError(e?.code ?? `HTTP_${r.status}`, e?.message ?? `HTTP ${r.status}`, e?.data ?? {});
    }
    return r.body;
  }
}

export function nodeOf(opts: CommonOptions): NodeHttp {
  return new NodeHttp(opts.url, opts.apiKey);
}

/** Prints `human` lines, or the JSON object with --json. */
export function output(opts: { json?: boolean }, json: unknown, human: string[]): void {
  if (opts.json) process.stdout.write(`${JSON.stringify(json)}\n`);
  else for (const line of human) process.stdout.write(`${line}\n`);
}
