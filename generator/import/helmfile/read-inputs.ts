import { existsSync, lstatSync, readFileSync, statSync } from "node:fs";
import { dirname, isAbsolute, join } from "node:path";
import { parse } from "yaml";
import { EnvironmentError } from "../../errors.js";
import { layout } from "../../layout.js";
import type { Layer } from "../../model/types.js";
import { readFolder } from "../../read/read-folder.js";
import type { ExistingApp, ImportInputs } from "./plan.js";

const MAX_BYTES = 5 * 1024 * 1024;

/** The helmfile and a reader for the files it names (relative to its folder, never through a symbolic link). */
export function readImportInputs(helmfilePath: string, shownAs: string): ImportInputs {
  if (!existsSync(helmfilePath) || !statSync(helmfilePath).isFile()) throw new EnvironmentError(`${shownAs} is not a file`, "pass the path of the helmfile (e.g. k8s/helmfile.yaml)");
  const helmfile = readBounded(helmfilePath);
  if (helmfile === undefined) throw new EnvironmentError(`${shownAs} is larger than ${MAX_BYTES / 1024 / 1024} MiB or a symbolic link`, "pass the helmfile itself");
  const base = dirname(helmfilePath);
  return {
    helmfile,
    readText: (p) => (isAbsolute(p) ? undefined : readBounded(join(base, p))),
    readFolder: (p) => readFolder(join(base, p), join(dirname(shownAs), p)),
  };
}

function readBounded(path: string): string | undefined {
  try {
    const st = lstatSync(path);
    if (!st.isFile() || st.size > MAX_BYTES) return undefined;
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

/** The apps already in the repository, for `needs:` that point at releases imported earlier. */
export function readExistingApps(root: string, names: Iterable<string>): ExistingApp[] {
  const out: ExistingApp[] = [];
  for (const name of names) {
    const text = readBounded(join(root, layout.appFile(name)));
    if (text === undefined) continue;
    try {
      const spec = parse(text, { maxAliasCount: 100 }) as { namespace?: unknown; releaseName?: unknown; layer?: unknown } | null;
      if (typeof spec?.namespace !== "string" || typeof spec.layer !== "string") continue;
      out.push({ name, namespace: spec.namespace, releaseName: typeof spec.releaseName === "string" ? spec.releaseName : name, layer: spec.layer as Layer });
    } catch {
      // A broken app.yaml is berth validate's to report; it cannot be a dependency target here.
    }
  }
  return out;
}
