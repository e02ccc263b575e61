import { parseAllDocuments } from "yaml";

/** One object of a rendered stream, with the file it came from (helm's `# Source:` comment). */
export interface RenderedObject {
  apiVersion: string;
  kind: string;
  group: string;
  name: string;
  /** As rendered; empty when the template leaves it to the Application's destination. */
  namespace: string;
  /** The `# Source:` path (chart-relative for helm, folder-relative for manifests), or "". */
  source: string;
  body: Record<string, unknown>;
}

/**
 * Splits a rendered stream (helm template, kustomize, a manifests folder) into objects. Lists
 * (`kind: List`, `*List`) are flattened as kubectl and Argo CD do; empty documents are skipped.
 * A document that is not a mapping with apiVersion and kind is returned in `problems`.
 */
export function parseRendered(stream: string): { objects: RenderedObject[]; problems: { source: string; message: string }[] } {
  const objects: RenderedObject[] = [];
  const problems: { source: string; message: string }[] = [];
  let lastSource = "";
  for (const doc of parseAllDocuments(stream, { version: "1.1" })) {
    const m = /Source: (\S+)/.exec(`${doc.commentBefore ?? ""}\n${doc.contents?.commentBefore ?? ""}`);
    if (m) lastSource = m[1]!;
    if (doc.errors.length > 0) {
      problems.push({ source: lastSource, message: doc.errors[0]!.message.split("\n", 1)[0]! });
      continue;
    }
    const value = doc.toJS({ maxAliasCount: 100 }) as unknown;
    if (value === null || value === undefined) continue;
    const items = isList(value) ? ((value as { items?: unknown[] }).items ?? []) : [value];
    for (const item of items) {
      if (!item || typeof item !== "object" || Array.isArray(item)) {
        problems.push({ source: lastSource, message: "a document is not a Kubernetes object (not a mapping)" });
        continue;
      }
      const body = item as Record<string, unknown>;
      const apiVersion = typeof body.apiVersion === "string" ? body.apiVersion : "";
      const kind = typeof body.kind === "string" ? body.kind : "";
      if (!apiVersion || !kind) {
        problems.push({ source: lastSource, message: "an object has no apiVersion or kind" });
        continue;
      }
      const meta = (body.metadata ?? {}) as { name?: unknown; namespace?: unknown };
      objects.push({
        apiVersion,
        kind,
        group: apiVersion.includes("/") ? apiVersion.slice(0, apiVersion.lastIndexOf("/")) : "",
        name: typeof meta.name === "string" ? meta.name : "",
        namespace: typeof meta.namespace === "string" ? meta.namespace : "",
        source: lastSource,
        body,
      });
    }
  }
  return { objects, problems };
}

function isList(v: unknown): boolean {
  if (!v || typeof v !== "object") return false;
  const o = v as { kind?: unknown; apiVersion?: unknown; items?: unknown };
  return typeof o.kind === "string" && o.kind.endsWith("List") && Array.isArray(o.items);
}
