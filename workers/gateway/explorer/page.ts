/**
 * The explorer page served at `/`: one self-contained HTML document (no build step, no external
 * assets) over the public API: latest blocks with finality labels kept live by `/v1/ws`, a block,
 * a transaction with its receipt, an account, and the committees of the round in progress.
 * Views are hash routes (#/block/5, #/block/<hash>, #/tx/<id>, #/account/<address>). Data is
 * only ever inserted as text (textContent), never as HTML.
 */

export const EXPLORER_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>dusk-edge explorer</title>
<style>
  :root { font-family: system-ui, sans-serif; color: #1d2330; background: #f6f7f9; }
  body { margin: 0; }
  header { background: #1d2330; color: #fff; padding: 12px 20px; display: flex; gap: 24px; align-items: center; flex-wrap: wrap; }
  header h1 { font-size: 18px; margin: 0; }
  header a { color: #fff; text-decoration: none; }
  #stats span { margin-right: 16px; font-size: 14px; }
  #search { margin-left: auto; display: flex; gap: 6px; }
  #search input { width: 380px; max-width: 60vw; padding: 6px; font-family: monospace; }
  main { display: grid; grid-template-columns: 2fr 1fr; gap: 16px; padding: 16px 20px; }
  section { background: #fff; border-radius: 6px; padding: 12px 16px; box-shadow: 0 1px 2px rgba(0,0,0,.08); }
  h2 { font-size: 15px; margin: 0 0 8px; }
  table { border-collapse: collapse; width: 100%; font-size: 13px; }
  td, th { text-align: left; padding: 4px 6px; border-bottom: 1px solid #eceef2; }
  .mono { font-family: monospace; word-break: break-all; }
  .label { border-radius: 10px; padding: 1px 8px; font-size: 12px; }
  .label-final { background: #d7f5dd; } .label-confirmed { background: #e4f0ff; }
  .label-attested { background: #fff3cd; } .label-accepted { background: #f0f0f0; }
  #live { font-size: 12px; } #live.on { color: #2c9a45; } #live.off { color: #b03030; }
  #detail dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 12px; font-size: 13px; margin: 0; }
  #detail dt { color: #667; }
  .error { color: #b03030; }
  @media (max-width: 900px) { main { grid-template-columns: 1fr; } }
</style>
</head>
<body>
<header>
  <h1><a href="#/">dusk-edge explorer</a></h1>
  <div id="stats"><span id="chain"></span><span id="height"></span><span id="final"></span><span id="live" class="off">offline</span></div>
  <form id="search"><input id="q" placeholder="height, block hash, transaction id or address" autocomplete="off"><button>Go</button></form>
</header>
<main>
  <section>
    <h2 id="detail-title">Latest blocks</h2>
    <div id="detail"></div>
    <table id="blocks"><thead><tr><th>Height</th><th>Hash</th><th>Label</th><th>Txs</th><th>Time</th></tr></thead><tbody></tbody></table>
  </section>
  <section>
    <h2>Committees <span id="round"></span></h2>
    <div id="committees"></div>
  </section>
</main>
<script>
"use strict";
const MAX_ROWS = 50;
const $ = (id) => document.getElementById(id);
const el = (tag, text, cls) => { const e = document.createElement(tag); if (text !== undefined) e.textContent = String(text); if (cls) e.className = cls; return e; };
const short = (h) => h.length > 20 ? h.slice(0, 10) + "…" + h.slice(-8) : h;
const rows = new Map();

async function api(path, init) {
  const r = await fetch(path, init);
  const body = await r.json();
  if (!r.ok) throw new Error(body.error ? body.error.code + ": " + body.error.message : "HTTP " + r.status);
  return body;
}
async function rpc(method, params) {
  const r = await api("/rpc", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
  if (r.error) throw new Error((r.error.data && r.error.data.code) || r.error.message);
  return r.result;
}

function labelCell(label) { return el("span", label, "label label-" + label); }

function upsertRow(b) {
  let tr = rows.get(b.height);
  const fresh = tr === undefined;
  if (fresh) { tr = el("tr"); tr.dataset.height = b.height; rows.set(b.height, tr); }
  tr.replaceChildren();
  const link = el("a", b.height); link.href = "#/block/" + b.height;
  const cells = [link, el("span", short(b.hash), "mono"), labelCell(b.label), el("span", b.txCount), el("span", new Date(b.timestampMs).toLocaleTimeString())];
  for (const c of cells) { const td = el("td"); td.appendChild(c); tr.appendChild(td); }
  tr.dataset.hash = b.hash; tr.dataset.label = b.label; tr.dataset.txs = b.txCount; tr.dataset.time = b.timestampMs;
  if (fresh) {
    const body = $("blocks").tBodies[0];
    const after = [...body.rows].find((r) => Number(r.dataset.height) < b.height);
    body.insertBefore(tr, after || null);
    while (body.rows.length > MAX_ROWS) { const last = body.rows[body.rows.length - 1]; rows.delete(Number(last.dataset.height)); last.remove(); }
  }
}

function setLabel(height, label) {
  const tr = rows.get(height);
  if (tr === undefined) return;
  upsertRow({ height, hash: tr.dataset.hash, label, txCount: tr.dataset.txs, timestampMs: Number(tr.dataset.time) });
}

async function loadStatus() {
  const s = await api("/v1/node/status");
  $("chain").textContent = s.chainId;
  $("height").textContent = "height " + s.height;
  $("final").textContent = "final " + s.finalizedHeight;
  return s;
}

async function loadBlocks() {
  const s = await loadStatus();
  const from = Math.max(0, s.height - 19);
  for (const b of await rpc("block_range", { from, to: s.height })) upsertRow({ height: b.height, hash: b.hash, label: b.label, txCount: b.transactionCount, timestampMs: b.header.timestampMs });
}

async function loadCommittees() {
  const c = await api("/v1/node/committees");
  $("round").textContent = "round " + c.round + ", iteration " + c.iteration;
  const box = $("committees"); box.replaceChildren();
  box.appendChild(el("div", "generator " + short(c.generator), "mono"));
  for (const [name, members] of [["validation", c.validation], ["ratification", c.ratification]]) {
    box.appendChild(el("h3", name + " (" + members.reduce((n, m) => n + m.credits, 0) + " credits)"));
    const t = el("table"); t.className = "committee"; t.dataset.step = name;
    for (const m of members) { const tr = el("tr"); tr.appendChild(el("td", short(m.publicKey), "mono")); tr.appendChild(el("td", m.credits)); t.appendChild(tr); }
    box.appendChild(t);
  }
}

function showDetail(title, pairs, extra) {
  $("detail-title").textContent = title;
  const d = $("detail"); d.replaceChildren();
  const dl = el("dl");
  for (const [k, v] of pairs) { dl.appendChild(el("dt", k)); const dd = el("dd", "", "mono"); if (v instanceof Node) dd.appendChild(v); else dd.textContent = v === null || v === undefined ? "—" : String(v); dl.appendChild(dd); }
  d.appendChild(dl);
  if (extra) d.appendChild(extra);
}

function txList(ids) {
  const ul = el("ul");
  for (const id of ids) { const li = el("li"); const a = el("a", id, "mono"); a.href = "#/tx/" + id; li.appendChild(a); ul.appendChild(li); }
  return ul;
}

async function route() {
  const [, kind, arg] = location.hash.split("/");
  $("detail").replaceChildren();
  $("detail-title").textContent = "Latest blocks";
  try {
    if (kind === "block") {
      const b = /^[0-9]+$/.test(arg) ? await api("/v1/blocks/" + arg) : await api("/v1/blocks/hash/" + arg);
      const h = b.header;
      showDetail("Block " + b.height, [["hash", b.hash], ["label", labelCell(b.label)], ["time", new Date(h.timestampMs).toISOString()], ["iteration", h.iteration], ["generator", h.generator], ["prev", h.prevHash], ["state root", h.stateRoot], ["gas used", h.gasUsed], ["transactions", b.transactionCount]], txList(b.transactions));
    } else if (kind === "tx") {
      const t = await api("/v1/transactions/" + arg);
      const pairs = [["id", t.id], ["status", t.status], ["height", t.height], ["label", t.label ? labelCell(t.label) : null], ["kind", t.tx.kind], ["from", t.tx.from], ["to", t.tx.to], ["contract", t.tx.contract], ["amount", t.tx.amount], ["gas limit", t.tx.gasLimit], ["gas price", t.tx.gasPrice]];
      if (t.receipt) pairs.push(["receipt", t.receipt.status + (t.receipt.error ? " (" + t.receipt.error.code + ")" : "")], ["gas used", t.receipt.gasUsed], ["events", t.receipt.events.length]);
      showDetail("Transaction", pairs);
    } else if (kind === "account") {
      const a = await api("/v1/accounts/" + arg);
      showDetail("Account", [["address", a.address], ["balance", a.balance], ["nonce", a.nonce]]);
    }
  } catch (e) {
    showDetail("Not found", [["error", e.message]]);
  }
}

async function search(q) {
  q = q.trim().toLowerCase().replace(/^0x/, "");
  if (/^[0-9]+$/.test(q)) { location.hash = "#/block/" + q; return; }
  if (!/^[0-9a-f]{64}$/.test(q)) { showDetail("Search", [["error", "enter a height or 64 hex characters"]]); return; }
  for (const [path, kind] of [["/v1/transactions/", "tx"], ["/v1/blocks/hash/", "block"]]) {
    const r = await fetch(path + q);
    if (r.ok) { location.hash = "#/" + kind + "/" + q; return; }
  }
  location.hash = "#/account/" + q;
}

let backoff = 500;
function connect() {
  const ws = new WebSocket(location.origin.replace(/^http/, "ws") + "/v1/ws");
  ws.onopen = () => { backoff = 500; $("live").textContent = "live"; $("live").className = "on"; ws.send(JSON.stringify({ op: "subscribe", topics: ["blocks", "finality"] })); };
  ws.onmessage = (m) => {
    const msg = JSON.parse(m.data);
    if (msg.type === "block") { upsertRow(msg); $("height").textContent = "height " + msg.height; loadCommittees().catch(() => {}); }
    else if (msg.type === "final") { setLabel(msg.height, "final"); $("final").textContent = "final " + msg.height; }
  };
  ws.onclose = () => { $("live").textContent = "offline"; $("live").className = "off"; setTimeout(() => { loadBlocks().catch(() => {}); connect(); }, backoff); backoff = Math.min(backoff * 2, 10000); };
}

$("search").addEventListener("submit", (e) => { e.preventDefault(); search($("q").value); });
window.addEventListener("hashchange", route);
loadBlocks().then(route).catch((e) => showDetail("Error", [["error", e.message]]));
loadCommittees().catch(() => {});
connect();
</script>
</body>
</html>
`;
