import { lstatSync, mkdirSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { othersMayWrite, ownedBy, replacePrivately, sha256, userCacheDir } from "./private-file.js";

/**
 * The preview's render cache: masked renders keyed by an app's input digest and the tool versions.
 * A cache entry is shown as if helm had just rendered it, so it must come from this user alone:
 * it lives in the user's own cache folder (`$XDG_CACHE_HOME/berth/preview-renders`, else
 * `~/.cache/berth/preview-renders`), never in `--out-dir` and never inside the checkout (a pull
 * request could commit entries there, and git checks them out as the reviewer's own files),
 * created 0700, used only when owned by this user and writable by nobody else, and every entry is
 * checked against the content hash it was stored with (a torn or edited entry is ignored).
 */

const CACHE_VERSION = "berth-preview-render-v2";

/** A rendered resource as the preview shows it (preview/model.ts RenderedResource): masked YAML and its name. */
export interface CachedResource {
  kind: string;
  namespace: string;
  name: string;
  yaml: string;
}

export interface CacheDeps {
  env: Readonly<Record<string, string | undefined>>;
  /** The current user's id; undefined where there are no uids (Windows). */
  uid: number | undefined;
}

/** The cache folder, created 0700, or undefined (with the reason) when it is not safe to use. */
export function openRenderCache(root: string, deps: CacheDeps): { dir?: string; problem?: string } {
  const dir = userCacheDir({ ...deps.env, HOME: deps.env.HOME ?? homedir() }, "preview-renders", root);
  if (!dir) return { problem: "the cache folder ($XDG_CACHE_HOME or ~/.cache) is inside the repository's checkout, where a pull request could commit cache entries" };
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = lstatSync(dir);
    if (!st.isDirectory()) return { problem: `${dir} is not a folder` };
    if (!ownedBy(st, deps.uid)) return { problem: `${dir} belongs to another user (uid ${st.uid})` };
    if (othersMayWrite(st)) return { problem: `${dir} is writable by other users (mode ${(st.mode & 0o777).toString(8)})` };
    return { dir };
  } catch (e) {
    return { problem: `${dir} cannot be created (${(e as NodeJS.ErrnoException).code ?? String(e)})` };
  }
}

export function cacheKey(inputDigest: string, helmVersion: string, kubectlVersion: string): string {
  return sha256(JSON.stringify([CACHE_VERSION, inputDigest, helmVersion, kubectlVersion]));
}

export function readCacheEntry<T extends CachedResource>(dir: string, key: string, uid: number | undefined): T[] | undefined {
  const file = join(dir, `${key}.json`);
  try {
    const st = lstatSync(file);
    if (!st.isFile() || !ownedBy(st, uid) || othersMayWrite(st)) return undefined;
    const data = JSON.parse(readFileSync(file, "utf8")) as { version?: string; key?: string; sha256?: string; resources?: unknown };
    if (data.version !== CACHE_VERSION || data.key !== key || !Array.isArray(data.resources)) return undefined;
    if (data.sha256 !== sha256(JSON.stringify(data.resources))) return undefined;
    const ok = data.resources.every((r: any) => r && typeof r.kind === "string" && typeof r.namespace === "string" && typeof r.name === "string" && typeof r.yaml === "string");
    return ok ? (data.resources as T[]) : undefined;
  } catch {
    return undefined;
  }
}

export function writeCacheEntry(dir: string, key: string, resources: readonly CachedResource[]): void {
  try {
    replacePrivately(join(dir, `${key}.json`), JSON.stringify({ version: CACHE_VERSION, key, sha256: sha256(JSON.stringify(resources)), resources }));
  } catch {
    // A cache that cannot be written only costs time.
  }
}
