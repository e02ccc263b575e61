import { chmodSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { randomBytes } from "node:crypto";
import { deserialize, serialize } from "node:v8";
import { afterEach, describe, expect, it, vi } from "vitest";
import { loadCheckedFleet } from "../../generator/read/checked-fleet.js";
import { readInputTree } from "../../generator/read/input-tree.js";
import { openParseCache } from "../../generator/cache/parse-cache.js";
import { sha256, writePrivateCacheFile } from "../../generator/cache/private-file.js";
import { mountTree } from "../../generator/read/tree-fs.js";
import { listRepoFiles } from "../../generator/read/repo-files.js";
import { diagnosticAt, parseYamlSource, toPlain } from "../../generator/yaml/source.js";
import { berthWithEnv, removeRepo } from "../helpers/repo.js";
import { fleetWithUserCache } from "../helpers/user-cache.js";

const dirs: string[] = [];
afterEach(() => {
  dirs.splice(0).forEach(removeRepo);
  vi.useRealTimers();
});

const setup = () => fleetWithUserCache(dirs, "parse");

/** Loads the fleet through a fresh parse cache and saves it, as a command does. */
function loadAndSave(root: string, env: Record<string, string>): void {
  const cache = openParseCache(root, env);
  loadCheckedFleet(root, cache);
  cache.save();
}

const APP = "apps/metrics/app.yaml";

describe("the parse cache", () => {
  it("gives an unchanged file's data without parsing it, and its positions when a diagnostic needs them", () => {
    const { root, env } = setup();
    loadAndSave(root, env);
    const text = readFileSync(join(root, APP), "utf8");
    const cached = openParseCache(root, env).get(APP, text);
    const fresh = parseYamlSource(APP, text);
    expect(cached?.diagnostics).toEqual([]);
    expect(toPlain(cached!.source!)).toEqual(toPlain(fresh.source!));
    expect(diagnosticAt(cached!.source!, ["dependsOn", 0], "m")).toEqual(diagnosticAt(fresh.source!, ["dependsOn", 0], "m"));
    expect(diagnosticAt(cached!.source!, ["dependsOn", 0], "m").line).toBeGreaterThan(1);
  });

  it("knows a file only by its exact text", () => {
    const { root, env } = setup();
    loadAndSave(root, env);
    const text = readFileSync(join(root, APP), "utf8");
    expect(openParseCache(root, env).get(APP, `${text}# changed\n`)).toBeUndefined();
  });

  it("never keeps a text with a problem: it is parsed and reported every time", () => {
    const { root, env } = setup();
    const bad = "a: 1\na: 2\n";
    const cache = openParseCache(root, env);
    cache.set("apps/x/values.yaml", bad, parseYamlSource("apps/x/values.yaml", bad));
    loadCheckedFleet(root, cache);
    cache.save();
    expect(openParseCache(root, env).get("apps/x/values.yaml", bad)).toBeUndefined();
  });

  it("lives outside the checkout in a 0700 folder, as a 0600 file", () => {
    const { root, env, cacheFile } = setup();
    loadAndSave(root, env);
    expect(statSync(join(env.XDG_CACHE_HOME, "berth", "parse")).mode & 0o777).toBe(0o700);
    expect(statSync(cacheFile()).mode & 0o777).toBe(0o600);
    expect(readdirSync(root).sort()).toEqual(["apps", "clusters", "secrets"]);
  });

  it("is ignored when its file was edited or others may write it", () => {
    const { root, env, cacheFile } = setup();
    const text = readFileSync(join(root, APP), "utf8");
    loadAndSave(root, env);
    const good = readFileSync(cacheFile());
    const flipped = Buffer.from(good);
    flipped[flipped.length - 3]! ^= 1;
    writeFileSync(cacheFile(), flipped);
    expect(openParseCache(root, env).get(APP, text)).toBeUndefined();
    writeFileSync(cacheFile(), good);
    expect(openParseCache(root, env).get(APP, text)).toBeDefined();
    chmodSync(cacheFile(), 0o666);
    expect(openParseCache(root, env).get(APP, text)).toBeUndefined();
  });

  it("changes no command's output, diagnostics in cached files included", async () => {
    const { root, env } = setup();
    const plain = setup();
    expect(await berthWithEnv(root, env, "generate")).toEqual(await berthWithEnv(plain.root, {}, "generate"));
    expect((await berthWithEnv(root, env, "generate", "--check")).code).toBe(0);
    // metrics dependsOn postgres: with postgres gone, the unchanged (cached) app.yaml gets the diagnostic.
    for (const r of [root, plain.root]) {
      const cluster = join(r, "clusters/dev/cluster.yaml");
      writeFileSync(cluster, readFileSync(cluster, "utf8").replace("  - postgres\n", ""));
      writeFileSync(join(r, "clusters/prod/cluster.yaml"), readFileSync(join(r, "clusters/prod/cluster.yaml"), "utf8").replace(", postgres]", "]"));
      rmSync(join(r, "apps/postgres"), { recursive: true });
    }
    const cached = await berthWithEnv(root, env, "generate", "--check");
    expect(cached.code).toBe(1);
    expect(cached.stderr).toMatch(/apps\/metrics\/app\.yaml:\d+:\d+/);
    expect(cached.stderr.replaceAll(root, "ROOT")).toBe((await berthWithEnv(plain.root, {}, "generate", "--check")).stderr.replaceAll(plain.root, "ROOT"));
  });

  it("knows a file by its stat signature once it is older than the run by two seconds: its text is then not read, and an edit is seen", () => {
    const { root, env } = setup();
    const load = () => {
      const cache = openParseCache(root, env);
      const fleet = loadCheckedFleet(root, cache, readInputTree(root, { signatures: true }));
      cache.save();
      return fleet;
    };
    // The fixture was just written: its signatures are not trusted yet, so nothing is known by them.
    load();
    const now = readInputTree(root, { signatures: true });
    expect(now.trustedSignature(APP)).toBeUndefined();
    expect(openParseCache(root, env).unchanged!(APP, "any", () => "")).toBeUndefined();
    // Three seconds on, they are: the first load records them, the next takes the data without the text.
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 3000 });
    load();
    const signature = readInputTree(root, { signatures: true }).trustedSignature(APP)!;
    expect(signature).toMatch(/^f:/);
    const text = readFileSync(join(root, APP), "utf8");
    const known = openParseCache(root, env).unchanged!(APP, signature, () => {
      throw new Error("read");
    });
    expect(toPlain(known!.source!)).toEqual(toPlain(parseYamlSource(APP, text).source!));
    const positioned = openParseCache(root, env).unchanged!(APP, signature, () => text);
    expect(diagnosticAt(positioned!.source!, ["dependsOn", 0], "m")).toEqual(diagnosticAt(parseYamlSource(APP, text).source!, ["dependsOn", 0], "m"));
    expect(openParseCache(root, env).unchanged!(APP, `${signature}0`, () => text)).toBeUndefined();
    // A command that does not know files by signature (validate, preview) keeps them on save.
    const other = openParseCache(root, env);
    loadCheckedFleet(root, other);
    other.save();
    expect(openParseCache(root, env).unchanged!(APP, signature, () => text)).toBeDefined();
    // An edit changes the signature: the new text is read.
    writeFileSync(join(root, APP), text.replace("layer: monitoring", "layer: apps"));
    expect(load().apps.get("metrics")?.spec.layer).toBe("apps");
  });
});

describe("the parse cache by git blob id", () => {
  const unmounts: Array<() => void> = [];
  afterEach(() => unmounts.splice(0).forEach((u) => u()));

  /** The fixture's fleet files mounted as a revision read from git, each with a blob id (`id` of its path and text). */
  function mountRevision(root: string, id: (path: string, text: string) => string, edits: Record<string, string> = {}): string {
    const files = listRepoFiles(root, ["apps", "clusters", "secrets"]).map((path) => {
      const text = edits[path] ?? readFileSync(join(root, path), "utf8");
      return { path, content: Buffer.from(text), blobId: id(path, text) };
    });
    const at = join(tmpdir(), `berth-parse-blobs-${randomBytes(6).toString("hex")}`);
    unmounts.push(mountTree(at, files));
    return at;
  }
  const gitLike = (_path: string, text: string) => sha256(`blob ${Buffer.byteLength(text)}\0${text}`);
  const idOf = (root: string, path: string) => gitLike(path, readFileSync(join(root, path), "utf8"));
  const blobsFile = (env: { XDG_CACHE_HOME: string }) => {
    const folder = join(env.XDG_CACHE_HOME, "berth", "parse");
    return join(folder, readdirSync(folder).find((f) => f.endsWith(".blobs.bin"))!);
  };
  const loadMounted = (root: string, env: Record<string, string>, at: string) => {
    const cache = openParseCache(root, env, { byBlob: true });
    const fleet = loadCheckedFleet(at, cache);
    cache.save();
    return fleet;
  };

  it("knows a blob whose text parsed cleanly, gives its data without the text and its positions from it", () => {
    const { root, env } = setup();
    expect(openParseCache(root, env).knowsBlob(idOf(root, APP))).toBe(false);
    loadMounted(root, env, mountRevision(root, gitLike));
    const cache = openParseCache(root, env);
    expect(cache.knowsBlob(idOf(root, APP))).toBe(true);
    const text = readFileSync(join(root, APP), "utf8");
    const known = cache.unchanged!(APP, `blob:${idOf(root, APP)}`, () => {
      throw new Error("read");
    });
    expect(toPlain(known!.source!)).toEqual(toPlain(parseYamlSource(APP, text).source!));
    const positioned = openParseCache(root, env).unchanged!(APP, `blob:${idOf(root, APP)}`, () => text);
    expect(diagnosticAt(positioned!.source!, ["dependsOn", 0], "m")).toEqual(diagnosticAt(parseYamlSource(APP, text).source!, ["dependsOn", 0], "m"));
    // Only by that id: not another, nor the same id as a stat signature.
    expect(cache.knowsBlob(gitLike(APP, `${text}# changed\n`))).toBe(false);
    expect(cache.unchanged!(APP, `blob:${gitLike(APP, `${text}# changed\n`)}`, () => text)).toBeUndefined();
    expect(cache.unchanged!(APP, idOf(root, APP), () => text)).toBeUndefined();
  });

  it("loads a revision whose blobs it knows as it loads one it does not, a change under a new id included", () => {
    const { root, env } = setup();
    const models = (f: ReturnType<typeof loadCheckedFleet>) => ({ apps: [...f.apps.values()].map((a) => [a.name, a.spec, [...a.valueVariants], toPlain(a.source)]), clusters: f.clusters.map((c) => [c.name, c.spec, c.entries, [...c.valueOverrides]]), secrets: f.sealedSecrets });
    const plain = models(loadCheckedFleet(mountRevision(root, gitLike)));
    loadMounted(root, env, mountRevision(root, gitLike));
    expect(models(loadMounted(root, env, mountRevision(root, gitLike)))).toEqual(plain);
    const text = readFileSync(join(root, APP), "utf8").replace("layer: monitoring", "layer: apps");
    expect(loadMounted(root, env, mountRevision(root, gitLike, { [APP]: text })).apps.get("metrics")?.spec.layer).toBe("apps");
  });

  it("never knows a blob whose text has a problem", () => {
    const { root, env } = setup();
    const bad = "a: 1\na: 2\n";
    const values = "apps/postgres/values.yaml";
    const cache = openParseCache(root, env, { byBlob: true });
    expect(() => loadCheckedFleet(mountRevision(root, gitLike, { [values]: bad }), cache)).toThrow(/unique/);
    cache.save();
    expect(openParseCache(root, env).knowsBlob(gitLike(values, bad))).toBe(false);
    expect(openParseCache(root, env).knowsBlob(idOf(root, APP))).toBe(true);
  });

  it("is ignored when written by another build of berth or edited, and kept by a run that does not ask by id", () => {
    const { root, env } = setup();
    loadMounted(root, env, mountRevision(root, gitLike));
    const good = readFileSync(blobsFile(env));
    // A run that loads from the disk (generate, validate) leaves it as it is.
    loadAndSave(root, env);
    expect(readFileSync(blobsFile(env))).toEqual(good);
    // The same map under another build's code digest.
    const body = deserialize(good.subarray(65)) as { version: number; code: string; blobs: Map<string, string> };
    writePrivateCacheFile(blobsFile(env), serialize({ ...body, code: "another build" }));
    expect(openParseCache(root, env).knowsBlob(idOf(root, APP))).toBe(false);
    const flipped = Buffer.from(good);
    flipped[flipped.length - 3]! ^= 1;
    writeFileSync(blobsFile(env), flipped);
    expect(openParseCache(root, env).knowsBlob(idOf(root, APP))).toBe(false);
    writeFileSync(blobsFile(env), good);
    expect(openParseCache(root, env).knowsBlob(idOf(root, APP))).toBe(true);
  });
});
