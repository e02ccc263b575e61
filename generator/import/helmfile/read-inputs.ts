import { existsSync, lstatSync, readFileSync, realpathSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, sep } from "node:path";
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
  // The planner refuses `../` out of the helmfile's folder; this also stops a folder on the way that
  // is a symbolic link to somewhere else (charts/x -> /home/you).
  const within = (p: string) => !isAbsolute(p) && insideReal(base, join(base, p));
  return {
    helmfile,
    readText: (p) => (within(p) ? readBounded(join(base, p)) : undefined),
    readFolder: (p) => (within(p) ? readFolder(join(base, p), join(dirname(shownAs), p)) : { files: [], problems: [{ file: join(dirname(shownAs), p), line: 0, col: 0, message: "is outside the helmfile's folder (through a symbolic link)", hint: "copy the chart into the helmfile's folder" }] }),
  };
}

/** Whether `path`, with every symbolic link resolved, is inside `base` (a missing path: by its name). */
function insideReal(base: string, path: string): boolean {
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    return true; // missing: the caller reports it as missing
  }
  const top = realpathSync(base);
  return real === top || real.startsWith(`${top}${sep}`);
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
