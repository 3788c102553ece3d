/**
 * Vault: holds deposits of one token contract, to show cross-contract calls. A depositor first
 * approves the vault on the token, then deposits; withdrawals pay back from the vault's own
 * token balance. A failing token call reverts the vault too, so both stay consistent.
 *
 *   init(token bytes32)         the token contract this vault holds
 *   deposit(amount u64) -> u64  token.transferFrom(caller, vault, amount); returns the caller's deposit
 *   withdraw(amount u64) -> u64 token.transfer(caller, amount); returns the caller's deposit
 *   depositOf(addr bytes32) -> u64
 *   held() -> u64               token.balanceOf(vault), read through a call's return data
 *
 * Events: "Deposit" and "Withdraw" (who bytes32, amount u64).
 */

import {
  caller,
  callOrRevert,
  emit,
  ensure,
  getBytes32,
  getU64,
  input,
  key,
  Reader,
  revert,
  selfId,
  setBytes32,
  setReturn,
  setU64,
  skey,
  Writer,
} from "../sdk";

const TOKEN = skey("token");

function token(): Uint8Array {
  const id = getBytes32(TOKEN);
  if (id === null) {
    revert("vault: not initialised");
    return new Uint8Array(0);
  }
  return id;
}

function depositKey(who: Uint8Array): Uint8Array {
  return key("dep:", who);
}

export function init(): void {
  const args = new Reader(input());
  const id = args.bytes32();
  args.end();
  setBytes32(TOKEN, id);
}

export function deposit(): void {
  const args = new Reader(input());
  const amount = args.u64();
  args.end();
  const who = caller();
  // The token sees the vault as its caller, so this spends the allowance `who` gave the vault.
  callOrRevert(token(), "transferFrom", new Writer().bytes32(who).bytes32(selfId()).u64(amount).finish());
  const total = getU64(depositKey(who)) + amount;
  setU64(depositKey(who), total);
  emit("Deposit", new Writer().bytes32(who).u64(amount).finish());
  setReturn(new Writer().u64(total).finish());
}

export function withdraw(): void {
  const args = new Reader(input());
  const amount = args.u64();
  args.end();
  const who = caller();
  const before = getU64(depositKey(who));
  ensure(before >= amount, "vault: withdrawal exceeds deposit");
  // Debit before paying out (checks, effects, then the call), so a callee that called back
  // into the vault would already see the reduced deposit.
  setU64(depositKey(who), before - amount);
  callOrRevert(token(), "transfer", new Writer().bytes32(who).u64(amount).finish());
  emit("Withdraw", new Writer().bytes32(who).u64(amount).finish());
  setReturn(new Writer().u64(before - amount).finish());
}

export function depositOf(): void {
  const args = new Reader(input());
  const who = args.bytes32();
  args.end();
  setReturn(new Writer().u64(getU64(depositKey(who))).finish());
}

export function held(): void {
  const out = callOrRevert(token(), "balanceOf", new Writer().bytes32(selfId()).finish());
  const r = new Reader(out);
  const amount = r.u64();
  r.end();
  setReturn(new Writer().u64(amount).finish());
}
