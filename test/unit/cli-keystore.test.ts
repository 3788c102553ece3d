import { describe, expect, it } from "vitest";
import { encodeArgs } from "../../cli/commands/contract.js";
import {
  decryptKeystore,
  encryptKeystore,
  newMnemonic,
  parseKeystore,
  type WalletError,
  WalletKeys,
} from "../../cli/wallet/keystore.js";
import { toHex } from "../../protocol/bytes.js";

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as WalletError).code;
  }
  return "no error";
};

describe("CLI wallets", () => {
  it("derives the same keys from the same mnemonic, distinct per purpose and index", () => {
    const m = newMnemonic(12);
    const a = new WalletKeys(m);
    const b = new WalletKeys(` ${m.toUpperCase()} `);
    expect(toHex(a.account(0).publicKey)).toBe(toHex(b.account(0).publicKey));
    expect(toHex(a.account(1).publicKey)).not.toBe(toHex(a.account(0).publicKey));
    expect(toHex(a.provisioner(0).publicKey)).toHaveLength(96);
    expect(toHex(a.shieldedSecret(0))).not.toBe(toHex(a.shieldedSecret(1)));
    expect(toHex(new WalletKeys(newMnemonic()).account(0).publicKey)).not.toBe(toHex(a.account(0).publicKey));
  });

  it("encrypts the mnemonic: no plaintext in the file, wrong passphrase refused, round trip exact", () => {
    const m = newMnemonic();
    const file = encryptKeystore("w", m, "a good passphrase");
    const text = JSON.stringify(file);
    for (const word of m.split(" ")) expect(text).not.toContain(` ${word} `);
    expect(file.address).toBe(toHex(new WalletKeys(m).account(0).publicKey));
    expect(decryptKeystore(parseKeystore(text), "a good passphrase")).toBe(m);
    expect(code(() => decryptKeystore(file, "another passphrase"))).toBe("WALLET_WRONG_PASSPHRASE");
    const tampered = { ...file, cipher: { ...file.cipher, data: `00${file.cipher.data.slice(2)}` } };
    expect(code(() => decryptKeystore(tampered, "a good passphrase"))).toBe("WALLET_WRONG_PASSPHRASE");
  });

  it("refuses weak passphrases, bad mnemonics and files that are not keystores", () => {
    expect(code(() => encryptKeystore("w", newMnemonic(), "short"))).toBe("WALLET_WEAK_PASSPHRASE");
    expect(code(() => new WalletKeys("abandon abandon abandon"))).toBe("WALLET_BAD_MNEMONIC");
    expect(code(() => parseKeystore("{"))).toBe("WALLET_BAD_FILE");
    expect(code(() => parseKeystore(JSON.stringify({ version: 2 })))).toBe("WALLET_BAD_FILE");
    const file = encryptKeystore("w", newMnemonic(), "a good passphrase");
    expect(code(() => parseKeystore(JSON.stringify({ ...file, kdf: { ...file.kdf, N: 2 } })))).toBe(
      "WALLET_BAD_FILE",
    );
  });

  it("encodes --args in the contract encoding", () => {
    expect(toHex(encodeArgs("u64:5,bool:true,string:ab"))).toBe(
      "0500000000000000" + "01" + "02000000" + "6162",
    );
    expect(() => encodeArgs("u64")).toThrow(/type:value/);
    expect(() => encodeArgs("float:1")).toThrow(/unknown argument type/);
  });
});
