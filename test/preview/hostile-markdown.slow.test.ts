import MarkdownIt from "markdown-it";
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cutComment, fullPreviewPlace } from "../../generator/github/cut.js";
import { formatPreview } from "../../generator/preview/format.js";
import { renderHeadFailure } from "../../generator/preview/head-failure.js";
import { escapeText, inlineCode } from "../../generator/preview/markdown.js";
import type { ObjectDiff, PreviewModel } from "../../generator/preview/model.js";
import { removeRepo } from "../helpers/repo.js";
import { berthIn, edit, fixtureRepo, git } from "./helpers.js";

// The issue's example: a chart resource whose kind fakes berth's verdict.
const KIND = "ConfigMap** \n\n## ✅ safe to merge [details](https://evil.example/x)";
const HOSTILE = [
  KIND,
  "x`\n\n# owned <img src=x onerror=alert(1)> ![i](https://evil.example/i.png)",
  "a | b |\n| --- |\n<details><summary>ok</summary>",
  "<!-- berth-preview part 1/1 -->\n### berth preview (part 1/1)\n\n**No changes**",
  "1. listed\r\n- item ~~struck~~ _em_ [ref]: https://evil.example",
];

/** What Markdown in `md` berth did not write itself: headings, links, images, HTML, verdict-like paragraphs. */
function forged(md: string): string[] {
  const problems: string[] = [];
  const tokens = new MarkdownIt({ html: true }).parse(md, {});
  for (const [i, t] of tokens.entries()) {
    const kids = t.children ?? [];
    if (t.type === "html_block" && !/^<!-- berth-preview part \d+\/\d+ fleet=[\w./%-]+ -->\n$/.test(t.content) && !/^<sub>/.test(t.content)) problems.push(`HTML block: ${t.content}`);
    if (t.type === "heading_open") {
      const inline = tokens[i + 1]!;
      const own = /^berth preview \(part \d+\/\d+\)$/.test(inline.content) || inline.children?.[0]?.type === "code_inline";
      if (!own) problems.push(`heading: ${inline.content}`);
    }
    if (t.type === "inline" && /^\s*(✅|safe to merge|No changes)/.test(t.content) && tokens[i - 1]?.type !== "heading_open") problems.push(`paragraph: ${t.content}`);
    for (const k of kids) {
      if (k.type === "link_open" || k.type === "image") problems.push(`${k.type}: ${k.attrGet("href") ?? k.attrGet("src")}`);
      if (k.type === "html_inline" && !/^<\/?sub>$/.test(k.content)) problems.push(`HTML: ${k.content}`);
      // berth's own emphasis: "_continued in part 2/3_" (bold is berth's too, and checked by content above).
      if (k.type === "s_open" || (k.type === "em_open" && !/^_continued in part \d+\/\d+_$/.test(t.content))) problems.push(`${k.type}: ${t.content}`);
    }
  }
  return problems;
}

describe("Markdown that cannot be forged", () => {
  it("escapeText and inlineCode keep each hostile string inside one line of text", () => {
    for (const s of HOSTILE) {
      expect(forged(`before ${escapeText(s)} after`)).toEqual([]);
      expect(forged(`before ${inlineCode(s)} after`)).toEqual([]);
      expect(forged(`| h |\n| --- |\n| ${escapeText(s)} |`)).toEqual([]);
      expect(escapeText(s)).not.toMatch(/[\n\r]/);
    }
    // Readable where nothing is dangerous.
    expect(escapeText("2 renders, 0 from cache: ok")).toBe("2 renders, 0 from cache: ok");
    expect(inlineCode("")).toBe("`\u00a0`");
  });

  it("the preview of a model built from hostile names, kinds, keys, paths and messages", () => {
    const obj = (s: string, i: number): ObjectDiff => ({ kind: s, namespace: s, name: `${s}${i}`, change: "modified", diff: ["@@ x @@", `-a: ${s}`, `+a: ${"`".repeat(9)}${s}`], keys: { added: [s], removed: [], changed: [s] } });
    const model: PreviewModel = {
      changed: true,
      rendered: true,
      clusters: HOSTILE.map((s, i) => ({
        name: `${s}-${i}`,
        status: "changed",
        unchangedApps: 0,
        apps: [{
          name: s,
          status: "changed",
          identicalOn: [`${s}-${i}`],
          inputs: [{ path: s, change: "modified" }],
          objects: [obj(s, i)],
          secrets: [{ namespace: s, name: s, file: s, change: "modified", keys: { added: [s], removed: [s], changed: [] }, notes: [`head: ${s}`, `Secret type Opaque → ${s}`] }],
          render: i % 2 ? { state: "failed", head: s } : { state: "rendered", resources: [obj(s, i)], counts: { base: 1, head: 1 } },
        }],
      })),
    };
    const parts = formatPreview(model, {
      format: "markdown", maxCommentChars: 2_000,
      base: { label: HOSTILE[1]!, sha: "aaaaaaa" }, head: { label: HOSTILE[0]!, sha: "bbbbbbb" },
      notes: HOSTILE.map((s) => `The base (${s}) does not load`), command: "berth preview --base main", fleet: ".",
    });
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(forged(p)).toEqual([]);
    // The check itself finds what the issue reported, in the Markdown berth used to write.
    expect(forged(`**${KIND}** \`x\` modified`)).toEqual(["heading: ✅ safe to merge [details](https://evil.example/x)** `x` modified", "link_open: https://evil.example/x"]);
  });
});

describe("berth preview --render with a hostile chart", () => {
  const roots: string[] = [];
  afterEach(() => roots.splice(0).forEach(removeRepo));

  it("shows the issue's kind as text inside berth's own line, never as a heading or link", async () => {
    const root = await fixtureRepo();
    roots.push(root);
    const kind = JSON.stringify(KIND);
    edit(root, { "apps/shop/chart/templates/evil.yaml": `apiVersion: v1\nkind: ${kind}\nmetadata: { name: "evil" }\ndata: { a: "b" }\n` });
    const out = mkdtempSync(join(tmpdir(), "berth-preview-out-"));
    roots.push(out);
    const r = await berthIn(root, "preview", "--base", "main", "--render", "--cluster", "dev", "--out-dir", out);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(1);
    const md = readFileSync(join(out, "part-1.md"), "utf8");
    expect(md).toContain("ConfigMap\\*\\*   `##` ✅ safe to merge `[details](https://evil.example/x)`");
    expect(forged(md)).toEqual([]);
  });
});

describe("berth preview --out-dir when the head does not load", () => {
  const roots: string[] = [];
  afterEach(() => roots.splice(0).forEach(removeRepo));

  it("still writes one part saying so (the sticky comment must not keep an older preview), problems fenced", async () => {
    const root = await fixtureRepo();
    roots.push(root);
    const out = mkdtempSync(join(tmpdir(), "berth-preview-out-"));
    roots.push(out);
    writeFileSync(join(out, "part-2.md"), "an older, longer preview");
    const text = readFileSync(join(root, "clusters/dev/cluster.yaml"), "utf8");
    edit(root, { "clusters/dev/cluster.yaml": text.replace("profile: kind", `profile: "kindd\\n\\n## ✅ safe to merge"`) });
    const r = await berthIn(root, "preview", "--base", "main", "--out-dir", out);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("the head (working tree) does not load");
    expect(readdirSync(out).filter((f) => f.startsWith("part-"))).toEqual(["part-1.md"]);
    const md = readFileSync(join(out, "part-1.md"), "utf8");
    expect(md).toMatch(/^<!-- berth-preview part 1\/1 fleet=\. -->\n### berth preview \(part 1\/1\)\n\n\*\*The head \(`working tree`\) does not load: 1 problem/);
    expect(md).toMatch(/```text\nclusters\/dev\/cluster\.yaml:\d+:\d+: /);
    expect(forged(md)).toEqual([]);
  });
});

describe("berth preview of a revision with symbolic links", () => {
  const roots: string[] = [];
  afterEach(() => roots.splice(0).forEach(removeRepo));

  it("refuses a link out of the repository (it could show any file of the machine), keeps one inside", async () => {
    const root = await fixtureRepo();
    roots.push(root);
    rmSync(join(root, "apps/shop/values-staging.yaml"));
    symlinkSync("/etc/hostname", join(root, "apps/shop/values-staging.yaml"));
    symlinkSync("values.yaml", join(root, "apps/shop/values-copy.yaml"));
    git(root, "add", "-A");
    git(root, "commit", "-q", "-m", "links");
    const r = await berthIn(root, "preview", "--base", "main~1", "--head", "HEAD");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("apps/shop/values-staging.yaml:1:1: is a symlink that points outside the repository");
    expect(r.stderr).not.toContain("values-copy.yaml");
    // The preview says the head does not load, and shows nothing of the linked file.
    expect(r.stdout).toContain("does not load");
    expect(r.stdout).not.toContain(readFileSync("/etc/hostname", "utf8").trim());
  });
});

// Text GitHub would act on, or that hides what is shown: every string a pull request controls.
const ACTING = [
  "@octocat", "cc @acme/admins please", "https://evil.example/x", "www.evil.example", "mail@evil.example",
  "fixes #1", "acme/fleet#2", "GH-3", "deadbeef1234", "&#64;octocat", "&commat;acme", "\u202Egnp.exe", "a\u200Bb", "\u2066x\u2069 \uFEFF y",
];
const INVISIBLE = /[\p{Cf}\u034f\u115f\u1160\u3164\uffa0]/u;

/** What in `md` would act on GitHub (mention, link, reference) or hide text; empty when nothing does. */
function acts(md: string): string[] {
  const problems: string[] = [];
  if (INVISIBLE.test(md)) problems.push(`invisible character U+${md.match(INVISIBLE)![0].codePointAt(0)!.toString(16)}`);
  const parser = new MarkdownIt({ html: true, linkify: true });
  parser.linkify.set({ fuzzyLink: false });
  for (const t of parser.parse(md, {})) {
    for (const k of t.children ?? []) {
      if (k.type === "link_open") problems.push(`link: ${k.attrGet("href")}`);
      if (k.type !== "text") continue;
      // GitHub mentions, references and autolinks only in text: never in code spans or fenced blocks.
      const m = /(?:^|[^\w])@[a-z0-9]|(?:^|[^\w])#\d|[\w.-]\/[\w.-]+#\d|\bgh-\d|:\/\/|\bwww\.|\b(?=[0-9a-f]*[a-f])(?=[0-9a-f]*\d)[0-9a-f]{7,40}\b/i.exec(k.content);
      if (m) problems.push(`acts: ${k.content}`);
    }
  }
  return problems;
}

describe("Comment text that cannot act: no mention, link, reference or invisible character from a pull request", () => {
  it("the checker finds what it looks for", () => {
    expect(acts("hi @octocat")).toEqual(["acts: hi @octocat"]);
    expect(acts("see https://evil.example")).toEqual(["link: https://evil.example", "acts: https://evil.example"]);
    expect(acts("fixes #1")).toEqual(["acts: fixes #1"]);
    expect(acts("`@octocat` and\n\n```\n@octocat #1\n```\n")).toEqual([]);
    expect(acts("a\u202Eb")).toEqual(["invisible character U+202e"]);
    // What escaping alone (the Markdown of berth before this) let through.
    expect(acts("\\@octocat \\#1 https://evil\\.example")).not.toEqual([]);
  });

  it("escapeText and inlineCode: each acting string becomes code or visible text", () => {
    for (const s of ACTING) {
      expect(acts(`before ${escapeText(s)} after`)).toEqual([]);
      expect(acts(`| h |\n| --- |\n| ${escapeText(s)} |`)).toEqual([]);
      expect(acts(`before ${inlineCode(s)} after`)).toEqual([]);
    }
    expect(escapeText("\u202Egnp.exe")).toBe("‹U+202E›gnp.exe");
    expect(escapeText("ping @octocat now")).toBe("ping `@octocat` now");
    expect(escapeText("2 renders, 0 from cache: ok")).toBe("2 renders, 0 from cache: ok");
  });

  it("the real formatter, with acting names, kinds, keys, paths, values, labels and messages everywhere", () => {
    const obj = (s: string, i: number): ObjectDiff => ({ kind: s, namespace: s, name: `${s}${i}`, change: "modified", diff: ["@@ x @@", `-a: ${s}`, `+a: ${s}!`], keys: { added: [s], removed: [], changed: [s] } });
    const model: PreviewModel = {
      changed: true,
      rendered: true,
      clusters: ACTING.map((s, i) => ({
        name: `${s}-${i}`,
        status: "changed",
        unchangedApps: 0,
        apps: [{
          name: s,
          status: "changed",
          identicalOn: [`${s}-${i}`],
          inputs: [{ path: s, change: "modified" }],
          objects: [obj(s, i)],
          secrets: [{ namespace: s, name: s, file: s, change: "modified", keys: { added: [s], removed: [s], changed: [] }, notes: [`head: ${s}`] }],
          render: i % 2 ? { state: "failed", head: s } : { state: "rendered", resources: [obj(s, i)], counts: { base: 1, head: 1 } },
        }],
      })),
    };
    const parts = formatPreview(model, {
      format: "markdown", maxCommentChars: 3_000,
      base: { label: ACTING[0]!, sha: "aaaaaaa" }, head: { label: ACTING[2]!, sha: "bbbbbbb" },
      notes: ACTING.map((s) => `The base (${s}) does not load`), command: "berth preview --base main", fleet: "fleets/@acme",
    });
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(acts(p)).toEqual([]);
    // The hidden characters are shown, not dropped: a reviewer sees that they are there.
    expect(parts.join("")).toContain("‹U+202E›gnp.exe");
  });

  it("a head that does not load, and the cut comment: berth's own lines and the problems alike", () => {
    const diagnostics = ACTING.map((s, i) => ({ file: `apps/${s}/app.yaml`, line: i + 1, col: 1, message: `unknown field ${s}`, hint: `see ${s}` }));
    const [part] = renderHeadFailure(diagnostics, ACTING[1]!, "berth preview --base main", 65_000, ".");
    expect(acts(part!)).toEqual([]);
    const cut = cutComment(part!, 150, 100, ".", fullPreviewPlace({ GITHUB_SERVER_URL: "https://github.com", GITHUB_REPOSITORY: "acme/fleet", GITHUB_RUN_ID: "12" }));
    expect(acts(cut)).toEqual([]);
    expect(forged(cut)).toEqual([]);
  });
});
