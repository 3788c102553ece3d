/**
 * Wallets of the CLI: a BIP39 mnemonic (@scure/bip39, English wordlist) from which every key is
 * derived, kept in an encrypted keystore file.
 *
 * Derivation (documented in docs/CLI.md): seed = BIP39 seed of the mnemonic (64 bytes, empty
 * BIP39 passphrase); a key of purpose P and index i is derived from
 * domainHash("wallet-key", seed ‖ utf8(P) ‖ u32 i): P = "account" gives the Ed25519 account key,
 * P = "provisioner" the BLS provisioner key (blsKeyFromSeed), P = "shielded" the shielded-note
 * secret (issue 6). Deterministic: the same mnemonic gives the same keys anywhere.
 *
 * Keystore file (JSON, version 1): scrypt (N = 2^15, r = 8, p = 1, 32-byte salt) turns the
 * passphrase into a 32-byte key; AES-256-GCM (12-byte nonce) encrypts the mnemonic. The file holds
 * no plaintext secret; a wrong passphrase fails the GCM tag check ("wrong passphrase").
 */

import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { scrypt } from "@noble/hashes/scrypt.js";
import { generateMnemonic, mnemonicToSeedSync, validateMnemonic } from "@scure/bip39";
import { wordlist } from "@scure/bip39/wordlists/english.js";
import { blsKeyFromSeed } from "../../protocol/bls.js";
import { toHex } from "../../protocol/bytes.js";
import { Writer } from "../../protocol/codec.js";
import { type Ed25519KeyPair, ed25519KeyFromSeed } from "../../protocol/ed25519.js";
import { domainHash } from "../../protocol/hash.js";

export const KEYSTORE_VERSION = 1;
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, dkLen: 32 } as const;

export interface KeystoreFile {
  readonly version: 1;
  readonly name: string;
  /** The first account's address, so a wallet can be shown without its passphrase. */
  readonly address: string;
  readonly kdf: {
    readonly name: "scrypt";
    readonly N: number;
    readonly r: number;
    readonly p: number;
    readonly salt: string;
  };
  readonly cipher: {
    readonly name: "aes-256-gcm";
    readonly nonce: string;
    readonly tag: string;
    readonly data: string;
  };
}

export class WalletError extends Error {
  constructor(
    readonly code:
      | "WALLET_BAD_MNEMONIC"
      | "WALLET_WRONG_PASSPHRASE"
      | "WALLET_BAD_FILE"
      | "WALLET_WEAK_PASSPHRASE",
    message: string,
  ) {
    super(message);
    this.name = "WalletError";
  }
}

export function newMnemonic(words: 12 | 24 = 24): string {
  return generateMnemonic(wordlist, words === 24 ? 256 : 128);
}

export function checkMnemonic(mnemonic: string): string {
  const normal = mnemonic.trim().split(/\s+/).join(" ").toLowerCase();
  if (!validateMnemonic(normal, wordlist)) {
    throw new WalletError("WALLET_BAD_MNEMONIC", "not a valid BIP39 mnemonic (English wordlist, checksum)");
  }
  return normal;
}

function derive(seed: Uint8Array, purpose: string, index: number): Uint8Array {
  const w = new Writer(128).fixed(seed, 64).bytes(new TextEncoder().encode(purpose), 32).u32(index);
  return domainHash("wallet-key", w.finish());
}

/** Keys of a wallet, derived from its mnemonic. */
export class WalletKeys {
  private readonly seed: Uint8Array;

  constructor(mnemonic: string) {
    this.seed = mnemonicToSeedSync(checkMnemonic(mnemonic));
  }

  account(index = 0): Ed25519KeyPair {
    return ed25519KeyFromSeed(derive(this.seed, "account", index));
  }

  provisioner(index = 0) {
    return blsKeyFromSeed(derive(this.seed, "provisioner", index));
  }

  shieldedSecret(index = 0): Uint8Array {
    return derive(this.seed, "shielded", index);
  }
}

export function encryptKeystore(name: string, mnemonic: string, passphrase: string): KeystoreFile {
  if (passphrase.length < 8)
    throw new WalletError("WALLET_WEAK_PASSPHRASE", "the passphrase must have at least 8 characters");
  const normal = checkMnemonic(mnemonic);
  const salt = randomBytes(32);
  const key = scrypt(new TextEncoder().encode(passphrase), salt, SCRYPT);
  const nonce = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, nonce);
  cipher.setAAD(new TextEncoder().encode(`dusk-edge keystore v${KEYSTORE_VERSION}`));
  const data = Buffer.concat([cipher.update(normal, "utf8"), cipher.final()]);
  return {
    version: KEYSTORE_VERSION,
    name,
    address: toHex(new WalletKeys(normal).account(0).publicKey),
    kdf: { name: "scrypt", N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p, salt: salt.toString("hex") },
    cipher: {
      name: "aes-256-gcm",
      nonce: nonce.toString("hex"),
      tag: cipher.getAuthTag().toString("hex"),
      data: data.toString("hex"),
    },
  };
}

export function parseKeystore(text: string): KeystoreFile {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new WalletError("WALLET_BAD_FILE", "keystore is not JSON");
  }
  const k = v as KeystoreFile;
  const hex = (s: unknown, n?: number) =>
    typeof s === "string" && /^([0-9a-f]{2})*$/.test(s) && (n === undefined || s.length === 2 * n);
  const ok =
    typeof v === "object" &&
    v !== null &&
    k.version === KEYSTORE_VERSION &&
    typeof k.name === "string" &&
    hex(k.address, 32) &&
    k.kdf?.name === "scrypt" &&
    Number.isSafeInteger(k.kdf.N) &&
    k.kdf.N >= 2 ** 14 &&
    k.kdf.N <= 2 ** 20 &&
    k.kdf.r === 8 &&
    k.kdf.p === 1 &&
    hex(k.kdf.salt, 32) &&
    k.cipher?.name === "aes-256-gcm" &&
    hex(k.cipher.nonce, 12) &&
    hex(k.cipher.tag, 16) &&
    hex(k.cipher.data) &&
    k.cipher.data.length <= 2 * 1024;
  if (!ok) throw new WalletError("WALLET_BAD_FILE", "not a dusk-edge keystore (version 1)");
  return k;
}

export function decryptKeystore(file: KeystoreFile, passphrase: string): string {
  const key = scrypt(new TextEncoder().encode(passphrase), Buffer.from(file.kdf.salt, "hex"), {
    N: file.kdf.N,
    r: file.kdf.r,
    p: file.kdf.p,
    dkLen: 32,
  });
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(file.cipher.nonce, "hex"));
  decipher.setAAD(new TextEncoder().encode(`dusk-edge keystore v${file.version}`));
  decipher.setAuthTag(Buffer.from(file.cipher.tag, "hex"));
  let plain: string;
  try {
    plain = Buffer.concat([decipher.update(Buffer.from(file.cipher.data, "hex")), decipher.final()]).toString(
      "utf8",
    );
  } catch {
    throw new WalletError("WALLET_WRONG_PASSPHRASE", "wrong passphrase (or a damaged keystore)");
  }
  return checkMnemonic(plain);
}
