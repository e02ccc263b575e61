import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, describe, expect, it } from "vitest";
import { openFolderListings, type FolderListings } from "../../generator/cache/folder-listings.js";
import { readInputTree } from "../../generator/read/input-tree.js";
import { makeRepo, removeRepo } from "../helpers/repo.js";

/**
 * A folder whose stats are as they were when it was listed is not listed again
 * (cache/folder-listings.ts, read/input-tree.ts). Whatever the listings remember, a walk must see
 * exactly what a walk without them sees: every file added, removed or rewritten, within the
 * two seconds a change time needs to be trusted and after them.
 */
const dirs: string[] = [];
afterAll(() => dirs.forEach(removeRepo));

function setUp(): { root: string; env: Record<string, string> } {
  const root = makeRepo({
    "apps/a/app.yaml": "layer: apps\n",
    "apps/a/values.yaml": "x: 1\n",
    "apps/b/app.yaml": "layer: apps\n",
    "apps/b/values.yaml": "x: 2\n",
    "apps/c/app.yaml": "layer: apps\n",
    "clusters/k/cluster.yaml": "apps: [a, b, c]\n",
    "clusters/k/argocd/root.yaml": "# generated\n",
  });
  const cache = mkdtempSync(join(tmpdir(), "berth-listings-"));
  dirs.push(root, cache);
  return { root, env: { XDG_CACHE_HOME: cache } };
}

/** The listings of `env`'s cache, counting what they answer and record. */
function counted(root: string, env: Record<string, string>): FolderListings & { hits: string[]; recorded: string[] } {
  const listings = openFolderListings(root, env);
  const hits: string[] = [];
  const recorded: string[] = [];
  return {
    hits,
    recorded,
    get: (rel, signature) => {
      const known = listings.get(rel, signature);
      if (known) hits.push(rel);
      return known;
    },
    set: (rel, signature, listing) => {
      recorded.push(rel);
      listings.set(rel, signature, listing);
    },
    save: () => listings.save(),
  };
}

/** A walk with the cache's listings at `startedAt` (saved afterwards), and what it used. */
function walk(root: string, env: Record<string, string>, startedAt = Date.now()) {
  const listings = counted(root, env);
  const tree = readInputTree(root, { signatures: true, listings, startedAt });
  listings.save();
  return { tree, hits: listings.hits, recorded: listings.recorded };
}

/** What a walk without listings sees. */
const truth = (root: string, startedAt = Date.now()) => readInputTree(root, { signatures: true, startedAt }).entries;

/** Later than every change time of the test's files by more than two seconds: their folders' listings are kept. */
const later = () => Date.now() + 10_000;

/** Lets the clock move past the tick of the last change, so that the next change gets new times. */
const nextTick = () => sleep(50);

const INPUT_FOLDERS = ["apps", "apps/a", "apps/b", "apps/c", "clusters", "clusters/k"];

describe("folder listings", () => {
  it("lists a folder whose stats are unchanged from the cache, and never a generated folder", () => {
    const { root, env } = setUp();
    const first = walk(root, env, later());
    expect(first.hits).toEqual([]);
    expect(first.recorded.sort()).toEqual(INPUT_FOLDERS);
    const second = walk(root, env, later());
    expect(second.hits.sort()).toEqual(INPUT_FOLDERS);
    expect(second.recorded).toEqual([]);
    expect(second.tree.entries).toEqual(truth(root));
  });

  it("sees a file added, removed or rewritten after the listings were recorded", async () => {
    const { root, env } = setUp();
    walk(root, env, later());
    await nextTick();
    writeFileSync(join(root, "apps/a/values-prod.yaml"), "x: 3\n");
    rmSync(join(root, "apps/b/values.yaml"));
    writeFileSync(join(root, "apps/c/app.yaml"), "layer: platform\n");
    mkdirSync(join(root, "apps/d"));
    writeFileSync(join(root, "apps/d/app.yaml"), "layer: apps\n");
    // Within the two seconds: the changed folders are listed again, and not recorded.
    const within = walk(root, env);
    expect(within.tree.entries).toEqual(truth(root));
    expect(within.tree.entries.map((e) => e.rel)).toEqual(expect.arrayContaining(["apps/a/values-prod.yaml", "apps/d/app.yaml"]));
    expect(within.tree.entries.map((e) => e.rel)).not.toContain("apps/b/values.yaml");
    expect(within.hits.sort()).toEqual(["apps/c", "clusters", "clusters/k"]);
    expect(within.recorded).toEqual([]);
    // After them: the same, and the new listings are kept.
    const after = walk(root, env, later());
    expect(after.tree.entries).toEqual(truth(root, later()));
    expect(after.recorded.sort()).toEqual(["apps", "apps/a", "apps/b", "apps/d"]);
    expect(walk(root, env, later()).hits.sort()).toEqual([...INPUT_FOLDERS, "apps/d"].sort());
  });

  it("never keeps a listing read within two seconds of a change, so a later change in the same clock tick cannot hide", async () => {
    const { root, env } = setUp();
    // Just made: every folder changed within the two seconds before this walk.
    const fresh = walk(root, env);
    expect(fresh.recorded).toEqual([]);
    writeFileSync(join(root, "apps/a/values-prod.yaml"), "x: 3\n");
    const next = walk(root, env);
    expect(next.hits).toEqual([]);
    expect(next.tree.entries).toEqual(truth(root));
    await nextTick();
    rmSync(join(root, "apps/a/values-prod.yaml"));
    expect(walk(root, env, later()).tree.entries).toEqual(truth(root));
  });

  it("lists a folder again when it was replaced by another of the same name", async () => {
    const { root, env } = setUp();
    walk(root, env, later());
    await nextTick();
    renameSync(join(root, "apps/a"), join(root, "apps/old-a"));
    renameSync(join(root, "apps/b"), join(root, "apps/a"));
    const after = walk(root, env, later());
    expect(after.tree.entries).toEqual(truth(root, later()));
    expect(after.hits).not.toContain("apps/a");
  });

  it("keeps nothing for another repository, and nothing without a cache folder", () => {
    const one = setUp();
    const other = setUp();
    walk(one.root, one.env, later());
    expect(walk(other.root, one.env, later()).hits).toEqual([]);
    const none = openFolderListings(one.root, {});
    none.set("apps", "sig", { names: ["a"], folder: [true] });
    expect(none.get("apps", "sig")).toBeUndefined();
  });
});
