#!/usr/bin/env node
// `npm run readme`: refreshes the README's generated sections from the commands that produce
// them, so every table and diagram in the README is the output of a command in this repository.
// test/docs/shown-output.slow.test.ts fails when a section of the README or of a docs/ page is out of date.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { copyExampleFleet } from "./example-fleet.js";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const readmePath = new URL("../README.md", import.meta.url);

/**
 * The README describes the example fleet, so its figures come from a pristine copy of it (in a
 * fork after `berth init --empty`, the repository's own folders hold another fleet).
 */
let root;
function exampleRoot() {
  if (root) return root;
  root = mkdtempSync(join(tmpdir(), "berth-readme-"));
  process.once("exit", () => rmSync(root, { recursive: true, force: true }));
  copyExampleFleet(repoRoot, root);
  return root;
}

/**
 * Runs berth in-process against the example fleet and returns its standard output: `main` is
 * the CLI's entry point (the built one for `npm run readme`, the TypeScript source in tests, which
 * so need no build).
 */
export async function berthOutput(args, main) {
  const root = exampleRoot();
  let out = "";
  const code = await main(args, { stdout: { write: (s) => (out += s) }, stderr: { write: (s) => process.stderr.write(s) }, cwd: root, env: {} });
  if (code !== 0) throw new Error(`berth ${args.join(" ")} exited ${code}`);
  return out;
}

/**
 * Replaces the body between `<!-- berth: ARGS -->` and `<!-- /berth -->` with `berth ARGS`
 * output; `<!-- berth: ARGS | text -->` puts the output in a ```text block.
 */
export async function refresh(text, main) {
  const marker = /<!-- berth: ([^>]+?) -->\n[\s\S]*?<!-- \/berth -->/g;
  let result = "";
  let last = 0;
  for (const m of text.matchAll(marker)) {
    const [args, fence] = m[1].split(" | ");
    const output = await berthOutput(args.split(" "), main);
    const body = fence ? `\`\`\`${fence}\n$ npx berth ${args}\n${output}\`\`\`\n` : output;
    result += text.slice(last, m.index) + `<!-- berth: ${m[1]} -->\n${body}<!-- /berth -->`;
    last = m.index + m[0].length;
  }
  return result + text.slice(last);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // The README and every docs/ page (test/docs/shown-output.slow.test.ts fails when one is stale).
  const { main } = await import("../dist/generator/cli.js");
  const pages = [readmePath, ...readdirSync(new URL("../docs", import.meta.url)).filter((f) => f.endsWith(".md")).sort().map((f) => new URL(`../docs/${f}`, import.meta.url))];
  for (const page of pages) {
    const before = readFileSync(page, "utf8");
    const after = await refresh(before, main);
    if (after !== before) writeFileSync(page, after);
    console.log(`${fileURLToPath(page).slice(repoRoot.length)}: ${before === after ? "up to date" : "updated"}`);
  }
}
