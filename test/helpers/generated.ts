import { parseAllDocuments } from "yaml";

/**
 * The YAML text of the object `kind/name` in a generated file (several `---` documents, each
 * behind its `# source:` comment), for tests that parse it as Helm or Argo CD would.
 */
export function generatedDocument(content: string, kind: string, name: string): string {
  for (const doc of parseAllDocuments(content)) {
    const obj = doc.toJS() as { kind?: string; metadata?: { name?: string } } | null;
    if (obj?.kind === kind && obj.metadata?.name === name) return content.slice(doc.range[0], doc.range[2]);
  }
  throw new Error(`no ${kind} ${name} in the generated file`);
}
