import { readFileSync } from "node:fs";
import { join } from "node:path";
import { isMap, isScalar, LineCounter, parseAllDocuments, type Node } from "yaml";
import type { Diagnostic } from "../errors.js";
import { layout } from "../layout.js";
import { listRepoFiles, type RepoLister } from "../read/repo-files.js";

const SCANNED_DIRS = [layout.appsDir, layout.clustersDir, layout.secretsDir];
const MANIFEST = /\.(ya?ml|json)$/;
/** Cheap prefilter: only files that mention `kind: Secret` in some form are parsed. */
const MENTIONS_SECRET = /["']?kind["']?\s*:\s*["']?Secret\b/;

/**
 * Finds plaintext Secrets (`kind: Secret` with data or stringData) committed under apps/,
 * clusters/ or secrets/: base64 is an encoding, not encryption. Helm templates (files with `{{`
 * under a templates/ folder) are skipped: their values come from .Values at render time.
 * `read`: the texts the caller already has; `clean`: the files it knows hold nothing any scan
 * reports (validate's verdicts, cache/scan-verdicts.ts), which are not read.
 */
export function findPlaintextSecrets(root: string, list: RepoLister = (dirs) => listRepoFiles(root, dirs), read?: TextOf, clean?: (file: string) => boolean): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const file of list(SCANNED_DIRS)) if (MANIFEST.test(file) && !clean?.(file)) out.push(...scanFile(root, file, read));
  return out;
}

/** A file's text as `readFileSync(…, "utf8")` returns it, when a caller already has it (validate's shared reads); undefined to read it. */
export type TextOf = (file: string) => string | undefined;

function scanFile(root: string, file: string, read?: TextOf): Diagnostic[] {
  let text: string;
  try {
    text = read?.(file) ?? readFileSync(join(root, file), "utf8");
  } catch {
    return [];
  }
  if (!MENTIONS_SECRET.test(text)) return [];
  if (file.split("/").includes("templates") && text.includes("{{")) return [];
  const lineCounter = new LineCounter();
  const out: Diagnostic[] = [];
  for (const doc of parseAllDocuments(text, { lineCounter, prettyErrors: false })) {
    if (doc.errors.length > 0) continue;
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch {
      continue;
    }
    for (const secret of plaintextSecrets(value)) {
      const node = secret.topLevel ? dataNode(doc.contents) : undefined;
      const pos = lineCounter.linePos((node ?? (doc.contents as Node | null))?.range?.[0] ?? doc.range[0]);
      const { cluster, name, namespace } = secret.identity(file);
      out.push({
        file,
        line: pos.line,
        col: pos.col,
        message: `plaintext Secret "${name}": its ${secret.fields} ${secret.fields.includes(" and ") ? "are" : "is"} only base64-encoded, not encrypted`,
        hint:
          `seal the values instead (berth seal --cluster ${cluster} --namespace ${namespace} --name ${name} --from-…), ` +
          "remove the Secret from this file, and rotate the values: they are in the Git history",
      });
    }
  }
  return out;
}

interface Found {
  topLevel: boolean;
  fields: string;
  identity(file: string): { cluster: string; namespace: string; name: string };
}

/** The object itself when it is such a Secret, and the items of a `kind: List`. */
function plaintextSecrets(value: unknown, topLevel = true): Found[] {
  if (!isObject(value)) return [];
  // Any list wrapper (List, SecretList…), as kubectl applies them.
  if (typeof value.kind === "string" && value.kind.endsWith("List") && Array.isArray(value.items)) return value.items.flatMap((item) => plaintextSecrets(item, false));
  if (value.kind !== "Secret") return [];
  const fields = (["data", "stringData"] as const).filter((f) => isObject(value[f]) && Object.keys(value[f] as object).length > 0);
  if (fields.length === 0) return [];
  const metadata = isObject(value.metadata) ? value.metadata : {};
  return [
    {
      topLevel,
      fields: fields.join(" and "),
      identity: (file) => {
        const [top, cluster] = file.split("/");
        return {
          cluster: top === layout.clustersDir || top === layout.secretsDir ? (cluster ?? "<cluster>") : "<cluster>",
          namespace: typeof metadata.namespace === "string" ? metadata.namespace : "<namespace>",
          name: typeof metadata.name === "string" ? metadata.name : "<name>",
        };
      },
    },
  ];
}

function dataNode(contents: unknown): Node | undefined {
  if (!isMap(contents)) return undefined;
  const pair = contents.items.find((p) => isScalar(p.key) && (p.key.value === "data" || p.key.value === "stringData"));
  return (pair?.key as Node | undefined) ?? undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}
