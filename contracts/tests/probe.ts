/**
 * Test contract (not an example): one entry per group of SDK wrappers, so that a test host can
 * check that every host function is imported with the ABI's type and that each wrapper passes
 * and returns the right bytes. Used by test/unit/contracts-sdk.test.ts.
 */

import {
  balance,
  blake3,
  blockHeight,
  blockTimestamp,
  blsVerify,
  blsVerifyAggregate,
  CallResult,
  callContract,
  caller,
  chainId,
  deleteKey,
  emit,
  gasLeft,
  getBytes,
  hasKey,
  input,
  origin,
  poseidon,
  Reader,
  revert,
  selfId,
  setBytes,
  setReturn,
  sha256,
  transfer,
  value,
  verifyGroth16,
  verifyPlonk,
  Writer,
} from "../sdk";

/** -> caller, origin, self (bytes32 each), value, balance(self), height, timestamp (u64), chain id (string), gas left (u64). */
export function context(): void {
  const w = new Writer().bytes32(caller()).bytes32(origin()).bytes32(selfId());
  w.u64(value()).u64(balance(selfId())).u64(blockHeight()).u64(blockTimestamp());
  setReturn(w.string(chainId()).u64(gasLeft()).finish());
}

/** (to bytes32, amount u64) -> bool paid */
export function pay(): void {
  const r = new Reader(input());
  const to = r.bytes32();
  const amount = r.u64();
  r.end();
  setReturn(new Writer().bool(transfer(to, amount)).finish());
}

/** (op u8, key bytes, value bytes): 0 set, 1 delete; -> (present bool, value bytes) after the op */
export function kv(): void {
  const r = new Reader(input());
  const op = r.u8();
  const k = r.bytes();
  const v = r.bytes();
  r.end();
  if (op === 0) setBytes(k, v);
  else if (op === 1) deleteKey(k);
  const got = getBytes(k);
  const w = new Writer().bool(hasKey(k));
  setReturn(w.bytes(got === null ? new Uint8Array(0) : got).finish());
}

/** (topic string, data bytes): emits it */
export function event(): void {
  const r = new Reader(input());
  const topic = r.string();
  const data = r.bytes();
  r.end();
  emit(topic, data);
}

/** (data bytes) -> blake3, sha256 (bytes32 each) */
export function hashes(): void {
  const r = new Reader(input());
  const data = r.bytes();
  r.end();
  setReturn(new Writer().bytes32(blake3(data)).bytes32(sha256(data)).finish());
}

/** (elements bytes) -> (ok bool, hash bytes32 or 32 zero bytes) */
export function hashPoseidon(): void {
  const r = new Reader(input());
  const h = poseidon(r.bytes());
  r.end();
  setReturn(
    new Writer()
      .bool(h !== null)
      .bytes32(h === null ? new Uint8Array(32) : h)
      .finish(),
  );
}

/** (pks bytes, msg bytes, sig bytes, aggregate bool) -> bool */
export function bls(): void {
  const r = new Reader(input());
  const pks = r.bytes();
  const msg = r.bytes();
  const sig = r.bytes();
  const aggregate = r.bool();
  r.end();
  setReturn(
    new Writer().bool(aggregate ? blsVerifyAggregate(pks, msg, sig) : blsVerify(pks, msg, sig)).finish(),
  );
}

/** (plonk bool, vk bytes, proof bytes, inputs bytes) -> bool */
export function zk(): void {
  const r = new Reader(input());
  const plonk = r.bool();
  const vk = r.bytes();
  const proof = r.bytes();
  const inputs = r.bytes();
  r.end();
  setReturn(
    new Writer().bool(plonk ? verifyPlonk(vk, proof, inputs) : verifyGroth16(vk, proof, inputs)).finish(),
  );
}

/** (id bytes32, fn string, input bytes, value u64) -> (ok bool, data bytes) */
export function forward(): void {
  const r = new Reader(input());
  const id = r.bytes32();
  const fn = r.string();
  const data = r.bytes();
  const v = r.u64();
  r.end();
  const res: CallResult = callContract(id, fn, data, v);
  setReturn(new Writer().bool(res.ok).bytes(res.data).finish());
}

/** (message string): reverts with it */
export function fail(): void {
  const r = new Reader(input());
  revert(r.string());
}

/** Fails an assertion: AssemblyScript's abort, which the host turns into a revert. */
export function assertion(): void {
  assert(input().length === 1000, "probe: assertion message");
}

/**
 * Codec round trip: (u8, bool, u32, u64, i64, bytes32, bytes, string) -> each value changed in a
 * way that needs it decoded correctly: u8+1, !bool, u32+1, u64+1, i64-1 (all wrapping),
 * bytes32 reversed, (bytes length u32, bytes), string + "✓".
 */
export function roundtrip(): void {
  const r = new Reader(input());
  const a = r.u8();
  const b = r.bool();
  const c = r.u32();
  const d = r.u64();
  const e = r.i64();
  const f = r.bytes32();
  const g = r.bytes();
  const h = r.string();
  r.end();
  const w = new Writer()
    .u8(a + 1)
    .bool(!b)
    .u32(c + 1)
    .u64(d + 1)
    .i64(e - 1);
  w.bytes32(f.reverse())
    .u32(<u32>g.length)
    .bytes(g);
  setReturn(w.string(`${h}✓`).finish());
}
