// The compiled example contracts (contracts/examples, built with asc at test time) deployed and
// called through the real contract runtime (workers/executor/contracts/runtime.ts): signed
// Deploy and Call transactions applied to ledger state, reads through queryContract. Prints the
// gas used per token transfer.
import { beforeAll, describe, expect, it } from "vitest";
import { AbiReader, AbiWriter } from "../../contracts/abi";
import { buildExample, compileAssemblyScript } from "../../contracts/build";
import { ABORT_IMPORT, formatSignature, HOST_FUNCTIONS } from "../../contracts/host-abi";
import { blsKeyFromSeed, blsSign } from "../../protocol/bls.js";
import { CONTRACT_GAS } from "../../protocol/contract-gas.js";
import type { Ed25519KeyPair } from "../../protocol/ed25519.js";
import type { Receipt } from "../../protocol/receipt.js";
import { AccountState, StateOverlay } from "../../protocol/state.js";
import { contractIdOf, signCall, signDeploy } from "../../protocol/transaction.js";
import type { Frame } from "../../workers/executor/contracts/frame.js";
import { HOST_FUNCTION_NAMES, hostImports } from "../../workers/executor/contracts/host-functions.js";
import { applyCall, applyDeploy, queryContract } from "../../workers/executor/contracts/runtime.js";
import { typeName } from "../../workers/executor/wasm/types.js";
import { alice, bob, CHAIN_ID, carol, EXEC } from "./fixtures.js";

const COMPILE_TIMEOUT_MS = 240_000;
const BLOCK = { chainId: CHAIN_ID, height: 7, timestampMs: 1_700_000_000_000 };
const ENV = { block: BLOCK, params: EXEC };
const GAS_PRICE = 1n;
const GAS_LIMIT = 20_000_000n;
const FUNDS = 10_000_000_000n;
const code: Record<string, Uint8Array> = {};

beforeAll(async () => {
  for (const name of ["counter", "token", "vault"]) code[name] = (await buildExample(name)).wasm;
  code.probe = (await compileAssemblyScript("contracts/tests/probe.ts")).wasm;
}, COMPILE_TIMEOUT_MS);

const enc = () => new AbiWriter();
const NONE = new Uint8Array(0);
const u64Of = (data: Uint8Array): bigint => {
  const r = new AbiReader(data);
  const v = r.u64();
  r.end();
  return v;
};
const text = (b: Uint8Array): string => new TextDecoder().decode(b);

/** Ledger state plus each sender's next nonce; every transaction is signed and committed. */
class Ledger {
  readonly state = AccountState.from(
    [alice, bob, carol].map((k) => [k.publicKey, { balance: FUNDS, nonce: 0n }] as const),
  );

  private nextNonce(from: Ed25519KeyPair): bigint {
    return new StateOverlay(this.state).getAccount(from.publicKey).nonce + 1n;
  }

  deploy(
    from: Ed25519KeyPair,
    wasm: Uint8Array,
    init: Uint8Array = NONE,
  ): { id: Uint8Array; receipt: Receipt } {
    const nonce = this.nextNonce(from);
    const tx = signDeploy(from.secretKey, {
      chainId: CHAIN_ID,
      from: from.publicKey,
      amount: 0n,
      nonce,
      gasLimit: GAS_LIMIT,
      gasPrice: GAS_PRICE,
      code: wasm,
      init,
    });
    const overlay = new StateOverlay(this.state);
    const receipt = applyDeploy(tx, overlay, ENV);
    this.state.commit(overlay);
    return { id: contractIdOf(from.publicKey, nonce), receipt };
  }

  call(from: Ed25519KeyPair, contract: Uint8Array, fn: string, input: Uint8Array, amount = 0n): Receipt {
    const tx = signCall(from.secretKey, {
      chainId: CHAIN_ID,
      from: from.publicKey,
      contract,
      fn,
      input,
      amount,
      nonce: this.nextNonce(from),
      gasLimit: GAS_LIMIT,
      gasPrice: GAS_PRICE,
    });
    const overlay = new StateOverlay(this.state);
    const receipt = applyCall(tx, overlay, ENV);
    this.state.commit(overlay);
    return receipt;
  }

  /** A read-only call: result only, nothing committed, no fee. */
  query(contract: Uint8Array, fn: string, input: Uint8Array = NONE): Uint8Array {
    const q = queryContract(this.state, { contract, fn, input, gas: 10_000_000 }, ENV);
    if (!q.ok) throw new Error(`query ${fn} failed: ${q.error?.message}`);
    return q.returnData;
  }

  balance(who: Ed25519KeyPair | Uint8Array): bigint {
    return new StateOverlay(this.state).getAccount(who instanceof Uint8Array ? who : who.publicKey).balance;
  }
}

const intrinsicCallGas = (input: Uint8Array): bigint =>
  BigInt(CONTRACT_GAS.txBase + CONTRACT_GAS.inputPerByte * input.length);

describe("examples through the contract runtime", () => {
  it("the runtime resolves exactly the SDK's host functions, with the same types", () => {
    expect([...HOST_FUNCTION_NAMES].sort()).toEqual(Object.keys(HOST_FUNCTIONS).sort());
    // The resolver only builds function objects; the frame is touched when one is called.
    const resolve = hostImports({} as Frame);
    const typeOf = (module: string, name: string): string => {
      const e = resolve(module, name);
      if (e?.kind !== "func") return "missing";
      const t = e.value.type;
      return `(${t.params.map(typeName).join(", ")}) -> (${t.results.map(typeName).join(", ")})`;
    };
    for (const [name, sig] of Object.entries(HOST_FUNCTIONS))
      expect(typeOf("dusk", name), name).toBe(formatSignature(sig));
    expect(typeOf(ABORT_IMPORT.module, ABORT_IMPORT.name)).toBe(formatSignature(ABORT_IMPORT.signature));
    expect(resolve("env", "seed")).toBeUndefined();
  });

  it("counter: deploy runs init, increment returns and emits, get reads, overflow reverts", () => {
    const l = new Ledger();
    const { id, receipt } = l.deploy(alice, code.counter as Uint8Array);
    expect(receipt).toMatchObject({ status: "success", error: null });
    expect(u64Of(l.query(id, "get"))).toBe(0n);
    const r = l.call(bob, id, "increment", enc().u64(9n).finish());
    expect(r.status).toBe("success");
    expect(u64Of(r.returnData)).toBe(9n);
    expect(r.events.map((e) => text(e.topic))).toEqual(["Incremented"]);
    const ev = new AbiReader(r.events[0]?.data as Uint8Array);
    expect([ev.u64(), ev.u64()]).toEqual([9n, 9n]);
    const over = l.call(
      bob,
      id,
      "increment",
      enc()
        .u64((1n << 64n) - 1n)
        .finish(),
    );
    expect(over).toMatchObject({ status: "reverted", events: [], error: { code: "CONTRACT_REVERTED" } });
    expect(over.error?.message).toBe("counter: overflow");
    expect(u64Of(l.query(id, "get"))).toBe(9n);
  });

  it("token: mint to the deployer, transfers, a revert on insufficient balance; gas per transfer", () => {
    const l = new Ledger();
    const { id, receipt } = l.deploy(
      alice,
      code.token as Uint8Array,
      enc().u64(1_000_000n).string("Dusk Edge Token").string("DET").finish(),
    );
    expect(receipt.status).toBe("success");
    const balanceOf = (who: Ed25519KeyPair) =>
      u64Of(l.query(id, "balanceOf", enc().bytes32(who.publicKey).finish()));
    expect([balanceOf(alice), u64Of(l.query(id, "totalSupply"))]).toEqual([1_000_000n, 1_000_000n]);
    expect(new AbiReader(l.query(id, "symbol")).string()).toBe("DET");

    const transfer = (to: Ed25519KeyPair, amount: bigint) => enc().bytes32(to.publicKey).u64(amount).finish();
    const aliceFunds = l.balance(alice);
    const input = transfer(bob, 250n);
    const first = l.call(alice, id, "transfer", input);
    expect(first.status).toBe("success");
    expect([balanceOf(alice), balanceOf(bob)]).toEqual([999_750n, 250n]);
    expect(text(first.events[0]?.topic as Uint8Array)).toBe("Transfer");
    // The fee is exactly the gas used at gas price 1.
    expect(l.balance(alice)).toBe(aliceFunds - first.gasUsed * GAS_PRICE);
    // To a recipient that already holds tokens the contract reads 8 more bytes and takes another
    // code path, so the gas differs from the first transfer; between two such transfers it is
    // identical (gas depends only on what the code does).
    const second = l.call(alice, id, "transfer", transfer(bob, 100n));
    const third = l.call(alice, id, "transfer", transfer(bob, 1n));
    expect(second.status).toBe("success");
    expect(third.gasUsed).toBe(second.gasUsed);

    const short = l.call(bob, id, "transfer", transfer(carol, 352n));
    expect(short).toMatchObject({ status: "reverted", events: [], error: { code: "CONTRACT_REVERTED" } });
    expect(short.error?.message).toBe("token: insufficient balance");
    expect(text(short.returnData)).toBe("token: insufficient balance");
    expect([balanceOf(bob), balanceOf(carol)]).toEqual([351n, 0n]);

    const intrinsic = intrinsicCallGas(input);
    expect(first.gasUsed).toBeGreaterThan(intrinsic);
    console.log(
      `token.transfer through the runtime: ${first.gasUsed} gas to a new holder, ${second.gasUsed} to an existing one` +
        ` (intrinsic ${intrinsic} = 21000 + 16 x ${input.length} input bytes; contract execution` +
        ` ${first.gasUsed - intrinsic} and ${second.gasUsed - intrinsic});` +
        ` a reverted transfer (insufficient balance): ${short.gasUsed} gas; token deployment: ${receipt.gasUsed} gas` +
        ` for ${(code.token as Uint8Array).length} bytes of code`,
    );
  });

  it("vault: deposit and withdraw through nested calls into the token; a failing callee reverts both", () => {
    const l = new Ledger();
    const { id: token } = l.deploy(
      alice,
      code.token as Uint8Array,
      enc().u64(1000n).string("T").string("T").finish(),
    );
    const { id: vault, receipt } = l.deploy(alice, code.vault as Uint8Array, enc().bytes32(token).finish());
    expect(receipt.status).toBe("success");
    const tokenBalance = (who: Uint8Array) => u64Of(l.query(token, "balanceOf", enc().bytes32(who).finish()));

    const denied = l.call(alice, vault, "deposit", enc().u64(10n).finish());
    expect(denied.error?.message).toBe("transferFrom: token: allowance exceeded");
    expect(l.call(alice, token, "approve", enc().bytes32(vault).u64(600n).finish()).status).toBe("success");
    const dep = l.call(alice, vault, "deposit", enc().u64(600n).finish());
    expect(dep.status).toBe("success");
    expect(u64Of(dep.returnData)).toBe(600n);
    expect(dep.events.map((e) => text(e.topic))).toEqual(["Transfer", "Deposit"]);
    expect([tokenBalance(alice.publicKey), tokenBalance(vault)]).toEqual([400n, 600n]);
    expect(u64Of(l.query(vault, "held"))).toBe(600n);

    const wd = l.call(alice, vault, "withdraw", enc().u64(200n).finish());
    expect(u64Of(wd.returnData)).toBe(400n);
    expect([tokenBalance(alice.publicKey), tokenBalance(vault)]).toEqual([600n, 400n]);
    const over = l.call(bob, vault, "withdraw", enc().u64(1n).finish());
    expect(over.error?.message).toBe("vault: withdrawal exceeds deposit");
    console.log(
      `vault.deposit (a nested token.transferFrom): ${dep.gasUsed} gas; vault.withdraw (nested token.transfer): ${wd.gasUsed} gas`,
    );
  });

  it("probe: the SDK's context, storage, hashes, nested call, BLS and abort against the real host functions", () => {
    const l = new Ledger();
    const { id } = l.deploy(alice, code.probe as Uint8Array);
    const r = l.call(bob, id, "context", NONE, 77n);
    expect(r.status).toBe("success");
    const c = new AbiReader(r.returnData);
    expect([c.bytes32(), c.bytes32(), c.bytes32()]).toEqual([bob.publicKey, bob.publicKey, id]);
    expect([c.u64(), c.u64(), c.u64(), c.u64()]).toEqual([77n, 77n, 7n, 1_700_000_000_000n]);
    expect(c.string()).toBe(CHAIN_ID);
    const gasLeft = c.u64();
    expect(gasLeft > 0n && gasLeft < GAS_LIMIT).toBe(true);

    const long = new Uint8Array(3000).map((_, i) => (i * 13) & 0xff);
    const kv = new AbiReader(
      l.call(
        bob,
        id,
        "kv",
        enc()
          .u8(0)
          .bytes(new Uint8Array([1]))
          .bytes(long)
          .finish(),
      ).returnData,
    );
    expect([kv.bool(), kv.bytes()]).toEqual([true, long]);

    const h = new AbiReader(
      l.call(bob, id, "hashes", enc().bytes(new TextEncoder().encode("abc")).finish()).returnData,
    );
    h.bytes32();
    expect(Buffer.from(h.bytes32()).toString("hex")).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );

    const a = l.call(bob, id, "assertion", NONE);
    expect(a).toMatchObject({ status: "reverted", error: { code: "CONTRACT_REVERTED" } });
    expect(a.error?.message).toMatch(/^abort: probe: assertion message/);
    const f = l.call(bob, id, "fail", enc().string("why ✓").finish());
    expect(f.error).toEqual({ code: "CONTRACT_REVERTED", message: "why ✓" });

    // A nested call: the callee sees the probe as caller, the sender as origin, and the value.
    const { id: inner } = l.deploy(alice, code.probe as Uint8Array);
    const fwd = new AbiReader(
      l.call(bob, id, "forward", enc().bytes32(inner).string("context").bytes(NONE).u64(30n).finish())
        .returnData,
    );
    expect(fwd.bool()).toBe(true);
    const n = new AbiReader(fwd.bytes());
    expect([n.bytes32(), n.bytes32(), n.bytes32(), n.u64()]).toEqual([id, bob.publicKey, inner, 30n]);
    expect(l.balance(inner)).toBe(30n);

    // BLS through the host: a real signature verifies, a wrong message does not.
    const bk = blsKeyFromSeed(new Uint8Array(32).fill(5));
    const msg = new TextEncoder().encode("vote");
    const sig = blsSign(bk.secretKey, msg);
    const bls = (m: Uint8Array) =>
      new AbiReader(
        l.call(bob, id, "bls", enc().bytes(bk.publicKey).bytes(m).bytes(sig).bool(false).finish()).returnData,
      ).bool();
    expect([bls(msg), bls(new TextEncoder().encode("other"))]).toEqual([true, false]);

    const rt = l.call(
      bob,
      id,
      "roundtrip",
      enc()
        .u8(255)
        .bool(false)
        .u32(7)
        .u64(41n)
        .i64(-5n)
        .bytes32(alice.publicKey)
        .bytes(long)
        .string("é")
        .finish(),
    );
    const o = new AbiReader(rt.returnData);
    expect([o.u8(), o.bool(), o.u32(), o.u64(), o.i64()]).toEqual([0, true, 8, 42n, -6n]);
    expect(o.bytes32()).toEqual(alice.publicKey.slice().reverse());
    expect([o.u32(), o.bytes(), o.string()]).toEqual([3000, long, "é✓"]);
  });
});
