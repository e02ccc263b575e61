import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, posix, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * The README's code map lists generator/'s folders from the ground floor up; a file may import from
 * its own row and the rows before it, never from a row after it. This reads the map and every
 * import of every file under generator/ and fails on an upward arrow, or on a folder the map does
 * not place.
 */
const repo = join(dirname(fileURLToPath(import.meta.url)), "../..");
const generator = join(repo, "generator");

/** Rows of the code map: each a list of top-level names (`yaml/`, `errors.ts`) on one line. */
export function codeMapRows(readme: string): string[][] {
  const section = readme.split(/^## /m).find((s) => s.startsWith("Code map"));
  if (!section) throw new Error("README.md has no ## Code map section");
  const block = /```\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error("the code map section has no code block");
  const rows: string[][] = [];
  for (const line of block.split("\n")) {
    const names = line.split(/\s{2,}/)[0]!.trim();
    if (!names.startsWith("generator/")) continue;
    // `generator/errors.ts, layout.ts` names several top-level entries of one row; a sub-folder
    // (model/schema/) belongs to its folder's row and is not a row of its own.
    const entries = names.split(/,\s*/).map((n) => n.replace(/^generator\//, ""));
    const top = entries.map((e) => (e.includes("/") ? e.slice(0, e.indexOf("/") + 1) : e));
    if (entries.some((e) => e.split("/").filter(Boolean).length > 1)) continue;
    rows.push(top);
  }
  return rows;
}

/** The row key of a file under generator/: its top folder (`plan/`) or, at the top, its name. */
function placeOf(file: string): string {
  const rel = relative(generator, file).split(sep).join("/");
  return rel.includes("/") ? `${rel.slice(0, rel.indexOf("/"))}/` : rel;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : e.name.endsWith(".ts") ? [p] : [];
  });
}

/** Every relative import, re-export and dynamic import of a file, as the files they name. */
export function importsOf(file: string, text: string): string[] {
  const specs = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^;]*?\bfrom\s*["'](\.[^"']*)["']|\bimport\(\s*["'](\.[^"']*)["']\s*\)|(?:^|\n)\s*import\s*["'](\.[^"']*)["']/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
  return specs.map((s) => posix.join(dirname(file).split(sep).join("/"), s));
}

describe("the import graph", () => {
  const rows = codeMapRows(readFileSync(join(repo, "README.md"), "utf8"));
  const rank = new Map(rows.flatMap((row, i) => row.map((name) => [name, i] as const)));
  const files = sourceFiles(generator);

  it("places every folder and top-level file of generator/ in exactly one row of the code map", () => {
    const listed = rows.flat();
    expect(new Set(listed).size, `listed twice: ${listed.filter((n, i) => listed.indexOf(n) !== i)}`).toBe(listed.length);
    const present = readdirSync(generator, { withFileTypes: true }).map((e) => (e.isDirectory() ? `${e.name}/` : e.name)).filter((n) => n.endsWith("/") || n.endsWith(".ts")).sort();
    expect(present.filter((p) => !rank.has(p)), "in generator/ but not in the README's code map").toEqual([]);
    expect(listed.filter((n) => !present.includes(n)), "in the code map but not in generator/").toEqual([]);
  });

  it("has no upward arrow: no file imports from a folder later in the code map", () => {
    const upward: string[] = [];
    for (const file of files) {
      const from = placeOf(file);
      for (const target of importsOf(file, readFileSync(file, "utf8"))) {
        const to = placeOf(target);
        if (to !== from && rank.get(to)! > rank.get(from)!) upward.push(`${relative(repo, file)} (${from}) imports ${relative(repo, target)} (${to})`);
      }
    }
    expect(upward).toEqual([]);
  });

  it("sees an upward arrow when there is one", () => {
    // The check itself: a file of yaml/ (a low row) importing commands/ (a high row) is caught.
    const fake = join(generator, "yaml/x.ts");
    const [target] = importsOf(fake, 'import { runGenerate } from "../commands/generate.js";\n');
    expect(rank.get(placeOf(target!))! > rank.get(placeOf(fake))!).toBe(true);
    expect(importsOf(fake, 'export type { A } from "./a.js";\nconst m = await import("../plan/b.js");\n').map((t) => placeOf(t))).toEqual(["yaml/", "plan/"]);
  });
});
