/**
 * `dusk-edge wallet ...`: create, import, list, show a wallet's address; export its mnemonic only
 * with --show-secret. Keystores are encrypted (cli/wallet/keystore.ts).
 */

import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { toHex } from "../../protocol/bytes.js";
import {
  type CommonOptions,
  homeOption,
  jsonOption,
  listWallets,
  openWallet,
  output,
  passphrase,
  passphraseOption,
  readWallet,
  writeWallet,
} from "../context.js";
import { EXIT } from "../exit.js";
import { decryptKeystore, encryptKeystore, newMnemonic } from "../wallet/keystore.js";
import { runCommand } from "./run.js";

export function addWalletCommands(program: Command, setExit: (code: number) => void): void {
  const wallet = program.command("wallet").description("keys: BIP39 wallets in encrypted keystores");

  wallet
    .command("create")
    .description("create a wallet with a new mnemonic (the mnemonic is not printed unless --show-secret)")
    .requiredOption("--name <name>", "wallet name")
    .option("--words <n>", "mnemonic length: 12 or 24", "24")
    .option("--show-secret", "also print the mnemonic (write it down, keep it offline)")
    .addOption(homeOption())
    .addOption(passphraseOption())
    .addOption(jsonOption())
    .action((opts: CommonOptions & { name: string; words: string; showSecret?: boolean }) =>
      runCommand(opts, setExit, () => {
        const words = opts.words === "12" ? 12 : 24;
        const mnemonic = newMnemonic(words);
        const file = encryptKeystore(opts.name, mnemonic, passphrase(opts));
        const path = writeWallet(opts.home, file);
        output(
          opts,
          { name: file.name, address: file.address, path, ...(opts.showSecret ? { mnemonic } : {}) },
          [
            `created wallet ${file.name}`,
            `address ${file.address}`,
            `keystore ${path}`,
            ...(opts.showSecret ? [`mnemonic ${mnemonic}`] : []),
          ],
        );
        return EXIT.ok;
      }),
    );

  wallet
    .command("import")
    .description("import a wallet from a mnemonic file")
    .requiredOption("--name <name>", "wallet name")
    .requiredOption("--mnemonic-file <file>", "file holding the BIP39 mnemonic")
    .addOption(homeOption())
    .addOption(passphraseOption())
    .addOption(jsonOption())
    .action((opts: CommonOptions & { name: string; mnemonicFile: string }) =>
      runCommand(opts, setExit, () => {
        const file = encryptKeystore(opts.name, readFileSync(opts.mnemonicFile, "utf8"), passphrase(opts));
        const path = writeWallet(opts.home, file);
        output(opts, { name: file.name, address: file.address, path }, [
          `imported wallet ${file.name}`,
          `address ${file.address}`,
        ]);
        return EXIT.ok;
      }),
    );

  wallet
    .command("list")
    .description("wallets and their first addresses")
    .addOption(homeOption())
    .addOption(jsonOption())
    .action((opts: CommonOptions) =>
      runCommand(opts, setExit, () => {
        const all = listWallets(opts.home).map((w) => ({ name: w.name, address: w.address }));
        output(
          opts,
          { wallets: all },
          all.length === 0 ? ["no wallets"] : all.map((w) => `${w.name}  ${w.address}`),
        );
        return EXIT.ok;
      }),
    );

  wallet
    .command("address")
    .description("address of account <index> (index 0 needs no passphrase)")
    .requiredOption("--name <name>", "wallet name")
    .option("--index <i>", "account index", "0")
    .option("--provisioner", "show the provisioner (BLS) public key instead")
    .addOption(homeOption())
    .addOption(passphraseOption())
    .addOption(jsonOption())
    .action((opts: CommonOptions & { name: string; index: string; provisioner?: boolean }) =>
      runCommand(opts, setExit, () => {
        const index = Number(opts.index);
        if (!Number.isSafeInteger(index) || index < 0 || index > 2 ** 31)
          throw new Error("--index must be a non-negative integer");
        if (index === 0 && !opts.provisioner) {
          const w = readWallet(opts.home, opts.name);
          output(opts, { name: w.name, index, address: w.address }, [w.address]);
          return EXIT.ok;
        }
        const keys = openWallet(opts, opts.name);
        const key = opts.provisioner
          ? toHex(keys.provisioner(index).publicKey)
          : toHex(keys.account(index).publicKey);
        output(opts, { name: opts.name, index, [opts.provisioner ? "provisionerKey" : "address"]: key }, [
          key,
        ]);
        return EXIT.ok;
      }),
    );

  wallet
    .command("export-mnemonic")
    .description("print the wallet's mnemonic (a secret: needs --show-secret)")
    .requiredOption("--name <name>", "wallet name")
    .option("--show-secret", "confirm that the secret may be printed")
    .addOption(homeOption())
    .addOption(passphraseOption())
    .addOption(jsonOption())
    .action((opts: CommonOptions & { name: string; showSecret?: boolean }) =>
      runCommand(opts, setExit, () => {
        if (!opts.showSecret) throw new Error("refusing to print a secret without --show-secret");
        const mnemonic = decryptKeystore(readWallet(opts.home, opts.name), passphrase(opts));
        output(opts, { name: opts.name, mnemonic }, [mnemonic]);
        return EXIT.ok;
      }),
    );
}
