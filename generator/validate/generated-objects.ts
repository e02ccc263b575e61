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
 *
 * Planned files carry their objects (the canonical serialiser's round trip is tested in
 * test/yaml/emit.test.ts), so only a file without them is parsed; positions are looked up only
 * for an object that has a problem.
 */
export function checkGeneratedObjects(files: readonly OutputFile[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const file of files) {
    const objects = file.documents?.map((d) => d.object) ?? parseAllDocuments(file.content).map((d) => d.toJS() as Record<string, unknown> | null);
    objects.forEach((obj, index) => {
      if (!obj) return;
      const name = (obj.metadata as { name?: string } | undefined)?.name ?? "?";
      const policy = obj.kind === "AppProject" ? projectPolicyProblems(obj) : [];
      const problems = [...new Set([...(isCoreKind(obj) ? modelProblems(obj) : strictCrdProblems(obj)), ...policy])];
      if (problems.length === 0) return;
      const pos = documentPosition(file.content, index);
      for (const p of problems) {
        out.push({ file: file.path, line: pos.line, col: pos.col, message: `${String(obj.kind)} ${name}: ${p}`, hint: "fix the input it comes from (see the file's source: header); if the input is valid, this is a bug in berth" });
      }
    });
  }
  return out;
}

function documentPosition(content: string, index: number): { line: number; col: number } {
  const lc = new LineCounter();
  const docs = parseAllDocuments(content, { lineCounter: lc });
  const doc = Array.isArray(docs) ? docs[index] : undefined;
  return doc ? lc.linePos(doc.range[0]) : { line: 1, col: 1 };
}
