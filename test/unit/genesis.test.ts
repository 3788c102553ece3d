// Each provisioner costs a BLS keygen and PoP (and parseGenesis a PoP check): the base document
// is built once and the invalid variants are copies of it.
import { describe, expect, it } from "vitest";
import { toHex } from "../../protocol/bytes.js";
import {
  devGenesisJson,
  type GenesisJson,
  genesisBlock,
  genesisHash,
  genesisState,
  parseGenesis,
} from "../../protocol/genesis.js";
import { devAccountKey } from "../../protocol/keys.js";
import { DEVNET_PARAMS } from "../../protocol/params.js";
import { expectCode } from "./fixtures.js";

const base = devGenesisJson({
  seed: "unit",
  chainId: "dusk-edge-unit",
  provisioners: 2,
  accounts: 2,
  timestampMs: 1000,
});
const parsed = parseGenesis(base);

function variant(change: (g: GenesisJson) => void): GenesisJson {
  const copy = structuredClone(base);
  change(copy);
  return copy;
}

describe("genesis: valid documents", () => {
  it("devGenesisJson → parseGenesis keeps chain id, accounts, stakes and default params", () => {
    expect(parsed.chainId).toBe("dusk-edge-unit");
    expect(parsed.timestampMs).toBe(1000);
    expect(parsed.accounts.map((a) => toHex(a.address))).toEqual([
      toHex(devAccountKey("unit", 0).publicKey),
      toHex(devAccountKey("unit", 1).publicKey),
    ]);
    expect(parsed.accounts[0]!.balance).toBe(1_000_000_000_000_000n);
    expect(parsed.provisioners.map((p) => p.stake)).toEqual([
      DEVNET_PARAMS.consensus.minimumStake * 10n,
      DEVNET_PARAMS.consensus.minimumStake * 10n,
    ]);
    expect(parsed.params).toEqual(DEVNET_PARAMS);
  });

  it("the genesis hash is deterministic and the block is height 0 with the accounts' state root", () => {
    const again = parseGenesis(structuredClone(base));
    expect(genesisHash(again)).toEqual(genesisHash(parsed));
    expect(genesisHash(parsed).length).toBe(32);
    const block = genesisBlock(parsed);
    expect(block.header.height).toBe(0);
    expect(block.header.prevAttestation).toBeNull();
    expect(block.transactions).toEqual([]);
    expect(block.header.stateRoot).toEqual(genesisState(parsed).root());
    expect(genesisState(parsed).getAccount(parsed.accounts[1]!.address)).toEqual({
      balance: 1_000_000_000_000_000n,
      nonce: 0n,
    });
  });

  it("the genesis hash commits to chain id, timestamp, balances, provisioners and parameters", () => {
    const h = toHex(genesisHash(parsed));
    const changed = {
      chainId: { ...parsed, chainId: "dusk-edge-other" },
      timestampMs: { ...parsed, timestampMs: 1001 },
      balance: { ...parsed, accounts: [{ ...parsed.accounts[0]!, balance: 1n }, parsed.accounts[1]!] },
      stake: {
        ...parsed,
        provisioners: [{ ...parsed.provisioners[0]!, stake: 1n }, parsed.provisioners[1]!],
      },
      provisionerSet: { ...parsed, provisioners: [parsed.provisioners[0]!] },
      params: {
        ...parsed,
        params: { ...parsed.params, consensus: { ...parsed.params.consensus, committeeCredits: 32 } },
      },
    };
    const same = Object.entries(changed)
      .filter(([, g]) => toHex(genesisHash(g)) === h)
      .map(([k]) => k);
    expect(same).toEqual([]);
  });

  it("does not depend on the order provisioners are listed in", () => {
    const reversed = { ...parsed, provisioners: [...parsed.provisioners].reverse() };
    expect(genesisHash(reversed)).toEqual(genesisHash(parsed));
  });

  it("accepts parameter overrides as numbers or decimal strings", () => {
    const g = parseGenesis(
      variant((j) => {
        j.params = { consensus: { committeeCredits: 32, minimumStake: "5" }, execution: { minGasPrice: 3 } };
      }),
    );
    expect(g.params.consensus.committeeCredits).toBe(32);
    expect(g.params.consensus.minimumStake).toBe(5n);
    expect(g.params.execution.minGasPrice).toBe(3n);
    expect(g.params.execution.transferGas).toBe(DEVNET_PARAMS.execution.transferGas);
  });
});

describe("genesis: invalid documents are refused with INVALID_GENESIS", () => {
  const cases: Record<string, (g: GenesisJson) => void> = {
    "bad chain id": (g) => {
      g.chainId = "bad chain";
    },
    "empty chain id": (g) => {
      g.chainId = "";
    },
    "negative timestamp": (g) => {
      g.timestampMs = -1;
    },
    "duplicate account": (g) => {
      g.accounts.push({ ...g.accounts[0]! });
    },
    "duplicate provisioner": (g) => {
      g.provisioners.push({ ...g.provisioners[0]! });
    },
    "no provisioners": (g) => {
      g.provisioners = [];
    },
    "bad hex in an account address": (g) => {
      g.accounts[0]!.address = `zz${g.accounts[0]!.address.slice(2)}`;
    },
    "short account address": (g) => {
      g.accounts[0]!.address = g.accounts[0]!.address.slice(2);
    },
    "bad hex in a public key": (g) => {
      g.provisioners[0]!.publicKey = `0x${"g".repeat(96)}`;
    },
    "bad hex in a proof of possession": (g) => {
      g.provisioners[0]!.proofOfPossession = "abc";
    },
    "missing account address": (g) => {
      (g.accounts[0] as { address?: string }).address = undefined;
    },
    "null account entry": (g) => {
      (g.accounts as unknown[])[0] = null;
    },
    "null provisioner entry": (g) => {
      (g.provisioners as unknown[])[0] = null;
    },
    "balance not a decimal": (g) => {
      g.accounts[0]!.balance = "1e3";
    },
    "balance above u64": (g) => {
      g.accounts[0]!.balance = "18446744073709551616";
    },
    "stake below minimum": (g) => {
      g.provisioners[0]!.stake = String(DEVNET_PARAMS.consensus.minimumStake - 1n);
    },
    "proof of possession of another key": (g) => {
      g.provisioners[0]!.proofOfPossession = g.provisioners[1]!.proofOfPossession;
    },
    "unknown parameter": (g) => {
      g.params = { consensus: { blockRewards: 5 } as Record<string, number> };
    },
    "inherited property name as parameter": (g) => {
      g.params = { execution: JSON.parse('{"toString": 5}') };
    },
    "committeeCredits 65": (g) => {
      g.params = { consensus: { committeeCredits: 65 } };
    },
    "committeeCredits 0": (g) => {
      g.params = { consensus: { committeeCredits: 0 } };
    },
    "fractional parameter": (g) => {
      g.params = { consensus: { stepTimeoutMs: 1.5 } };
    },
    "empty-string parameter": (g) => {
      g.params = { consensus: { stepTimeoutMs: "" } };
    },
    "null parameter": (g) => {
      g.params = { consensus: { stepTimeoutMs: null as unknown as number } };
    },
    "maxIterations beyond the u8 iteration field": (g) => {
      g.params = { consensus: { maxIterations: 257 } };
    },
    "emergency iteration beyond maxIterations": (g) => {
      g.params = { consensus: { maxIterations: 10, emergencyIteration: 11 } };
    },
    "step timeout above its cap": (g) => {
      g.params = { consensus: { stepTimeoutMs: 6_000, stepTimeoutMaxMs: 5_000 } };
    },
    "transfer gas above the block gas limit": (g) => {
      g.params = { execution: { transferGas: "200", blockGasLimit: "100" } };
    },
    "maxBlockTransactions above the decoding limit": (g) => {
      g.params = { execution: { maxBlockTransactions: 5_001 } };
    },
  };

  for (const [name, change] of Object.entries(cases)) {
    it(name, () => {
      expectCode(() => parseGenesis(variant(change)), "INVALID_GENESIS");
    });
  }

  it("not an object", () => {
    expectCode(() => parseGenesis(null), "INVALID_GENESIS");
    expectCode(() => parseGenesis("genesis"), "INVALID_GENESIS");
  });

  it("the message names the offending field", () => {
    const err = expectCode(
      () =>
        parseGenesis(
          variant((g) => {
            g.provisioners[1]!.stake = "1";
          }),
        ),
      "INVALID_GENESIS",
    );
    expect(err.message).toContain("provisioners[1].stake");
  });
});
