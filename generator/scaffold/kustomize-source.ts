import { posix } from "node:path";
import type { Diagnostic } from "../errors.js";
import { commonFolder, KUSTOMIZATION_FILES, kustomizationIn, kustomizeClosure, topKustomizations } from "../read/kustomize-tree.js";
import { diskReader, memoryReader, readFiles, type FolderFile } from "../read/read-folder.js";

/**
 * `berth new app --path` on kustomize trees: the copy must hold everything the overlay reads, or
 * `validate --render` (and Argo CD) fail on a `../../base` left behind. Reads kustomization files
 * to find what that is; `dir` is the real (realpath) absolute folder given to --path, `shownAs`
 * its spelling on the command line.
 */

type Found = { files: FolderFile[]; problems: Diagnostic[] };

const shownIn = (dir: string, shownAs: string) => (p: string) => (p === dir ? shownAs : posix.join(shownAs, posix.relative(dir, p)));

/** The command that copies the overlay at `overlayDir` with everything it needs under their common folder. */
function suggestion(app: string, overlayDir: string, needed: readonly string[], show: (p: string) => string): string {
  const root = commonFolder([overlayDir, ...needed]);
  return `berth new app ${app} --path ${show(root)} --overlay ${posix.relative(root, overlayDir)}`;
}

/** `--path ROOT --overlay SUB`: the overlay and what it references under ROOT, paths relative to ROOT. */
export function readOverlay(app: string, dir: string, shownAs: string, overlay: string): Found {
  const show = shownIn(dir, shownAs);
  const sub = posix.normalize(overlay).replace(/\/+$/, "");
  if (posix.isAbsolute(sub) || sub === ".." || sub.startsWith("../")) {
    return { files: [], problems: [{ file: "--overlay", line: 0, col: 0, message: `${overlay} is not inside --path ${shownAs}`, hint: "give the overlay's folder relative to --path, e.g. --overlay overlays/prod" }] };
  }
  const reader = diskReader();
  const start = posix.join(dir, sub);
  if (kustomizationIn(start, reader) === undefined) {
    return { files: [], problems: [{ file: show(start), line: 0, col: 0, message: "holds no kustomization.yaml: --overlay names the kustomize overlay to deploy", hint: "give the folder of the overlay's kustomization.yaml, relative to --path" }] };
  }
  const closure = kustomizeClosure(start, dir, reader, show);
  if (closure.problems.length > 0) return { files: [], problems: closure.problems };
  if (closure.outside.length > 0) {
    const everything = kustomizeClosure(start, "/", reader, show);
    return { files: [], problems: [outsideProblem(app, start, closure.outside, everything.files, shownAs, show)] };
  }
  return readFiles(dir, closure.files, shownAs);
}

/**
 * A kustomization at the top of --path that reaches outside it (an overlay's `../../base`): refused
 * with the paths it needs and the --path/--overlay that copies them. Undefined when it stays inside.
 */
export function kustomizationLeavingFolder(app: string, dir: string, shownAs: string): Diagnostic | undefined {
  const reader = diskReader();
  const show = shownIn(dir, shownAs);
  const closure = kustomizeClosure(dir, dir, reader, show);
  if (closure.outside.length === 0) return undefined;
  const everything = kustomizeClosure(dir, "/", reader, show);
  return outsideProblem(app, dir, closure.outside, everything.files, shownAs, show);
}

function outsideProblem(app: string, start: string, outside: readonly string[], everything: readonly string[], shownAs: string, show: (p: string) => string): Diagnostic {
  const kfile = kustomizationIn(start, diskReader()) ?? posix.join(start, "kustomization.yaml");
  return {
    file: show(kfile),
    line: 0,
    col: 0,
    message: `references ${outside.map(show).join(", ")}, outside ${shownAs}: a copy of ${shownAs} alone would leave ${outside.length === 1 ? "it" : "them"} behind and fail to render`,
    hint: `copy the overlay with what it needs: ${suggestion(app, start, everything, show)}`,
  };
}

/**
 * A folder with kustomizations below it but none at its top is not a folder of manifests: the
 * problem names the overlays (kustomizations no other one references) to choose from.
 */
export function kustomizationsBelow(app: string, dir: string, shownAs: string, files: readonly FolderFile[]): Diagnostic | undefined {
  const kfiles = files.filter((f) => (KUSTOMIZATION_FILES as readonly string[]).includes(posix.basename(f.path))).map((f) => posix.join(dir, f.path));
  if (kfiles.length === 0) return undefined;
  const tops = topKustomizations(dir, kfiles, memoryReader(dir, files)).map((d) => posix.relative(dir, d));
  const [first, ...others] = tops.length > 0 ? tops : [posix.relative(dir, posix.dirname(kfiles[0]!))];
  return {
    file: shownAs,
    line: 0,
    col: 0,
    message: `holds kustomizations below it (${tops.join(", ")}${kfiles.length > tops.length ? " and the bases they use" : ""}) but none at its top; as a folder of manifests berth would apply all ${files.length} files as they are`,
    hint: `choose the overlay to deploy: berth new app ${app} --path ${shownAs} --overlay ${first}${others.length > 0 ? ` (or --overlay ${others.join(", ")})` : ""}`,
  };
}
