// The explorer page (`/`) in headless Chromium against a devnet under `wrangler dev`: latest
// blocks with labels, live updates over /v1/ws without reloading, finality arriving, committees,
// and the block / account views reached by clicking and by search.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toHex } from "../../protocol/bytes.js";
import { devAccountKey } from "../../protocol/keys.js";
import { launchChromium } from "./chromium.js";
import { type Devnet, startDevnet } from "./devnet-process.js";

describe("explorer page in a real browser", () => {
  let devnet: Devnet;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    [devnet, browser] = await Promise.all([startDevnet({ nodes: 4 }), launchChromium()]);
    // The page's CSP forbids eval; the test's string probes need it, the page itself never does.
    page = await browser.newPage({ bypassCSP: true });
  }, 400_000);
  afterAll(async () => {
    await browser?.close();
    await devnet?.stop();
  });

  // Browser-side code is passed as strings: the test's TypeScript has no DOM types.
  const rowHeights = () =>
    page.evaluate(
      '[...document.querySelectorAll("#blocks tbody tr")].map((tr) => Number(tr.dataset.height))',
    ) as Promise<number[]>;
  const waitFor = (expression: string, timeout = 60_000) =>
    page.waitForFunction(expression, null, { timeout });

  it("shows blocks with labels, receives new ones and finality live, and navigates", async () => {
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(`${devnet.url}/`);
    await waitFor('document.getElementById("live").textContent === "live"');
    await waitFor('document.querySelectorAll("#blocks tbody tr").length >= 2', 90_000);
    const first = Math.max(...(await rowHeights()));
    // A block above the first one seen, without a reload: it came over the WebSocket.
    await waitFor(
      `[...document.querySelectorAll("#blocks tbody tr")].some((tr) => Number(tr.dataset.height) > ${first})`,
    );
    await waitFor(
      '[...document.querySelectorAll("#blocks tbody tr")].some((tr) => tr.dataset.label === "final")',
    );
    const heights = await rowHeights();
    expect([...heights].sort((a, b) => b - a)).toEqual(heights);
    // Committees of the round in progress: 64 credits per committee.
    const credits = await page.evaluate(
      '[...document.querySelectorAll("#committees h3")].map((h) => h.textContent)',
    );
    expect(credits).toEqual(["validation (64 credits)", "ratification (64 credits)"]);

    await page.click(`#blocks tbody tr[data-height="${first}"] a`);
    await waitFor(`document.getElementById("detail-title").textContent === "Block ${first}"`);
    const hash = await page.getAttribute(`#blocks tbody tr[data-height="${first}"]`, "data-hash");
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await page.textContent("#detail")).toContain(hash as string);

    const alice = toHex(devAccountKey("dusk-edge-devnet", 0).publicKey);
    await page.fill("#q", alice);
    await page.click("#search button");
    await waitFor('document.getElementById("detail-title").textContent === "Account"', 30_000);
    expect(await page.textContent("#detail")).toContain(alice);
    expect(errors).toEqual([]);
  });

  it("works under its own Content-Security-Policy (no violations, live updates arrive)", async () => {
    const strict = await browser.newPage();
    const problems: string[] = [];
    strict.on("console", (m) => {
      if (m.type() === "error") problems.push(m.text());
    });
    strict.on("pageerror", (e) => problems.push(String(e)));
    const response = await strict.goto(`${devnet.url}/`);
    expect(response?.headers()["content-security-policy"]).toContain("default-src 'none'");
    await strict.locator("#live.on").waitFor({ timeout: 60_000 });
    await strict.locator("#blocks tbody tr").first().waitFor({ timeout: 60_000 });
    expect(problems).toEqual([]);
    await strict.close();
  });
});
