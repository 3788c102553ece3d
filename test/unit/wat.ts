/** WebAssembly text → binary with wabt (a devDependency), for tests that write contracts in WAT. */

import { createRequire } from "node:module";

interface WabtModule {
  toBinary(options: object): { buffer: Uint8Array };
  destroy(): void;
}
interface Wabt {
  parseWat(name: string, text: string, features?: object): WabtModule;
}

let wabt: Promise<Wabt> | undefined;

export async function wat(text: string): Promise<Uint8Array> {
  wabt ??= (createRequire(import.meta.url)("wabt") as () => Promise<Wabt>)();
  const m = (await wabt).parseWat("test.wat", text);
  try {
    return new Uint8Array(m.toBinary({}).buffer);
  } finally {
    m.destroy();
  }
}
