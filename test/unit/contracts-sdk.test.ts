// Contract SDK (contracts/sdk) and examples: compiled with asc at test time (cached), checked
// against the host ABI table of docs/CONTRACTS.md, and run in Node's native WebAssembly
// against the reference host of contracts-ref-host.ts.
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { blake3 } from "@noble/hashes/blake3.js";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { AbiError, AbiReader, AbiWriter } from "../../contracts/abi";
import { buildExample, compileAssemblyScript, exampleNames, ROOT } from "../../contracts/build";
import {
  ABORT_IMPORT,
  checkContractModule,
  formatSignature,
  HOST_FUNCTIONS,
  HOST_MODULE,
} from "../../contracts/host-abi";
import { aggregateSignatures, blsKeyFromSeed, blsSign } from "../../protocol/bls";
import { WasmVm } from "../../workers/executor/wasm/index";
import { compileNative, hex, RefHost } from "./contracts-ref-host";

const COMPILE_TIMEOUT_MS = 240_000;

interface Wabt {
  parseWat(name: string, text: string): { toBinary(o: object): { buffer: Uint8Array }; destroy(): void };
}
const wasm: Record<string, Uint8Array> = {};

beforeAll(async () => {
  for (const name of exampleNames()) wasm[name] = (await buildExample(name)).wasm;
  wasm.probe = (await compileAssemblyScript("contracts/tests/probe.ts")).wasm;
}, COMPILE_TIMEOUT_MS);

const addr = (n: number): Uint8Array => new Uint8Array(32).fill(n);
const ALICE = addr(0xa1);
const BOB = addr(0xb0);
const CAROL = addr(0xc4);
const enc = () => new AbiWriter();
const u64Of = (data: Uint8Array): bigint => {
  const r = new AbiReader(data);
  const v = r.u64();
  r.end();
  return v;
};

/** The host function table of docs/CONTRACTS.md, parsed from the markdown. */
function docTable(): Record<string, string> {
  const doc = readFileSync(join(ROOT, "docs/CONTRACTS.md"), "utf8");
  const section = doc.slice(doc.indexOf("## Host functions"), doc.indexOf("## Gas"));
  const rows: Record<string, string> = {};
  for (const m of section.matchAll(/^\| `(\w+)` \| (.+?) \|/gm)) {
    const [, name, cell] = m as unknown as [string, string, string];
    const same = /^same as `(\w+)`/.exec(cell);
    if (same) {
      rows[name] = rows[same[1] as string] as string;
      continue;
    }
    const sig = /^`\(([^)]*)\)(?: -> (\w+))?`$/.exec(cell);
    if (!sig) throw new Error(`cannot parse the signature of ${name}: ${cell}`);
    const params = (sig[1] as string)
      .split(",")
      .map((p) => p.trim())
      .filter((p) => p !== "")
      .map((p) => (p.endsWith(": i64") ? "i64" : "i32"));
    rows[name] = `(${params.join(", ")}) -> (${sig[2] ?? ""})`;
  }
  return rows;
}

describe("host ABI", () => {
  it("HOST_FUNCTIONS is the table of docs/CONTRACTS.md", () => {
    const doc = docTable();
    expect(Object.keys(doc)).toHaveLength(28);
    const ours = Object.fromEntries(Object.entries(HOST_FUNCTIONS).map(([k, s]) => [k, formatSignature(s)]));
    expect(ours).toEqual(doc);
  });

  it("the probe contract imports every host function with the ABI's type, and env.abort", () => {
    const shape = checkContractModule(wasm.probe as Uint8Array);
    expect(shape.problems).toEqual([]);
    expect(new Set(shape.imports)).toEqual(
      new Set([
        ...Object.keys(HOST_FUNCTIONS).map((n) => `${HOST_MODULE}.${n}`),
        `${ABORT_IMPORT.module}.${ABORT_IMPORT.name}`,
      ]),
    );
  });

  it("every example is a valid contract: ABI imports only, memory exported, entries () -> ()", () => {
    expect(exampleNames()).toEqual(["counter", "token", "vault"]);
    for (const name of exampleNames()) {
      const shape = checkContractModule(wasm[name] as Uint8Array);
      expect(shape.problems, name).toEqual([]);
      expect(
        shape.imports.every((i) => i.startsWith("dusk.") || i === "env.abort"),
        name,
      ).toBe(true);
      // Native WebAssembly agrees on the module's shape (no SIMD or other feature we lack).
      const mod = compileNative(wasm[name] as Uint8Array);
      expect(WebAssembly.Module.exports(mod).map((e) => e.name)).toContain("memory");
    }
    expect(checkContractModule(wasm.token as Uint8Array).entries.sort()).toEqual(
      [
        "allowance",
        "approve",
        "balanceOf",
        "init",
        "name",
        "symbol",
        "totalSupply",
        "transfer",
        "transferFrom",
      ].sort(),
    );
  });

  it("checkContractModule reports a foreign import, a wrong host type, a bad entry, no memory", async () => {
    const wabt = await (createRequire(import.meta.url)("wabt") as () => Promise<Wabt>)();
    const m = wabt.parseWat(
      "bad.wat",
      `(module (import "env" "seed" (func)) (import "dusk" "value" (func (result i32)))
        (func (export "run") (param i32)))`,
    );
    const { problems } = checkContractModule(m.toBinary({}).buffer);
    m.destroy();
    expect(problems).toEqual([
      "import env.seed is not in the host ABI",
      "import dusk.value has type () -> (i32), the ABI says () -> (i64)",
      "entry run has type (i32) -> (), entries must be () -> ()",
      "memory is not exported as memory",
    ]);
  });

  it("every example and the probe compile in our interpreter (no feature it lacks)", () => {
    const vm = new WasmVm();
    for (const [name, bytes] of Object.entries(wasm)) expect(() => vm.compile(bytes), name).not.toThrow();
  });
});

describe("build cache", () => {
  it(
    "hits on unchanged sources; misses when an imported file changes or a file now shadows an import",
    async () => {
      // Sources under the repository (asc resolves paths relative to it), removed afterwards.
      mkdirSync(join(ROOT, "node_modules/.cache"), { recursive: true });
      const dir = mkdtempSync(join(ROOT, "node_modules/.cache/asc-cache-test-"));
      try {
        mkdirSync(join(dir, "lib"));
        writeFileSync(join(dir, "lib/index.ts"), "export const K: i32 = 1;\n");
        writeFileSync(
          join(dir, "main.ts"),
          'import { K } from "./lib";\nexport function run(): i32 { return K; }\n',
        );
        const build = () =>
          compileAssemblyScript(join(dir, "main.ts"), { checkAbi: false, cacheDir: join(dir, "cache") });
        const run = (w: Uint8Array): number =>
          (new WebAssembly.Instance(compileNative(w)).exports.run as () => number)();
        const first = await build();
        expect([first.cached, run(first.wasm)]).toEqual([false, 1]);
        const again = await build();
        expect([again.cached, run(again.wasm)]).toEqual([true, 1]);
        writeFileSync(join(dir, "lib/index.ts"), "export const K: i32 = 2;\n");
        const edited = await build();
        expect([edited.cached, run(edited.wasm)]).toEqual([false, 2]);
        // asc probes ./lib.ts before ./lib/index.ts: a new lib.ts changes what main imports.
        writeFileSync(join(dir, "lib.ts"), "export const K: i32 = 3;\n");
        const shadowed = await build();
        expect([shadowed.cached, run(shadowed.wasm)]).toEqual([false, 3]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    COMPILE_TIMEOUT_MS,
  );
});

describe("counter", () => {
  it("init sets 0, increment adds and emits, get reads; overflow reverts and rolls back", () => {
    const host = new RefHost();
    const id = host.deploy(wasm.counter as Uint8Array, ALICE);
    expect(u64Of(host.call(ALICE, id, "get", new Uint8Array(0)).data)).toBe(0n);
    const r1 = host.call(ALICE, id, "increment", enc().u64(5n).finish());
    expect(r1.ok).toBe(true);
    expect(u64Of(r1.data)).toBe(5n);
    expect(u64Of(host.call(BOB, id, "increment", enc().u64(37n).finish()).data)).toBe(42n);
    expect(u64Of(host.call(ALICE, id, "get", new Uint8Array(0)).data)).toBe(42n);
    expect(host.events.map((e) => e.topic)).toEqual(["Incremented", "Incremented"]);
    const ev = new AbiReader(host.events[1]?.data as Uint8Array);
    expect([ev.u64(), ev.u64()]).toEqual([37n, 42n]);

    const over = host.call(
      ALICE,
      id,
      "increment",
      enc()
        .u64((1n << 64n) - 1n)
        .finish(),
    );
    expect(over).toMatchObject({ ok: false, message: "counter: overflow" });
    expect(host.events).toHaveLength(2);
    expect(u64Of(host.call(ALICE, id, "get", new Uint8Array(0)).data)).toBe(42n);
  });

  it("malformed input reverts with a message naming what was read", () => {
    const host = new RefHost();
    const id = host.deploy(wasm.counter as Uint8Array, ALICE);
    expect(host.call(ALICE, id, "increment", new Uint8Array(3)).message).toBe("input: u64 truncated");
    expect(host.call(ALICE, id, "increment", new Uint8Array(9)).message).toBe("input: trailing bytes");
  });
});

describe("token", () => {
  const deployToken = (host: RefHost, supply = 1_000_000n): Uint8Array =>
    host.deploy(
      wasm.token as Uint8Array,
      ALICE,
      enc().u64(supply).string("Dusk Edge Token").string("DET").finish(),
    );
  const balance = (host: RefHost, id: Uint8Array, who: Uint8Array): bigint =>
    u64Of(host.call(CAROL, id, "balanceOf", enc().bytes32(who).finish()).data);

  it("init mints the supply to the deployer with a Transfer from zero; name, symbol, totalSupply", () => {
    const host = new RefHost();
    const id = deployToken(host);
    expect(balance(host, id, ALICE)).toBe(1_000_000n);
    expect(u64Of(host.call(BOB, id, "totalSupply", new Uint8Array(0)).data)).toBe(1_000_000n);
    expect(new AbiReader(host.call(BOB, id, "name", new Uint8Array(0)).data).string()).toBe(
      "Dusk Edge Token",
    );
    expect(new AbiReader(host.call(BOB, id, "symbol", new Uint8Array(0)).data).string()).toBe("DET");
    const mint = new AbiReader(host.events[0]?.data as Uint8Array);
    expect([hex(mint.bytes32()), hex(mint.bytes32()), mint.u64()]).toEqual([
      hex(addr(0)),
      hex(ALICE),
      1_000_000n,
    ]);
  });

  it("transfer moves balances and emits Transfer; insufficient balance reverts with nothing changed", () => {
    const host = new RefHost();
    const id = deployToken(host);
    expect(host.call(ALICE, id, "transfer", enc().bytes32(BOB).u64(300n).finish()).ok).toBe(true);
    expect([balance(host, id, ALICE), balance(host, id, BOB)]).toEqual([999_700n, 300n]);
    const ev = host.events.at(-1);
    expect(ev?.topic).toBe("Transfer");
    const r = new AbiReader(ev?.data as Uint8Array);
    expect([hex(r.bytes32()), hex(r.bytes32()), r.u64()]).toEqual([hex(ALICE), hex(BOB), 300n]);

    const events = host.events.length;
    const fail = host.call(BOB, id, "transfer", enc().bytes32(CAROL).u64(301n).finish());
    expect(fail).toMatchObject({ ok: false, message: "token: insufficient balance" });
    expect(host.events).toHaveLength(events);
    expect([balance(host, id, BOB), balance(host, id, CAROL)]).toEqual([300n, 0n]);
    // A transfer to oneself changes nothing but is still an event.
    expect(host.call(BOB, id, "transfer", enc().bytes32(BOB).u64(300n).finish()).ok).toBe(true);
    expect(balance(host, id, BOB)).toBe(300n);
  });

  it("approve and transferFrom spend within the allowance only", () => {
    const host = new RefHost();
    const id = deployToken(host);
    host.call(ALICE, id, "approve", enc().bytes32(BOB).u64(50n).finish());
    const allowance = () =>
      u64Of(host.call(CAROL, id, "allowance", enc().bytes32(ALICE).bytes32(BOB).finish()).data);
    expect(allowance()).toBe(50n);
    const move = (n: bigint) =>
      host.call(BOB, id, "transferFrom", enc().bytes32(ALICE).bytes32(CAROL).u64(n).finish());
    expect(move(30n).ok).toBe(true);
    expect(move(21n).message).toBe("token: allowance exceeded");
    expect([allowance(), balance(host, id, CAROL)]).toEqual([20n, 30n]);
  });

  it("property: any sequence of transfers conserves the supply and matches a model", () => {
    const people = [ALICE, BOB, CAROL];
    fc.assert(
      fc.property(
        fc.array(fc.record({ from: fc.nat(2), to: fc.nat(2), amount: fc.bigInt(0n, 600_000n) }), {
          maxLength: 12,
        }),
        (steps) => {
          const host = new RefHost();
          const id = deployToken(host);
          const model = [1_000_000n, 0n, 0n];
          for (const s of steps) {
            const ok = (model[s.from] as bigint) >= s.amount;
            const r = host.call(
              people[s.from] as Uint8Array,
              id,
              "transfer",
              enc()
                .bytes32(people[s.to] as Uint8Array)
                .u64(s.amount)
                .finish(),
            );
            expect(r.ok).toBe(ok);
            if (ok) {
              model[s.from] = (model[s.from] as bigint) - s.amount;
              model[s.to] = (model[s.to] as bigint) + s.amount;
            }
          }
          expect(people.map((p) => balance(host, id, p))).toEqual(model);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe("vault (cross-contract calls)", () => {
  it("deposit pulls tokens through transferFrom, withdraw pays back, held reads return data", () => {
    const host = new RefHost();
    const token = host.deploy(
      wasm.token as Uint8Array,
      ALICE,
      enc().u64(1000n).string("T").string("T").finish(),
    );
    const vault = host.deploy(wasm.vault as Uint8Array, ALICE, enc().bytes32(token).finish());
    const tokenBalance = (who: Uint8Array) =>
      u64Of(host.call(CAROL, token, "balanceOf", enc().bytes32(who).finish()).data);

    // Without an allowance the token reverts, and the vault reverts with its message.
    const denied = host.call(ALICE, vault, "deposit", enc().u64(100n).finish());
    expect(denied).toMatchObject({ ok: false, message: "transferFrom: token: allowance exceeded" });

    host.call(ALICE, token, "approve", enc().bytes32(vault).u64(400n).finish());
    const dep = host.call(ALICE, vault, "deposit", enc().u64(250n).finish());
    expect(dep.ok).toBe(true);
    expect(u64Of(dep.data)).toBe(250n);
    expect([tokenBalance(ALICE), tokenBalance(vault)]).toEqual([750n, 250n]);
    expect(u64Of(host.call(BOB, vault, "held", new Uint8Array(0)).data)).toBe(250n);

    const wd = host.call(ALICE, vault, "withdraw", enc().u64(100n).finish());
    expect(u64Of(wd.data)).toBe(150n);
    expect([tokenBalance(ALICE), tokenBalance(vault)]).toEqual([850n, 150n]);
    expect(host.call(BOB, vault, "withdraw", enc().u64(1n).finish()).message).toBe(
      "vault: withdrawal exceeds deposit",
    );
    expect(host.events.map((e) => e.topic)).toEqual([
      "Transfer", // mint
      "Approval",
      "Transfer", // token: Alice -> vault (inside deposit)
      "Deposit",
      "Transfer", // token: vault -> Alice (inside withdraw)
      "Withdraw",
    ]);
  });
});

describe("SDK wrappers over each host function (probe contract)", () => {
  const setup = () => {
    const host = new RefHost();
    host.balances.set(hex(ALICE), 1000n);
    const id = host.deploy(wasm.probe as Uint8Array, ALICE);
    return { host, id };
  };

  it("context: caller, origin, self, value, balance, block, chain id, gas", () => {
    const { host, id } = setup();
    const r = new AbiReader(host.call(ALICE, id, "context", new Uint8Array(0), 70n).data);
    expect(hex(r.bytes32())).toBe(hex(ALICE));
    expect(hex(r.bytes32())).toBe(hex(ALICE));
    expect(hex(r.bytes32())).toBe(hex(id));
    expect([r.u64(), r.u64(), r.u64(), r.u64()]).toEqual([70n, 70n, host.height, host.timestamp]);
    expect(r.string()).toBe(host.chainId);
    expect(r.u64()).toBe(1_000_000n);
    r.end();
    // A chain id longer than the SDK's first 64-byte guess takes the second read.
    host.chainId = "x".repeat(100);
    const r2 = new AbiReader(host.call(ALICE, id, "context", new Uint8Array(0)).data);
    r2.fixed(96 + 32);
    expect(r2.string()).toBe(host.chainId);
  });

  it("nested call: caller is the calling contract, origin the sender, value moves along", () => {
    const { host, id } = setup();
    const inner = host.deploy(wasm.probe as Uint8Array, BOB);
    const out = host.call(
      ALICE,
      id,
      "forward",
      enc().bytes32(inner).string("context").bytes(new Uint8Array(0)).u64(30n).finish(),
      50n,
    );
    const f = new AbiReader(out.data);
    expect(f.bool()).toBe(true);
    const r = new AbiReader(f.bytes());
    expect([hex(r.bytes32()), hex(r.bytes32()), hex(r.bytes32())]).toEqual([hex(id), hex(ALICE), hex(inner)]);
    expect([r.u64(), r.u64()]).toEqual([30n, 30n]);
    expect([host.balanceOf(id), host.balanceOf(inner)]).toEqual([20n, 30n]);
    // A reverting callee: status false, its message as return data, its value returned.
    const failed = new AbiReader(
      host.call(
        ALICE,
        id,
        "forward",
        enc().bytes32(inner).string("fail").bytes(enc().string("no").finish()).u64(5n).finish(),
      ).data,
    );
    expect(failed.bool()).toBe(false);
    expect(new TextDecoder().decode(failed.bytes())).toBe("no");
    expect([host.balanceOf(id), host.balanceOf(inner)]).toEqual([20n, 30n]);
  });

  it("transfer pays from the contract's balance and reports a short balance", () => {
    const { host, id } = setup();
    host.call(ALICE, id, "context", new Uint8Array(0), 100n);
    const pay = (n: bigint) =>
      new AbiReader(host.call(ALICE, id, "pay", enc().bytes32(CAROL).u64(n).finish()).data).bool();
    expect(pay(60n)).toBe(true);
    expect(pay(41n)).toBe(false);
    expect([host.balanceOf(id), host.balanceOf(CAROL)]).toEqual([40n, 60n]);
  });

  it("storage: set, get (short and long values), has, delete", () => {
    const { host, id } = setup();
    const kv = (op: number, k: string, v: Uint8Array) => {
      const r = new AbiReader(
        host.call(ALICE, id, "kv", enc().u8(op).bytes(new TextEncoder().encode(k)).bytes(v).finish()).data,
      );
      return { present: r.bool(), value: r.bytes() };
    };
    const long = new Uint8Array(1000).map((_, i) => i & 0xff);
    expect(kv(2, "a", new Uint8Array(0))).toEqual({ present: false, value: new Uint8Array(0) });
    expect(kv(0, "a", new Uint8Array([1, 2, 3]))).toEqual({
      present: true,
      value: new Uint8Array([1, 2, 3]),
    });
    expect(kv(0, "b", long)).toEqual({ present: true, value: long });
    expect(kv(0, "empty", new Uint8Array(0))).toEqual({ present: true, value: new Uint8Array(0) });
    expect(kv(1, "a", new Uint8Array(0))).toEqual({ present: false, value: new Uint8Array(0) });
    expect(kv(2, "b", new Uint8Array(0)).value).toEqual(long);
  });

  it("emit passes topic and data", () => {
    const { host, id } = setup();
    host.call(
      ALICE,
      id,
      "event",
      enc()
        .string("Topic✓")
        .bytes(new Uint8Array([9, 8, 7]))
        .finish(),
    );
    expect(host.events.at(-1)).toEqual({
      contract: hex(id),
      topic: "Topic✓",
      data: new Uint8Array([9, 8, 7]),
    });
  });

  it("blake3 and sha256 match reference implementations", () => {
    const { host, id } = setup();
    for (const data of [new Uint8Array(0), new TextEncoder().encode("abc"), new Uint8Array(5000).fill(7)]) {
      const r = new AbiReader(host.call(ALICE, id, "hashes", enc().bytes(data).finish()).data);
      expect(hex(r.bytes32())).toBe(hex(blake3(data)));
      expect(hex(r.bytes32())).toBe(createHash("sha256").update(data).digest("hex"));
    }
  });

  it("bls_verify and bls_verify_aggregate with real BLS12-381 signatures", () => {
    const { host, id } = setup();
    const msg = new TextEncoder().encode("attest");
    const keys = [1, 2, 3].map((i) => blsKeyFromSeed(new Uint8Array(32).fill(i)));
    const sigs = keys.map((k) => blsSign(k.secretKey, msg));
    const verify = (pks: Uint8Array, sig: Uint8Array, aggregate: boolean, m = msg) =>
      new AbiReader(
        host.call(ALICE, id, "bls", enc().bytes(pks).bytes(m).bytes(sig).bool(aggregate).finish()).data,
      ).bool();
    const k0 = keys[0]?.publicKey as Uint8Array;
    expect(verify(k0, sigs[0] as Uint8Array, false)).toBe(true);
    expect(verify(k0, sigs[0] as Uint8Array, false, new TextEncoder().encode("other"))).toBe(false);
    const allKeys = new Uint8Array(keys.flatMap((k) => [...k.publicKey]));
    expect(verify(allKeys, aggregateSignatures(sigs), true)).toBe(true);
    expect(verify(allKeys, aggregateSignatures(sigs.slice(0, 2)), true)).toBe(false);
    // The SDK refuses a key of the wrong length before the host reads past it.
    const bad = host.call(
      ALICE,
      id,
      "bls",
      enc()
        .bytes(new Uint8Array(47))
        .bytes(msg)
        .bytes(sigs[0] as Uint8Array)
        .bool(false)
        .finish(),
    );
    expect(bad.message).toBe("bls public key must be 48 bytes");
  });

  it("poseidon, verify_groth16, verify_plonk pass their arguments and read the answer", () => {
    const { host, id } = setup();
    const elements = new Uint8Array(64).map((_, i) => i);
    const p = new AbiReader(host.call(ALICE, id, "hashPoseidon", enc().bytes(elements).finish()).data);
    expect([p.bool(), hex(p.bytes32())]).toEqual([true, "ab".repeat(32)]);
    expect(host.verifierCalls.at(-1)).toEqual({ fn: "poseidon", args: [elements], n: 2 });
    expect(host.call(ALICE, id, "hashPoseidon", enc().bytes(new Uint8Array(33)).finish()).message).toBe(
      "poseidon: 1 to 16 field elements of 32 bytes",
    );
    const vk = new Uint8Array([1, 2, 3]);
    const proof = new Uint8Array([4, 5]);
    const inputs = new Uint8Array(96).fill(6);
    for (const plonk of [false, true]) {
      for (const answer of [1, 0]) {
        host.verifierAnswer = answer;
        const out = host.call(
          ALICE,
          id,
          "zk",
          enc().bool(plonk).bytes(vk).bytes(proof).bytes(inputs).finish(),
        );
        expect(new AbiReader(out.data).bool()).toBe(answer === 1);
        expect(host.verifierCalls.at(-1)).toEqual({
          fn: plonk ? "verify_plonk" : "verify_groth16",
          args: [vk, proof, inputs],
          n: 3,
        });
      }
    }
    host.verifierAnswer = 0;
    const rejected = new AbiReader(host.call(ALICE, id, "hashPoseidon", enc().bytes(elements).finish()).data);
    expect(rejected.bool()).toBe(false);
  });

  it("revert and a failed assertion (env.abort) both roll back with their message", () => {
    const { host, id } = setup();
    const before = host.balanceOf(id);
    const r = host.call(ALICE, id, "fail", enc().string("custom reason ✓").finish(), 10n);
    expect(r).toMatchObject({ ok: false, message: "custom reason ✓" });
    expect(host.balanceOf(id)).toBe(before);
    const a = host.call(ALICE, id, "assertion", new Uint8Array(0));
    expect(a.ok).toBe(false);
    expect(a.message).toMatch(/^probe: assertion message at contracts\/tests\/probe\.ts:\d+:\d+$/);
  });
});

describe("argument encoding, TypeScript <-> AssemblyScript", () => {
  it("property: AS decodes what AbiWriter encodes and AbiReader decodes what AS encodes", () => {
    const host = new RefHost();
    const id = host.deploy(wasm.probe as Uint8Array, ALICE);
    const U64_MAX = (1n << 64n) - 1n;
    fc.assert(
      fc.property(
        fc.record({
          a: fc.integer({ min: 0, max: 255 }),
          b: fc.boolean(),
          c: fc.integer({ min: 0, max: 0xffffffff }),
          d: fc.bigInt(0n, U64_MAX),
          e: fc.bigInt(-(1n << 63n), (1n << 63n) - 1n),
          f: fc.uint8Array({ minLength: 32, maxLength: 32 }),
          g: fc.uint8Array({ maxLength: 300 }),
          h: fc.string({ unit: "grapheme", maxLength: 40 }),
        }),
        (v) => {
          const input = enc()
            .u8(v.a)
            .bool(v.b)
            .u32(v.c)
            .u64(v.d)
            .i64(v.e)
            .bytes32(v.f)
            .bytes(v.g)
            .string(v.h)
            .finish();
          const out = host.call(ALICE, id, "roundtrip", input);
          expect(out.message).toBe("");
          const r = new AbiReader(out.data);
          expect(r.u8()).toBe((v.a + 1) & 0xff);
          expect(r.bool()).toBe(!v.b);
          expect(r.u32()).toBe((v.c + 1) >>> 0);
          expect(r.u64()).toBe((v.d + 1n) & U64_MAX);
          expect(r.i64()).toBe(BigInt.asIntN(64, v.e - 1n));
          expect(r.bytes32()).toEqual(v.f.slice().reverse());
          expect(r.u32()).toBe(v.g.length);
          expect(r.bytes()).toEqual(v.g);
          expect(r.string()).toBe(`${v.h}✓`);
          r.end();
        },
      ),
      { numRuns: 150 },
    );
  });

  it("AS reverts on truncated bytes, a bad bool and a length beyond the input", () => {
    const host = new RefHost();
    const id = host.deploy(wasm.probe as Uint8Array, ALICE);
    const prefix = enc().u8(1).finish();
    expect(host.call(ALICE, id, "roundtrip", enc().u8(1).u8(2).finish()).message).toBe(
      "input: bool must be 0 or 1",
    );
    const huge = enc()
      .u8(0)
      .bool(true)
      .u32(0)
      .u64(0n)
      .i64(0n)
      .bytes32(new Uint8Array(32))
      .u32(0xffffffff)
      .finish();
    expect(host.call(ALICE, id, "roundtrip", huge).message).toBe("input: bytes truncated");
    expect(host.call(ALICE, id, "roundtrip", prefix).message).toBe("input: bool truncated");
  });

  it("AbiWriter and AbiReader check ranges, truncation, trailing bytes and UTF-8", () => {
    const code = (f: () => unknown): string => {
      try {
        f();
      } catch (e) {
        return e instanceof AbiError ? e.code : `not an AbiError: ${e}`;
      }
      return "no error";
    };
    expect(code(() => enc().u8(256))).toBe("ABI_INVALID_VALUE");
    expect(code(() => enc().u32(-1))).toBe("ABI_INVALID_VALUE");
    expect(code(() => enc().u64(1n << 64n))).toBe("ABI_INVALID_VALUE");
    expect(code(() => enc().i64(1n << 63n))).toBe("ABI_INVALID_VALUE");
    expect(code(() => enc().bytes32(new Uint8Array(31)))).toBe("ABI_INVALID_VALUE");
    expect(code(() => new AbiReader(new Uint8Array(7)).u64())).toBe("ABI_TRUNCATED");
    expect(code(() => new AbiReader(enc().u32(5).finish()).bytes())).toBe("ABI_TRUNCATED");
    expect(code(() => new AbiReader(new Uint8Array([2])).bool())).toBe("ABI_INVALID_VALUE");
    expect(code(() => new AbiReader(new Uint8Array([1, 0, 0, 0, 0xff])).string())).toBe("ABI_INVALID_VALUE");
    expect(code(() => new AbiReader(new Uint8Array(1)).end())).toBe("ABI_TRAILING_BYTES");
    expect([...enc().u32(0x01020304).u64(0x0506070809n).finish()]).toEqual([
      4, 3, 2, 1, 9, 8, 7, 6, 5, 0, 0, 0,
    ]);
  });
});
