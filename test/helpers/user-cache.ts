import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fixtureFleet } from "./fleet-fixture.js";
import { makeRepo } from "./repo.js";

/**
 * The fixture fleet with a per-user cache folder of its own (XDG_CACHE_HOME), and the path of
 * the one cache file berth keeps for it under `berth/<name>`. Both folders are added to
 * `cleanup`.
 */
export function fleetWithUserCache(cleanup: string[], name: "generate" | "parse" | "scans"): { root: string; env: { XDG_CACHE_HOME: string }; cacheFile: () => string } {
  const root = makeRepo(fixtureFleet());
  const cache = mkdtempSync(join(tmpdir(), "berth-cache-"));
  cleanup.push(root, cache);
  const folder = join(cache, "berth", name);
  return { root, env: { XDG_CACHE_HOME: cache }, cacheFile: () => join(folder, readdirSync(folder)[0]!) };
}
