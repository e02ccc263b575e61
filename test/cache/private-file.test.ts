import { mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { userCacheDir } from "../../generator/cache/private-file.js";
import { makeRepo, removeRepo } from "../helpers/repo.js";

/**
 * Issue 18, finding 5, for every cache: a cache folder inside the checkout (a CI job that sets
 * HOME or XDG_CACHE_HOME to its workspace) could hold files a pull request committed, so it is
 * not used at all; the check is on real paths and on the checkout's top, not only the fleet folder.
 */
const roots: string[] = [];
afterAll(() => roots.forEach(removeRepo));

function checkout(): { top: string; fleet: string } {
  const top = makeRepo({ "fleet/clusters/.keep": "" });
  roots.push(top);
  mkdirSync(join(top, ".git"));
  return { top, fleet: join(top, "fleet") };
}

describe("userCacheDir", () => {
  it("is the user's cache folder when it is outside the checkout", () => {
    const { fleet } = checkout();
    const home = makeRepo({});
    roots.push(home);
    expect(userCacheDir({ XDG_CACHE_HOME: home }, "parse", fleet)).toBe(join(home, "berth", "parse"));
    expect(userCacheDir({ HOME: home }, "parse", fleet)).toBe(join(home, ".cache", "berth", "parse"));
  });

  it("is none when XDG_CACHE_HOME or HOME is inside the checkout, even beside the fleet folder or through a link", () => {
    const { top, fleet } = checkout();
    expect(userCacheDir({ XDG_CACHE_HOME: join(fleet, ".cache") }, "parse", fleet)).toBeUndefined();
    expect(userCacheDir({ HOME: top }, "generate", fleet)).toBeUndefined();
    const outside = makeRepo({});
    roots.push(outside);
    symlinkSync(top, join(outside, "link"));
    expect(userCacheDir({ XDG_CACHE_HOME: join(outside, "link", "cache") }, "preview-renders", fleet)).toBeUndefined();
  });
});
