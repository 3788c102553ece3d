/**
 * Fungible token: a fixed supply minted to the deployer, balances and allowances in storage.
 * Amounts are u64 (the token's smallest unit).
 *
 *   init(supply u64, name string, symbol string)  mints `supply` to the deployer
 *   transfer(to bytes32, amount u64)              from the caller; reverts on insufficient balance
 *   approve(spender bytes32, amount u64)          sets what `spender` may move from the caller
 *   transferFrom(from bytes32, to bytes32, amount u64)  moves within the caller's allowance
 *   balanceOf(addr bytes32) -> u64, allowance(owner bytes32, spender bytes32) -> u64,
 *   totalSupply() -> u64, name() -> string, symbol() -> string
 *
 * Events: "Transfer" (from bytes32, to bytes32, amount u64), the mint from 32 zero bytes;
 * "Approval" (owner bytes32, spender bytes32, amount u64).
 */

import {
  caller,
  emit,
  ensure,
  getString,
  getU64,
  input,
  key,
  Reader,
  setReturn,
  setString,
  setU64,
  skey,
  Writer,
} from "../sdk";

const SUPPLY = skey("supply");
const NAME = skey("name");
const SYMBOL = skey("symbol");

function balanceKey(owner: Uint8Array): Uint8Array {
  return key("bal:", owner);
}

function allowanceKey(owner: Uint8Array, spender: Uint8Array): Uint8Array {
  const both = new Uint8Array(64);
  both.set(owner, 0);
  both.set(spender, 32);
  return key("allow:", both);
}

/** Moves `amount` from `from` to `to`; `from` is read and written first so from == to is a no-op. */
function move(from: Uint8Array, to: Uint8Array, amount: u64): void {
  const fromBalance = getU64(balanceKey(from));
  ensure(fromBalance >= amount, "token: insufficient balance");
  setU64(balanceKey(from), fromBalance - amount);
  // Cannot overflow: every balance is part of the fixed supply, itself a u64.
  setU64(balanceKey(to), getU64(balanceKey(to)) + amount);
  emit("Transfer", new Writer().bytes32(from).bytes32(to).u64(amount).finish());
}

function returnU64(v: u64): void {
  setReturn(new Writer().u64(v).finish());
}

export function init(): void {
  const args = new Reader(input());
  const supply = args.u64();
  const name = args.string();
  const symbol = args.string();
  args.end();
  // At deployment the caller is the deploying account.
  const owner = caller();
  setU64(SUPPLY, supply);
  setString(NAME, name);
  setString(SYMBOL, symbol);
  setU64(balanceKey(owner), supply);
  emit("Transfer", new Writer().bytes32(new Uint8Array(32)).bytes32(owner).u64(supply).finish());
}

export function transfer(): void {
  const args = new Reader(input());
  const to = args.bytes32();
  const amount = args.u64();
  args.end();
  move(caller(), to, amount);
}

export function approve(): void {
  const args = new Reader(input());
  const spender = args.bytes32();
  const amount = args.u64();
  args.end();
  const owner = caller();
  setU64(allowanceKey(owner, spender), amount);
  emit("Approval", new Writer().bytes32(owner).bytes32(spender).u64(amount).finish());
}

export function transferFrom(): void {
  const args = new Reader(input());
  const from = args.bytes32();
  const to = args.bytes32();
  const amount = args.u64();
  args.end();
  const k = allowanceKey(from, caller());
  const allowed = getU64(k);
  ensure(allowed >= amount, "token: allowance exceeded");
  setU64(k, allowed - amount);
  move(from, to, amount);
}

export function balanceOf(): void {
  const args = new Reader(input());
  const owner = args.bytes32();
  args.end();
  returnU64(getU64(balanceKey(owner)));
}

export function allowance(): void {
  const args = new Reader(input());
  const owner = args.bytes32();
  const spender = args.bytes32();
  args.end();
  returnU64(getU64(allowanceKey(owner, spender)));
}

export function totalSupply(): void {
  returnU64(getU64(SUPPLY));
}

export function name(): void {
  const v = getString(NAME);
  setReturn(new Writer().string(v === null ? "" : v).finish());
}

export function symbol(): void {
  const v = getString(SYMBOL);
  setReturn(new Writer().string(v === null ? "" : v).finish());
}
