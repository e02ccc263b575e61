import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { berthWithEnv, makeRepo, removeRepo, writeTree } from "../helpers/repo.js";
import { fixtureFleet } from "../helpers/fleet-fixture.js";
import { BUNDLE } from "../../generator/exec/tools.js";
import { ARGOCD_PIN } from "../../generator/pins/argo-cd.js";
import { berthIn, commitAll, edit, fixtureRepo, git } from "./helpers.js";

const roots: string[] = [];
/** berthIn's environment, for runs that need their own cache folder. */
const toolsEnv = { PATH: process.env.PATH, HOME: process.env.HOME, BERTH_TOOLS: "bundled" };
afterEach(() => {
  for (const r of roots.splice(0)) removeRepo(r);
});
async function repo(extra: Record<string, string> = {}): Promise<string> {
  const root = await fixtureRepo(extra);
  roots.push(root);
  return root;
}
/** A structurally valid sealed value (2-byte length, 512 "RSA" bytes, 32 "AES" bytes); nothing decrypts it. */
const fakeCipher = (seed: string) => {
  const prefix = Buffer.alloc(2);
  prefix.writeUInt16BE(512);
  return Buffer.concat([prefix, Buffer.alloc(512, seed), Buffer.alloc(32, seed.toUpperCase())]).toString("base64");
};
const read = (root: string, p: string) => readFileSync(join(root, p), "utf8");
const replaceIn = (root: string, p: string, from: string, to: string) => {
  const text = read(root, p);
  if (!text.includes(from)) throw new Error(`${p} has no ${from}`);
  edit(root, { [p]: text.replace(from, to) });
};
/** Sections of the text output, per cluster. */
const clusterSection = (out: string, cluster: string) => {
  const start = out.indexOf(`== cluster ${cluster}:`);
  if (start < 0) return "";
  const next = out.indexOf("== cluster ", start + 1);
  return out.slice(start, next < 0 ? undefined : next);
};

describe("berth preview: tier 1 (generated objects)", () => {
  it("exits 0 with 'No changes' when the working tree deploys what the base does", async () => {
    const root = await repo();
    const r = await berthIn(root, "preview", "--base", "main");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("No changes");
    expect(r.stdout).toContain("working tree on");
    expect(r.stdout).toContain("(uncommitted changes included)");
    expect(r.stdout.startsWith("<!-- berth-preview part 1/1 fleet=. -->\n### berth preview (part 1/1)\n")).toBe(true);
  });

  it("a cluster's inline values change shows only that Application's diff, on that cluster", async () => {
    const root = await repo();
    replaceIn(root, "clusters/dev/cluster.yaml", "values: { replicas: 1 }", "values: { replicas: 2 }");
    const r = await berthIn(root, "preview", "--base", "main", "--format", "text");
    expect(r.code).toBe(1);
    expect(clusterSection(r.stdout, "prod")).toBe("");
    const dev = clusterSection(r.stdout, "dev");
    expect(dev).toContain("-- dev · Application shop-staging");
    expect(dev).toContain("@@ spec.source.helm.valuesObject.replicas @@");
    expect(dev).toMatch(/^\s+-\s+replicas: 1$/m);
    expect(dev).toMatch(/^\s+\+\s+replicas: 2$/m);
    expect(dev.match(/^-- /gm)).toHaveLength(1);
  });

  it("a values-file change marks that app's inputs changed on every cluster that runs it, and only there", async () => {
    const root = await repo();
    replaceIn(root, "apps/shop/values-staging.yaml", "log: debug", "log: trace");
    const r = await berthIn(root, "preview", "--base", "main", "--format", "text");
    expect(r.code).toBe(1);
    // values-staging.yaml is read by shop-staging (dev) only; prod's shop-prod does not read it.
    expect(clusterSection(r.stdout, "prod")).toBe("");
    expect(clusterSection(r.stdout, "dev")).toContain("Inputs changed: apps/shop/values-staging.yaml (modified)");
    expect(clusterSection(r.stdout, "dev")).toContain("run with `--render`");
  });

  it("shows a change identical on both clusters once, with the list of clusters", async () => {
    const root = await repo();
    edit(root, { "apps/metrics/app.yaml": `${read(root, "apps/metrics/app.yaml")}sync: { serverSideApply: true }\n` });
    const r = await berthIn(root, "preview", "--base", "main");
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("Identical on `dev`, `prod`: shown once.");
    expect(r.stdout).toContain("Same change as on `dev` (shown there).");
    expect(r.stdout.match(/\+\s+- ServerSideApply=true/g)).toHaveLength(1);
  });

  it("shows apps added and removed, and a new cluster", async () => {
    const root = await repo();
    replaceIn(root, "clusters/dev/cluster.yaml", "  - kustom\n", "");
    replaceIn(root, "clusters/prod/cluster.yaml", "apps: [argo-cd, sealed-secrets, shop, metrics, postgres]", "apps: [argo-cd, sealed-secrets, shop, metrics, postgres, cache]");
    edit(root, {
      "apps/cache/app.yaml": "layer: infra\nnamespace: cache\nsource: { type: manifests, path: m }\n",
      "apps/cache/m/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: cache }\n",
      "clusters/edge/cluster.yaml": read(root, "clusters/prod/cluster.yaml").replace("apps: [argo-cd, sealed-secrets, shop, metrics, postgres, cache]", "apps: [argo-cd, cache]").replace(", apiVersions: [monitoring.coreos.com/v1]", ""),
    });
    const r = await berthIn(root, "preview", "--base", "main", "--format", "text");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^edge \(new\)\s+0\s+2\s+0/m);
    expect(r.stdout).toMatch(/^dev\s+0\s+0\s+1/m);
    expect(r.stdout).toMatch(/^prod\s+0\s+1\s+0/m);
    expect(r.stdout).toContain("== cluster edge: new cluster ==");
    expect(clusterSection(r.stdout, "dev")).toContain("-- dev · removed Application kustom");
    expect(clusterSection(r.stdout, "dev")).toMatch(/^\s+-\s+name: kustom$/m);
    expect(clusterSection(r.stdout, "prod")).toContain("-- prod · new Application cache");
  });

  it("shows SealedSecret keys added and re-sealed by name, never the ciphertext", async () => {
    const root = await repo();
    const file = "secrets/dev/shop-staging/shop-db.yaml";
    const before = read(root, file);
    const oldCipher = /password: (\S+)/.exec(before)![1]!;
    const newCipher = fakeCipher("new");
    const addedCipher = fakeCipher("added");
    edit(root, { [file]: before.replace(`password: ${oldCipher}`, `password: ${newCipher}\n    api-key: ${addedCipher}`) });
    for (const format of ["markdown", "text"]) {
      const r = await berthIn(root, "preview", "--base", "main", "--format", format);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain("shop-staging/shop-db");
      expect(r.stdout).toMatch(/added `?api-key`?; re-sealed `?password`?/);
      expect(r.stdout).toContain("ciphertext never shown");
      for (const c of [oldCipher, newCipher, addedCipher]) {
        expect(r.stdout).not.toContain(c);
        expect(r.stdout).not.toContain(c.slice(0, 24));
      }
    }
  });

  it("compares two revisions with --head, leaving the working tree out", async () => {
    const root = await repo();
    replaceIn(root, "clusters/dev/cluster.yaml", "values: { replicas: 1 }", "values: { replicas: 5 }");
    await commitAll(root, "five replicas");
    replaceIn(root, "clusters/dev/cluster.yaml", "values: { replicas: 5 }", "values: { replicas: 9 }");
    const r = await berthIn(root, "preview", "--base", "main~1", "--head", "main", "--format", "text");
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^base main~1 \([0-9a-f]{7}\) → head main \([0-9a-f]{7}\)$/m);
    expect(r.stdout).toMatch(/\+\s+replicas: 5/);
    expect(r.stdout).not.toContain("replicas: 9");
  });
});

describe("berth preview: repository layout", () => {
  it("works when the fleet is a subfolder of the repository (-C)", async () => {
    const root = await repo();
    const fleet = join(root, "fleet");
    edit(root, { "fleet/.keep": "" });
    for (const d of ["clusters", "apps", "secrets"]) git(root, "mv", d, `fleet/${d}`);
    git(root, "commit", "-q", "-m", "move into fleet/");
    replaceIn(fleet, "clusters/dev/cluster.yaml", "values: { replicas: 1 }", "values: { replicas: 3 }");
    const r = await berthIn(root, "-C", "fleet", "preview", "--base", "main", "--format", "text");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/\+\s+replicas: 3/);
    expect(clusterSection(r.stdout, "prod")).toBe("");
    // The comment's marker names the fleet's folder: another fleet in the repository keeps its own comment.
    const md = await berthIn(root, "-C", "fleet", "preview", "--base", "main");
    expect(md.stdout.startsWith("<!-- berth-preview part 1/1 fleet=fleet -->\n### berth preview (part 1/1)\n")).toBe(true);
  });
});

describe("berth preview: errors", () => {
  it("a head that does not load is exit 2 (not 'changes'), with file:line:col on stderr and in the preview text", async () => {
    const root = await repo();
    replaceIn(root, "clusters/dev/cluster.yaml", "profile: kind", "profile: kindd");
    const r = await berthIn(root, "preview", "--base", "main");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("the head (working tree) does not load");
    expect(r.stderr).toMatch(/clusters\/dev\/cluster\.yaml:1:\d+: /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toMatch(/^<!-- berth-preview part 1\/1 fleet=\. -->\n### berth preview \(part 1\/1\)\n\n\*\*The head \(`working tree`\) does not load: 1 problem/);
    expect(r.stdout).toMatch(/```text\nclusters\/dev\/cluster\.yaml:1:\d+: profile is "kindd"/);
    const text = await berthIn(root, "preview", "--base", "main", "--format", "text");
    expect(text.code).toBe(2);
    expect(text.stdout).toMatch(/^berth preview: The head \(working tree\) does not load/);
  });

  it("a base that does not load is treated as empty, and says so", async () => {
    const root = await repo();
    replaceIn(root, "clusters/dev/cluster.yaml", "profile: kind", "profile: kindd");
    git(root, "commit", "-q", "-am", "broken");
    replaceIn(root, "clusters/dev/cluster.yaml", "profile: kindd", "profile: kind");
    const r = await berthIn(root, "preview", "--base", "main", "--format", "text");
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("note: The base (main) does not load (1 problem, first: clusters/dev/cluster.yaml:1:");
    expect(r.stdout).toMatch(/^dev \(new\)/m);
  });

  it("a revision without the fleet folder: an empty base with a note, a head refused by name", async () => {
    const top = makeRepo({ "README.md": "before the fleet\n" });
    roots.push(top);
    git(top, "init", "-q", "-b", "main");
    git(top, "add", "-A");
    git(top, "commit", "-q", "-m", "no fleet yet");
    writeTree(join(top, "fleet"), fixtureFleet());
    git(top, "add", "-A");
    git(top, "commit", "-q", "-m", "the fleet");
    const fleet = join(top, "fleet");
    for (const head of [[], ["--head", "HEAD"]]) {
      const r = await berthIn(fleet, "preview", "--base", "HEAD~1", ...head, "--format", "text");
      expect(r.code).toBe(1);
      expect(r.stdout).toContain("The base has no fleet folder (fleet/); it is treated as empty, so everything shows as added.");
      expect(r.stdout).toMatch(/^dev \(new\)/m);
    }
    const noHead = await berthIn(fleet, "preview", "--base", "HEAD", "--head", "HEAD~1");
    expect(noHead.code).toBe(1);
    expect(noHead.stderr).toContain("--head HEAD~1: the fleet folder fleet/ does not exist at that revision");
  });

  it("an unknown base revision exits 1 with a hint", async () => {
    const root = await repo();
    const r = await berthIn(root, "preview", "--base", "no-such-branch");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--base "no-such-branch" is not a commit in this repository');
    expect(r.stderr).toContain("fix: check the name with `git log --oneline`");
    // A revision that git would read as an option is refused before git sees it.
    const dash = await berthIn(root, "preview", "--base=--output=/tmp/x");
    expect(dash.code).toBe(1);
    expect(dash.stderr).toContain('--base "--output=/tmp/x" is not a revision');
  });

  it("outside a git repository exits 2", async () => {
    const dir = mkdtempSync(join(tmpdir(), "berth-nogit-"));
    roots.push(dir);
    const r = await berthIn(dir, "preview", "--base", "main");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("is not inside a git repository");
    expect(r.stderr).toContain("fix:");
  });

  it("leaves no temp folder behind, even when the head fails", async () => {
    const root = await repo();
    const before = readdirSync(tmpdir()).filter((n) => n.startsWith("berth-preview-"));
    replaceIn(root, "clusters/dev/cluster.yaml", "profile: kind", "profile: kindd");
    await berthIn(root, "preview", "--base", "main");
    const after = readdirSync(tmpdir()).filter((n) => n.startsWith("berth-preview-"));
    expect(after.filter((n) => !before.includes(n))).toEqual([]);
  });
});

describe("berth preview --render (tier 2)", () => {
  const secretTemplate = "apiVersion: v1\nkind: Secret\nmetadata: { name: shop-token }\nstringData: { token: {{ .Values.token | quote }} }\n";

  it("renders the local chart on both sides and shows the ConfigMap change; Secret values stay hidden", async () => {
    const root = await repo({ "apps/shop/chart/templates/secret.yaml": secretTemplate, "apps/shop/values.yaml": "replicas: 1\nlog: info\ntoken: old-t0ken-value\n" });
    replaceIn(root, "apps/shop/chart/templates/cm.yaml", "data: { env:", "data: { log: {{ .Values.log | quote }}, env:");
    replaceIn(root, "apps/shop/values.yaml", "token: old-t0ken-value", "token: new-t0ken-value");
    const out = mkdtempSync(join(tmpdir(), "berth-preview-out-"));
    roots.push(out);
    const r = await berthIn(root, "preview", "--base", "main", "--render", "--format", "text", "--cluster", "dev");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("Rendered manifests: 2 modified");
    expect(r.stdout).toContain("ConfigMap shop (modified)");
    expect(r.stdout).toMatch(/^\s+\+\s+log: debug$/m);
    expect(r.stdout).toContain("Secret shop-token (modified) keys: value changed token (values hidden)");
    expect(r.stdout).not.toContain("t0ken-value");
    expect(r.stdout).toContain("Only cluster dev was compared");
    // The tools it rendered with, and a warning where they are not the pinned Argo CD's minor.
    expect(r.stdout).toContain(`on both sides with helm ${BUNDLE.helmVersion} and kustomize ${BUNDLE.kustomizeVersion} (kubectl ${BUNDLE.kubectlVersion}, bundled)`);
    expect(r.stdout).toContain(`Warning: helm ${BUNDLE.helmVersion} differs from the ${ARGOCD_PIN.repoServer.helm} Argo CD ${ARGOCD_PIN.argoCd}'s repo-server renders with`);
    // A render holding Secret values is never cached (a digest of a short value could be guessed).
    const cache = mkdtempSync(join(tmpdir(), "berth-preview-cache-"));
    roots.push(cache);
    const again = await berthWithEnv(root, { ...toolsEnv, XDG_CACHE_HOME: cache }, "preview", "--base", "main", "--render", "--cluster", "dev", "--out-dir", out);
    expect(again.stdout).toContain("wrote 1 part to");
    expect(readFileSync(join(out, "part-1.md"), "utf8")).toContain("2 renders, 0 from cache");
    expect(readdirSync(join(cache, "berth/preview-renders"))).toEqual([]);
  });

  it("caches masked renders by content: the same comparison again renders nothing", async () => {
    const root = await repo();
    replaceIn(root, "apps/shop/chart/templates/cm.yaml", "data: { env:", "data: { log: {{ .Values.log | quote }}, env:");
    const out = mkdtempSync(join(tmpdir(), "berth-preview-out-"));
    roots.push(out);
    const cache = mkdtempSync(join(tmpdir(), "berth-preview-cache-"));
    roots.push(cache);
    const run = () => berthWithEnv(root, { ...toolsEnv, XDG_CACHE_HOME: cache }, "preview", "--base", "main", "--render", "--cluster", "prod", "--out-dir", out);
    const first = await run();
    expect(first.code).toBe(1);
    expect(readFileSync(join(out, "part-1.md"), "utf8")).toContain("2 renders, 0 from cache");
    const second = await run();
    expect(second.code).toBe(1);
    const part = readFileSync(join(out, "part-1.md"), "utf8");
    expect(part).toContain("0 renders, 2 from cache");
    expect(part).toContain("+  log: info");
    // In the user's cache folder, never in --out-dir (issue 18, finding 5).
    expect(readdirSync(join(cache, "berth/preview-renders"))).toHaveLength(2);
    expect(existsSync(join(out, "render-cache"))).toBe(false);
  });

  it("shows a render failure as such, never as 'no changes'", async () => {
    const root = await repo();
    replaceIn(root, "apps/shop/chart/templates/cm.yaml", "{{ .Values.berth.environment | quote }}", "{{ .Values.berth.environment | nosuchfunction }}");
    const r = await berthIn(root, "preview", "--base", "main", "--render", "--format", "text");
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^dev\s+1\s+0\s+0\s+0\s+1$/m);
    expect(r.stdout).toContain("rendered manifests: render failed (head)");
    expect(r.stdout).toMatch(/head: .*nosuchfunction/);
    expect(r.stdout).not.toContain("no change (");
  });
});

describe("berth preview: comment parts", () => {
  it("splits under --max-comment-chars at section boundaries, every part within the limit, cuts with an explicit notice", async () => {
    const big = Array.from({ length: 400 }, (_, i) => `  k${i}: "${"v".repeat(40)}${i}"`).join("\n");
    const root = await repo();
    // A large generated change: 400 inline values on dev's shop, plus small changes on other apps.
    replaceIn(root, "clusters/dev/cluster.yaml", "values: { replicas: 1 }", `values:\n      replicas: 1\n${big.replace(/^ {2}/gm, "      ")}`);
    edit(root, { "apps/metrics/app.yaml": `${read(root, "apps/metrics/app.yaml")}sync: { serverSideApply: true }\n` });
    const out = mkdtempSync(join(tmpdir(), "berth-preview-out-"));
    roots.push(out);
    writeFileSync(join(out, "part-9.md"), "left over from an earlier run");
    const r = await berthIn(root, "preview", "--base", "main", "--max-comment-chars", "3000", "--out-dir", out);
    expect(r.code).toBe(1);
    const files = readdirSync(out).filter((f) => f.startsWith("part-")).sort((a, b) => parseInt(a.slice(5)) - parseInt(b.slice(5)));
    expect(files.length).toBeGreaterThan(1);
    expect(existsSync(join(out, "part-9.md")) && files.length < 9).toBe(false);
    const n = files.length;
    files.forEach((f, i) => {
      const text = readFileSync(join(out, f), "utf8");
      expect(Buffer.byteLength(text, "utf8")).toBeLessThanOrEqual(3000);
      expect(text.startsWith(`<!-- berth-preview part ${i + 1}/${n} fleet=. -->\n### berth preview (part ${i + 1}/${n})\n`)).toBe(true);
      // Code fences are balanced in every part.
      expect((text.match(/^```/gm) ?? []).length % 2).toBe(0);
    });
    const all = files.map((f) => readFileSync(join(out, f), "utf8")).join("\n");
    expect(all).toMatch(/… \d+ more lines not shown; run `berth preview --base main --cluster dev --format text` locally/);
    expect(all).toContain("| dev |");
    expect(all).toMatch(/^\+\s+- ServerSideApply=true$/m);
    expect(all).toContain("(continued)");
  });

  it("prints the parts to stdout separated by a line when there is no --out-dir", async () => {
    const root = await repo();
    const big = Array.from({ length: 60 }, (_, i) => `      k${i}: "${"v".repeat(60)}"`).join("\n");
    replaceIn(root, "clusters/dev/cluster.yaml", "values: { replicas: 1 }", `values:\n      replicas: 1\n${big}`);
    edit(root, { "apps/metrics/app.yaml": `${read(root, "apps/metrics/app.yaml")}namespaceMetadata: { labels: { team: obs } }\n` });
    const r = await berthIn(root, "preview", "--base", "main", "--max-comment-chars", "2500");
    const parts = r.stdout.split(/\n-{24} 8< -{24}\n\n/);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(Buffer.byteLength(p, "utf8")).toBeLessThanOrEqual(2500);
    const small = await berthIn(root, "preview", "--base", "main", "--max-comment-chars", "100");
    expect(small.code).toBe(2);
    expect(small.stderr).toContain("--max-comment-chars 100");
  });

  it("golden: markdown for one representative change", async () => {
    const root = await repo();
    replaceIn(root, "clusters/dev/cluster.yaml", "values: { replicas: 1 }", "values: { replicas: 2 }");
    edit(root, { "apps/metrics/app.yaml": `${read(root, "apps/metrics/app.yaml")}namespaceMetadata: { labels: { team: obs } }\n` });
    const file = "secrets/prod/data/postgres-credentials.yaml";
    edit(root, { [file]: read(root, file).replace(/postgres-password: \S+/, `postgres-password: ${fakeCipher("golden")}`) });
    await commitAll(root, "change");
    const r = await berthIn(root, "preview", "--base", "main~1");
    expect(r.code).toBe(1);
    await expect(r.stdout).toMatchFileSnapshot("golden/representative-change.md");
  });
});
