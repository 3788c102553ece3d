/**
 * Shielded transactions as a wallet makes them (docs/SHIELDED.md): the witness for
 * circuits/notes.circom, the proof (prover.ts), encrypted outputs (note-crypto.ts), and the
 * signed transaction (protocol/transaction.ts). A transfer spends one or two of the wallet's
 * notes; a missing second input is a zero-value dummy (the circuit skips its membership, its
 * nullifier is fresh randomness); the change goes back to the wallet as the second output.
 */

import { randomBytes } from "node:crypto";
import { type Ed25519KeyPair, ed25519KeyFromSeed } from "../../protocol/ed25519.js";
import { NoteTree, noteCommitment, nullifier } from "../../protocol/notes.js";
import { fieldToBytes, hashToField, SHIELDED_GAS, shieldedBinding } from "../../protocol/shielded.js";
import {
  type ShieldedDepositTx,
  type ShieldedTransferTx,
  signShieldedDeposit,
  signShieldedTransfer,
  type UnsignedShieldedTransfer,
} from "../../protocol/transaction.js";
import { ZERO_ADDRESS } from "../../workers/executor/shielded.js";
import { CliError } from "../context.js";
import type { ShieldedAddress, ShieldedKeySet } from "./keys.js";
import { encryptNote } from "./note-crypto.js";
import { prove } from "./prover.js";
import { balanceOf, type OwnedNote, type ShieldedCache, unspent } from "./wallet.js";

function randomField(): bigint {
  return hashToField("wallet-random", randomBytes(32));
}

const dec = (v: bigint | number) => String(v);

export interface DepositParams {
  readonly chainId: string;
  readonly payer: Ed25519KeyPair;
  readonly nonce: bigint;
  readonly gasPrice: bigint;
  readonly value: bigint;
  readonly to: ShieldedAddress;
  readonly onProgress?: (seconds: number) => void;
}

export async function buildDeposit(p: DepositParams): Promise<ShieldedDepositTx> {
  const blinding = randomField();
  const commitment = noteCommitment(p.value, p.to.ownerKey, blinding);
  const { proof } = await prove(
    "deposit",
    {
      commitment: dec(commitment),
      value: dec(p.value),
      ownerKey: dec(p.to.ownerKey),
      blinding: dec(blinding),
    },
    p.onProgress,
  );
  return signShieldedDeposit(p.payer.secretKey, {
    chainId: p.chainId,
    from: p.payer.publicKey,
    amount: p.value,
    nonce: p.nonce,
    gasLimit: SHIELDED_GAS.deposit,
    gasPrice: p.gasPrice,
    commitment: fieldToBytes(commitment),
    encryptedNote: encryptNote({ value: p.value, blinding: fieldToBytes(blinding) }, p.to.viewPublic),
    proof,
  });
}

export interface TransferParams {
  readonly chainId: string;
  readonly keys: ShieldedKeySet;
  readonly cache: ShieldedCache;
  readonly gasPrice: bigint;
  /** Paid to `to` as a new note (0 for a pure withdrawal). */
  readonly amount: bigint;
  readonly to: ShieldedAddress | null;
  /** Paid out to a public account. */
  readonly withdrawal: bigint;
  readonly withdrawTo: Uint8Array | null;
  readonly onProgress?: (seconds: number) => void;
}

/** Picks one note, or two, that cover `needed`: the smallest single note, else the two largest. */
export function chooseNotes(notes: readonly OwnedNote[], needed: bigint): OwnedNote[] {
  const sorted = [...notes].sort((a, b) => (BigInt(a.value) < BigInt(b.value) ? -1 : 1));
  const single = sorted.find((n) => BigInt(n.value) >= needed);
  if (single !== undefined) return [single];
  const two = sorted.slice(-2);
  if (two.length === 2 && balanceOf(two) >= needed) return two;
  throw new CliError(
    "INSUFFICIENT_SHIELDED_BALANCE",
    `two notes cannot cover ${needed}: the largest two hold ${balanceOf(two)}, all unspent notes ${balanceOf(notes)}`,
    { needed: String(needed) },
  );
}

export async function buildTransfer(p: TransferParams): Promise<ShieldedTransferTx> {
  const { body, oneTimeKey } = await proveTransfer(p);
  return signShieldedTransfer(oneTimeKey.secretKey, body);
}

/** The proven, unsigned transfer and the one-time key bound into its proof (which signs it). */
export async function proveTransfer(
  p: TransferParams,
): Promise<{ body: UnsignedShieldedTransfer; oneTimeKey: Ed25519KeyPair }> {
  const fee = SHIELDED_GAS.transfer * p.gasPrice;
  const needed = p.amount + p.withdrawal + fee;
  const spend = chooseNotes(unspent(p.cache), needed);
  const tree = new NoteTree();
  for (const c of p.cache.commitments) tree.append(BigInt(`0x${c}`));
  const zeros = Array.from({ length: tree.depth }, () => "0");
  const inputs = spend.map((n) => {
    const path = tree.path(n.position);
    return {
      value: BigInt(n.value),
      secret: p.keys.spendSecret,
      blinding: BigInt(`0x${n.blinding}`),
      pathBits: path.pathBits.map(dec),
      siblings: path.siblings.map(dec),
      nullifier: nullifier(p.keys.spendSecret, n.position),
    };
  });
  if (inputs.length === 1) {
    // A dummy: value 0 at position 0 with a random secret (so a fresh, unlinkable nullifier).
    const secret = randomField();
    inputs.push({
      value: 0n,
      secret,
      blinding: randomField(),
      pathBits: zeros,
      siblings: zeros,
      nullifier: nullifier(secret, 0),
    });
  }
  const change = balanceOf(spend) - needed;
  const self = { ownerKey: p.keys.ownerKey, viewPublic: p.keys.viewPublic };
  const outs = [
    { value: p.amount, to: p.to ?? self, blinding: randomField() },
    { value: change, to: self, blinding: randomField() },
  ];
  const encryptedNotes = outs.map((o) =>
    encryptNote({ value: o.value, blinding: fieldToBytes(o.blinding) }, o.to.viewPublic),
  );
  const commitments = outs.map((o) => noteCommitment(o.value, o.to.ownerKey, o.blinding));
  const oneTime = ed25519KeyFromSeed(randomBytes(32));
  const to = p.withdrawTo ?? ZERO_ADDRESS;
  const binding = shieldedBinding(p.chainId, oneTime.publicKey, to, encryptedNotes);
  const root = tree.root();
  const { proof } = await prove(
    "transfer",
    {
      root: dec(root),
      nullifiers: inputs.map((i) => dec(i.nullifier)),
      outCommitments: commitments.map(dec),
      fee: dec(fee),
      withdrawal: dec(p.withdrawal),
      binding: dec(binding),
      inValue: inputs.map((i) => dec(i.value)),
      inSecret: inputs.map((i) => dec(i.secret)),
      inBlinding: inputs.map((i) => dec(i.blinding)),
      inPathBits: inputs.map((i) => i.pathBits),
      inSiblings: inputs.map((i) => i.siblings),
      outValue: outs.map((o) => dec(o.value)),
      outOwnerKey: outs.map((o) => dec(o.to.ownerKey)),
      outBlinding: outs.map((o) => dec(o.blinding)),
    },
    p.onProgress,
  );
  const body = {
    chainId: p.chainId,
    from: oneTime.publicKey,
    to,
    amount: p.withdrawal,
    nonce: 1n,
    gasLimit: SHIELDED_GAS.transfer,
    gasPrice: p.gasPrice,
    root: fieldToBytes(root),
    nullifiers: inputs.map((i) => fieldToBytes(i.nullifier)),
    commitments: commitments.map(fieldToBytes),
    encryptedNotes,
    proof,
  };
  return { body, oneTimeKey: oneTime };
}
