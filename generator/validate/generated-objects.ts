import { LineCounter, parseAllDocuments } from "yaml";
import type { Diagnostic } from "../errors.js";
import type { OutputFile } from "../plan/output.js";
import { strictCrdProblems } from "./crd-strict.js";
import { isCoreKind, modelProblems } from "./k8s-models.js";
import { projectPolicyProblems } from "./project-policy.js";

/**
 * Every object berth generates is validated once: Argo CD objects strictly (no unknown fields)
 * against the CRDs of the pinned Argo CD release (generator/pins/argo-cd.json), core kinds (Namespaces) with the
 * kubernetes-models validators. A failure here is a bug in berth or a value passed through from
 * user input, so the message names the generated file and object.
 */
export function checkGeneratedObjects(files: readonly OutputFile[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const file of files) {
    const lc = new LineCounter();
    const docs = parseAllDocuments(file.content, { lineCounter: lc });
    for (const doc of Array.isArray(docs) ? docs : []) {
      const obj = doc.toJS() as Record<string, unknown> | null;
      if (!obj) continue;
      const pos = lc.linePos(doc.range[0]);
      const name = (obj.metadata as { name?: string } | undefined)?.name ?? "?";
      const policy = obj.kind === "AppProject" ? projectPolicyProblems(obj) : [];
      for (const p of [...new Set([...(isCoreKind(obj) ? modelProblems(obj) : strictCrdProblems(obj)), ...policy])]) {
        out.push({ file: file.path, line: pos.line, col: pos.col, message: `${String(obj.kind)} ${name}: ${p}`, hint: "fix the input it comes from (see the file's source: header); if the input is valid, this is a bug in berth" });
      }
    }
  }
  return out;
}
