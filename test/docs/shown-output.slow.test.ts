import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../generator/cli.js";
// @ts-expect-error -- a plain ES module script without type declarations
import { refresh } from "../../scripts/update-readme.js";
import { REPO_ROOT } from "../helpers/example-fleet.js";

/**
 * Every command output the README or a docs/ page shows is checked, so none can drift. A page
 * shows output either between `<!-- berth: ARGS -->` and `<!-- /berth -->` (`npm run readme`
 * writes it from the example fleet; the first test here compares), or in a page that has a test
 * of its own, `test/docs/<page>.test.ts` (or `.slow.test.ts`), which reads that page and runs
 * what it shows (as make-it-yours, rotating-keys, after-a-push and private-repositories do).
 */
const pages = ["README.md", ...readdirSync(join(REPO_ROOT, "docs")).filter((f) => f.endsWith(".md")).sort().map((f) => `docs/${f}`)];
const read = (page: string) => readFileSync(join(REPO_ROOT, page), "utf8");

/** Fenced blocks that show a command (`$ …`) followed by output, outside `<!-- berth: -->` markers, with their line. */
export function uncheckedOutput(text: string): Array<{ line: number; command: string }> {
  const outside = text.replace(/<!-- berth: [^>]+? -->\n[\s\S]*?<!-- \/berth -->/g, (m) => m.replace(/[^\n]/g, " "));
  const out: Array<{ line: number; command: string }> = [];
  for (const m of outside.matchAll(/^(`{3,}|~{3,})[^\n]*\n([\s\S]*?)^\1[ \t]*$/gm)) {
    const lines = m[2]!.split("\n");
    const at = lines.findIndex((l) => l.startsWith("$ "));
    if (at < 0 || !lines.slice(at + 1).some((l) => l.trim() !== "" && !l.startsWith("$ "))) continue;
    out.push({ line: outside.slice(0, m.index).split("\n").length, command: lines[at]! });
  }
  return out;
}

/** The page's own test, when it has one that reads the page. */
function pageTest(page: string): string | undefined {
  const name = page === "README.md" ? "readme" : page.slice("docs/".length, -".md".length);
  for (const file of [`test/docs/${name}.test.ts`, `test/docs/${name}.slow.test.ts`]) {
    if (existsSync(join(REPO_ROOT, file)) && read(file).includes(page === "README.md" ? "README.md" : page)) return file;
  }
  return undefined;
}

describe("command output shown in the README and docs/", () => {
  it.each(pages)("%s shows the current output of every <!-- berth: --> command (refresh with `npm run readme`)", async (page) => {
    const text = read(page);
    expect(await refresh(text, main)).toBe(text);
  });

  it.each(pages)("%s shows no command output that no test checks", (page) => {
    const unchecked = uncheckedOutput(read(page));
    if (unchecked.length === 0 || pageTest(page)) return;
    expect(unchecked.map((u) => `${page}:${u.line}: ${u.command}`), "put it between <!-- berth: ARGS --> markers, or give the page a test of its own in test/docs/").toEqual([]);
  });

  it("finds output outside the markers, and none inside them", () => {
    const page = "```text\n$ npx berth generate\nlaptop: 1 files\n```\n\n<!-- berth: fleet -->\n```text\n$ npx berth fleet\n| a |\n```\n<!-- /berth -->\n\n```sh\n$ npx berth generate\n```\n";
    expect(uncheckedOutput(page)).toEqual([{ line: 1, command: "$ npx berth generate" }]);
  });
});
