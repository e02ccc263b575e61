import { formatDiagnostic } from "../errors.js";
import { planHelmfileImport } from "../import/helmfile/plan.js";
import { readExistingApps, readImportInputs } from "../import/helmfile/read-inputs.js";
import type { Layer } from "../model/types.js";
import { readSnapshot } from "../scaffold/snapshot.js";
import { applyChanges } from "../write/changes.js";
import { throwProblems } from "./ask.js";
import type { CommandIO, ExitCode } from "./context.js";
import { reportScaffold } from "./scaffold-report.js";

export interface ImportHelmfileOptions {
  root: string;
  /** Absolute path of the helmfile. */
  file: string;
  /** The path as the user gave it, for messages. */
  shownAs: string;
  cluster: string;
  environment?: string;
  layer: string;
  prefix?: string;
}

/** Writes every file of the import or none; prints what was imported and every part left behind. */
export async function runImportHelmfile(opts: ImportHelmfileOptions, io: CommandIO): Promise<ExitCode> {
  const inputs = readImportInputs(opts.file, opts.shownAs);
  const snap = readSnapshot(opts.root);
  const plan = planHelmfileImport(
    { file: opts.shownAs, cluster: opts.cluster, environment: opts.environment, layer: opts.layer as Layer, prefix: opts.prefix },
    inputs,
    snap,
    readExistingApps(opts.root, snap.apps),
  );
  if (!plan.ok) throwProblems(plan.diagnostics);
  applyChanges(opts.root, plan.value);
  reportScaffold({ done: plan.value.done, next: [] }, io);
  if (plan.value.leftBehind.length > 0) {
    io.stdout.write(`\nleft behind (${plan.value.leftBehind.length}):\n`);
    for (const d of plan.value.leftBehind) io.stdout.write(`${formatDiagnostic(d).replace(/^/gm, "  ")}\n`);
  }
  reportScaffold({ done: [], next: plan.value.next }, io);
  return 0;
}
