import { describe, expect, it } from "vitest";
import { Writer } from "../../protocol/codec.js";
import { domainHash, hash, merkleRoot } from "../../protocol/hash.js";
import {
  type Account,
  AccountState,
  decodeAccount,
  EMPTY_ACCOUNT,
  encodeAccount,
  StateOverlay,
  U64_MAX,
} from "../../protocol/state.js";
import { bytes, expectCode } from "./fixtures.js";

const addr = (n: number) => bytes(32, n);

/** The documented composition: domainHash("state-root", accountsRoot ‖ entriesRoot). */
function stateRootOf(accountsRoot: Uint8Array, entriesRoot: Uint8Array): Uint8Array {
  const both = new Uint8Array(64);
  both.set(accountsRoot, 0);
  both.set(entriesRoot, 32);
  return domainHash("state-root", both);
}
const acct = (balance: bigint, nonce = 0n): Account => ({ balance, nonce });
const entries: Array<[Uint8Array, Account]> = [
  [addr(3), acct(300n, 1n)],
  [addr(1), acct(100n)],
  [addr(2), acct(200n, 5n)],
];

describe("account records", () => {
  it("encode to 16 little-endian bytes and round trip", () => {
    const a = acct(U64_MAX, 7n);
    const enc = encodeAccount(a);
    expect(enc.length).toBe(16);
    expect(enc[8]).toBe(7);
    expect(decodeAccount(enc)).toEqual(a);
    expectCode(() => decodeAccount(new Uint8Array(15)), "DECODE_INVALID_VALUE");
  });
});

describe("AccountState", () => {
  it("the empty state's root combines two empty Merkle roots; unknown accounts read as empty", () => {
    const s = new AccountState();
    expect(s.root()).toEqual(stateRootOf(merkleRoot([]), merkleRoot([])));
    expect(s.getAccount(addr(9))).toEqual(EMPTY_ACCOUNT);
    expect(s.size).toBe(0);
  });

  it("the root does not depend on insertion order", () => {
    const a = AccountState.from(entries);
    const b = AccountState.from([...entries].reverse());
    const c = AccountState.from([entries[1]!, entries[2]!, entries[0]!]);
    expect(a.root()).toEqual(b.root());
    expect(a.root()).toEqual(c.root());
  });

  it("the root changes with any balance, nonce or address", () => {
    const r = AccountState.from(entries).root();
    const variants: Array<Array<[Uint8Array, Account]>> = [
      [[addr(3), acct(301n, 1n)], entries[1]!, entries[2]!],
      [[addr(3), acct(300n, 2n)], entries[1]!, entries[2]!],
      [[addr(4), acct(300n, 1n)], entries[1]!, entries[2]!],
      [entries[1]!, entries[2]!],
    ];
    for (const v of variants) expect(AccountState.from(v).root()).not.toEqual(r);
  });

  it("the accounts part is a Merkle root over (address, balance, nonce) leaves sorted by address", () => {
    const leaf = (a: Uint8Array, x: Account) => {
      const out = new Uint8Array(48);
      out.set(a, 0);
      out.set(encodeAccount(x), 32);
      return out;
    };
    const expected = merkleRoot([
      leaf(addr(1), acct(100n)),
      leaf(addr(2), acct(200n, 5n)),
      leaf(addr(3), acct(300n, 1n)),
    ]);
    expect(AccountState.from(entries).root()).toEqual(stateRootOf(expected, merkleRoot([])));
  });

  it("rootWith(overlay) equals the root after committing the overlay", () => {
    const s = AccountState.from(entries);
    const before = s.root();
    const o = new StateOverlay(s);
    o.setAccount(addr(1), acct(50n, 1n)); // existing account
    o.setAccount(addr(0), acct(7n)); // new account sorting first
    const predicted = s.rootWith(o);
    expect(s.root()).toEqual(before);
    expect(predicted).not.toEqual(before);
    const changes = s.commit(o);
    expect(changes.length).toBe(2);
    expect(s.root()).toEqual(predicted);
    expect(s.size).toBe(4);
    const fresh = AccountState.from([
      ...entries.slice(0, 1),
      [addr(1), acct(50n, 1n)],
      entries[2]!,
      [addr(0), acct(7n)],
    ]);
    expect(fresh.root()).toEqual(predicted);
  });

  it("rootWith an empty overlay is the current root", () => {
    const s = AccountState.from(entries);
    expect(s.rootWith(new StateOverlay(s))).toEqual(s.root());
  });

  it("returns a fresh root: mutating it cannot corrupt the cached root", () => {
    const s = AccountState.from(entries);
    const r = s.root();
    const expected = r.slice();
    r.fill(0);
    expect(s.root()).toEqual(expected);
  });

  it("a second commit updates a cached root", () => {
    const s = AccountState.from(entries);
    const r0 = s.root();
    const o = new StateOverlay(s);
    o.setAccount(addr(2), acct(201n, 5n));
    s.commit(o);
    const r1 = s.root();
    expect(r1).not.toEqual(r0);
    const back = new StateOverlay(s);
    back.setAccount(addr(2), acct(200n, 5n));
    s.commit(back);
    expect(s.root()).toEqual(r0);
  });
});

describe("StateOverlay", () => {
  it("reads through to the base and never writes to it", () => {
    const s = AccountState.from(entries);
    const o = new StateOverlay(s);
    expect(o.getAccount(addr(2))).toEqual(acct(200n, 5n));
    o.setAccount(addr(2), acct(1n, 6n));
    o.setAccount(addr(8), acct(8n));
    expect(o.getAccount(addr(2))).toEqual(acct(1n, 6n));
    expect(s.getAccount(addr(2))).toEqual(acct(200n, 5n));
    expect(s.getAccount(addr(8))).toEqual(EMPTY_ACCOUNT);
    expect(s.size).toBe(3);
  });

  it("keeps one change per address, the last one", () => {
    const o = new StateOverlay(new AccountState());
    o.setAccount(addr(1), acct(1n));
    o.setAccount(addr(1).slice(), acct(2n));
    expect(o.changes()).toEqual([[addr(1), acct(2n)]]);
  });

  it("refuses values outside u64 with BLOCK_INVALID", () => {
    const o = new StateOverlay(new AccountState());
    expectCode(() => o.setAccount(addr(1), acct(-1n)), "BLOCK_INVALID");
    expectCode(() => o.setAccount(addr(1), acct(U64_MAX + 1n)), "BLOCK_INVALID");
    expectCode(() => o.setAccount(addr(1), acct(0n, U64_MAX + 1n)), "BLOCK_INVALID");
    expect(o.changes()).toEqual([]);
  });
});

describe("contract-state entries", () => {
  const k = (n: number) => bytes(33, n);
  const v = (n: number) => bytes(5, n);
  const entryLeaf = (key: Uint8Array, value: Uint8Array) =>
    new Writer(80).bytes(key, 1_000).fixed(hash(value), 32).finish();

  it("the entries part is a Merkle root over (key, hash(value)) leaves sorted by key", () => {
    const s = AccountState.from(entries, [
      [k(2), v(20)],
      [k(1), v(10)],
    ]);
    const accounts = merkleRoot(
      [...entries]
        .sort((a, b) => a[0][0]! - b[0][0]!)
        .map(([a, x]) => {
          const out = new Uint8Array(48);
          out.set(a, 0);
          out.set(encodeAccount(x), 32);
          return out;
        }),
    );
    expect(s.root()).toEqual(
      stateRootOf(accounts, merkleRoot([entryLeaf(k(1), v(10)), entryLeaf(k(2), v(20))])),
    );
    expect(s.getEntry(k(2))).toEqual(v(20));
    expect(s.getEntry(k(3))).toBeUndefined();
  });

  it("rootWith equals commit for sets and deletes; restoreEntries undoes a commit", () => {
    const s = AccountState.from(entries, [[k(1), v(10)]]);
    const r0 = s.root();
    const o = new StateOverlay(s);
    o.setEntry(k(2), v(20));
    o.setEntry(k(1), null);
    expect(o.getEntry(k(1))).toBeUndefined();
    const predicted = s.rootWith(o);
    const undo = s.snapshotEntries(o.entryChanges().map(([key]) => key));
    s.commit(o);
    expect(s.root()).toEqual(predicted);
    expect(s.getEntry(k(1))).toBeUndefined();
    s.restoreEntries(undo);
    expect(s.root()).toEqual(r0);
    expect(s.getEntry(k(1))).toEqual(v(10));
  });

  it("nested overlays merge into their parent or are dropped without a trace", () => {
    const s = AccountState.from(entries);
    const parent = new StateOverlay(s);
    const kept = new StateOverlay(parent);
    kept.setEntry(k(1), v(1));
    kept.setAccount(addr(9), acct(9n));
    const dropped = new StateOverlay(parent);
    dropped.setEntry(k(2), v(2));
    kept.mergeInto(parent);
    expect(parent.getEntry(k(1))).toEqual(v(1));
    expect(parent.getEntry(k(2))).toBeUndefined();
    expect(parent.getAccount(addr(9))).toEqual(acct(9n));
    expect(s.getEntry(k(1))).toBeUndefined();
  });

  it("refuses an entry key above the bound with STATE_KEY_TOO_LONG", () => {
    const o = new StateOverlay(new AccountState());
    expectCode(() => o.setEntry(new Uint8Array(1 + 32 + 257), v(1)), "STATE_KEY_TOO_LONG");
  });
});
