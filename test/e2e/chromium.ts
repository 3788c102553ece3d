/**
 * Headless Chromium for browser tests: Debian's `chromium` package, installed by the test itself
 * when missing (apt-get; the machine's closed network allows Debian packages), driven by
 * playwright-core (a fresh temporary profile per launch). Flags keep it off the network: this
 * machine refuses outside connections.
 */

import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

export const CHROMIUM_PATH = "/usr/bin/chromium";

/** Installs Debian chromium if absent; throws with apt's output when it cannot. */
export function ensureChromium(): void {
  if (existsSync(CHROMIUM_PATH)) return;
  const install = () =>
    execFileSync("apt-get", ["install", "-y", "--no-install-recommends", "chromium"], {
      stdio: "pipe",
      timeout: 300_000,
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
  try {
    install();
  } catch {
    // The package lists may be missing on a fresh machine.
    execFileSync("apt-get", ["update"], { stdio: "pipe", timeout: 300_000 });
    install();
  }
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`chromium installed but ${CHROMIUM_PATH} is missing`);
}

export async function launchChromium(): Promise<Browser> {
  ensureChromium();
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
