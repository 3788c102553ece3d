#!/usr/bin/env node
/**
 * Purity check of the pure cores (STYLE.md rule 1): protocol/, workers/consensus/,
 * workers/routing/, workers/executor/, workers/verifier/zk/ and sim/ take bytes, time and
 * randomness as inputs, so they may import no runtime (cloudflare:*, hono, drizzle-orm, ws, Node
 * built-ins) and may not read the clock, draw randomness or do I/O themselves. Biome's noRestrictedImports covers part of the
 * import rule; this script also covers the globals, which no lint rule here can.
 *
 * Comments are ignored; string contents are ignored for the global rules (an error message may
 * say "fetch(") but not for imports (the specifier is a string).
 *
 * Usage: node scripts/check-purity.mjs [root]   (root defaults to the repository)
 * Prints `file:line: rule` per violation and exits 1, or prints a one-line summary and exits 0.
 * No dependencies: plain Node.
 */

import { readdirSync, readFileSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const PURE_DIRS = [
  "protocol",
  "workers/consensus",
  "workers/routing",
  "workers/executor",
  "workers/verifier/zk",
  "sim",
];
/** Upper bound on files scanned: a runaway directory walk is a bug, not a larger codebase. */
const MAX_FILES = 10_000;

const FORBIDDEN_IMPORTS = [
  { test: (s) => s.startsWith("cloudflare:"), rule: "imports a cloudflare: module" },
  { test: (s) => s === "hono" || s.startsWith("hono/"), rule: "imports hono" },
  { test: (s) => s === "drizzle-orm" || s.startsWith("drizzle-orm/"), rule: "imports drizzle-orm" },
  { test: (s) => s === "ws" || s.startsWith("ws/"), rule: "imports ws" },
  { test: (s) => s.startsWith("node:"), rule: "imports a node: module" },
  { test: (s) => builtinModules.includes(s.split("/")[0]), rule: "imports a Node built-in module" },
];

// `(?<![\w$.])` keeps `this.fetch(` or `clock.setTimeout` (injected ports) out of the global rules;
// explicit `globalThis.` / `self.` / `window.` prefixes are caught separately.
const GLOBAL = String.raw`(?<![\w$.])(?:(?:globalThis|self|window)\s*\.\s*)?`;
const FORBIDDEN_USES = [
  { re: new RegExp(`${GLOBAL}Date\\s*\\.\\s*now\\b`), rule: "uses Date.now (take time as an input)" },
  { re: /\bnew\s+(?:globalThis\s*\.\s*)?Date\s*\(/, rule: "uses new Date( (take time as an input)" },
  {
    re: new RegExp(`${GLOBAL}Math\\s*\\.\\s*random\\b`),
    rule: "uses Math.random (take randomness as an input)",
  },
  { re: new RegExp(`${GLOBAL}fetch\\s*\\(`), rule: "uses fetch( (I/O belongs to adapters)" },
  { re: new RegExp(`${GLOBAL}crypto\\s*\\.\\s*getRandomValues\\b`), rule: "uses crypto.getRandomValues" },
  { re: new RegExp(`${GLOBAL}crypto\\s*\\.\\s*subtle\\b`), rule: "uses crypto.subtle (inject a verifier)" },
  { re: new RegExp(`${GLOBAL}setTimeout\\b`), rule: "uses setTimeout (return timer effects)" },
  { re: new RegExp(`${GLOBAL}setInterval\\b`), rule: "uses setInterval (return timer effects)" },
  {
    re: new RegExp(`${GLOBAL}performance\\s*\\.\\s*now\\b`),
    rule: "uses performance.now (take time as an input)",
  },
];

const IMPORT_PATTERNS = [
  /\bimport\s*(?:type\s+)?[\w$*{}\s,]*?\bfrom\s*(["'])([^"']+)\1/g,
  /\bexport\s*(?:type\s+)?[\w$*{}\s,]*?\bfrom\s*(["'])([^"']+)\1/g,
  /\bimport\s*(["'])([^"']+)\1/g,
  /\bimport\s*\(\s*(["'])([^"']+)\1\s*\)/g,
  /\brequire\s*\(\s*(["'])([^"']+)\1\s*\)/g,
];

/** After one of these (or at the start), `/` opens a regular expression, not a division. */
const REGEX_PRECEDERS = new Set([
  "",
  "(",
  ",",
  "=",
  ":",
  "[",
  "!",
  "&",
  "|",
  "?",
  "{",
  "}",
  ";",
  "+",
  "-",
  "*",
  "%",
  "<",
  ">",
  "~",
  "^",
]);
const REGEX_KEYWORDS =
  /(?:^|[^\w$])(?:return|typeof|instanceof|in|of|new|delete|void|throw|case|do|else|yield|await)$/;

/**
 * Returns two copies of `src` with the same length and line breaks: `code` without comments,
 * and `bare` without comments and without the contents of strings, templates and regexes.
 */
export function strip(src) {
  const code = src.split("");
  const bare = src.split("");
  const blank = (arr, i) => {
    if (arr[i] !== "\n") arr[i] = " ";
  };
  let i = 0;
  let lastSignificant = "";
  const templateDepth = []; // brace depth inside each open `${`
  const n = src.length;
  while (i < n) {
    const c = src[i];
    const next = src[i + 1];
    if (c === "/" && next === "/") {
      while (i < n && src[i] !== "\n") {
        blank(code, i);
        blank(bare, i);
        i++;
      }
      continue;
    }
    if (c === "/" && next === "*") {
      const end = src.indexOf("*/", i + 2);
      const stop = end === -1 ? n : end + 2;
      for (; i < stop; i++) {
        blank(code, i);
        blank(bare, i);
      }
      continue;
    }
    if (c === '"' || c === "'") {
      i++;
      while (i < n && src[i] !== c && src[i] !== "\n") {
        if (src[i] === "\\") {
          blank(bare, i);
          i++;
        }
        blank(bare, i);
        i++;
      }
      i++;
      lastSignificant = c;
      continue;
    }
    if (
      c === "`" ||
      (c === "}" && templateDepth.length > 0 && templateDepth[templateDepth.length - 1] === 0)
    ) {
      if (c === "}") templateDepth.pop();
      i++;
      while (i < n && src[i] !== "`") {
        if (src[i] === "\\") {
          blank(bare, i);
          i++;
        } else if (src[i] === "$" && src[i + 1] === "{") {
          templateDepth.push(0);
          i += 2;
          break;
        }
        blank(bare, i);
        i++;
      }
      if (src[i] === "`") {
        i++;
        lastSignificant = "`";
      } else {
        lastSignificant = "{";
      }
      continue;
    }
    if (c === "/") {
      const before = src.slice(Math.max(0, i - 12), i).trimEnd();
      if (REGEX_PRECEDERS.has(lastSignificant) || REGEX_KEYWORDS.test(before)) {
        i++;
        let inClass = false;
        while (i < n && src[i] !== "\n" && (inClass || src[i] !== "/")) {
          if (src[i] === "\\") {
            blank(bare, i);
            i++;
          } else if (src[i] === "[") inClass = true;
          else if (src[i] === "]") inClass = false;
          blank(bare, i);
          i++;
        }
        i++;
        lastSignificant = "/regex";
        continue;
      }
    }
    if (templateDepth.length > 0) {
      if (c === "{") templateDepth[templateDepth.length - 1]++;
      else if (c === "}") templateDepth[templateDepth.length - 1]--;
    }
    if (!/\s/.test(c)) lastSignificant = /[\w$]/.test(c) ? "id" : c;
    i++;
  }
  return { code: code.join(""), bare: bare.join("") };
}

function lineOf(text, index) {
  let line = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

export function checkSource(src) {
  const { code, bare } = strip(src);
  const found = [];
  for (const pattern of IMPORT_PATTERNS) {
    for (const m of code.matchAll(pattern)) {
      const specifier = m[2];
      const hit = FORBIDDEN_IMPORTS.find((f) => f.test(specifier));
      if (hit) found.push({ line: lineOf(code, m.index), rule: `${hit.rule} ("${specifier}")` });
    }
  }
  const lines = bare.split("\n");
  lines.forEach((text, index) => {
    for (const { re, rule } of FORBIDDEN_USES) if (re.test(text)) found.push({ line: index + 1, rule });
  });
  const seen = new Set();
  return found
    .sort((a, b) => a.line - b.line)
    .filter((f) => {
      const key = `${f.line}:${f.rule}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

function listTs(dir, out) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return; // a pure-core directory that does not exist yet
  }
  for (const name of entries.sort()) {
    if (name === "node_modules" || name.startsWith(".")) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) listTs(path, out);
    else if (name.endsWith(".ts")) out.push(path);
    if (out.length > MAX_FILES) throw new Error(`more than ${MAX_FILES} files under ${dir}`);
  }
}

function main() {
  const root = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), ".."));
  const files = [];
  for (const d of PURE_DIRS) listTs(join(root, d), files);
  let violations = 0;
  for (const file of files) {
    for (const { line, rule } of checkSource(readFileSync(file, "utf8"))) {
      console.error(`${relative(root, file)}:${line}: ${rule}`);
      violations++;
    }
  }
  if (violations > 0) {
    console.error(`purity: ${violations} violation(s) in ${files.length} files (STYLE.md rule 1)`);
    process.exit(1);
  }
  console.log(`purity: ${files.length} files checked, clean`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
