import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Node, type Pair, type YAMLMap } from "yaml";
import type { Diagnostic } from "../../errors.js";

/**
 * A helmfile read into what berth can use, every part with its line. YAML 1.1 with merge keys,
 * as helmfile (Go) reads it; several `---` documents are read as one helmfile, later ones adding
 * releases and repositories.
 */

export interface Located<T> {
  value: T;
  line: number;
  col: number;
}

/** A values entry: a file path (relative to the helmfile) or an inline mapping (its YAML node, comments kept). */
/** An inline values mapping resolved to plain data (aliases bounded), or why it could not be. */
export const ALIAS_LIMIT = 100;

export type ValuesEntry = { kind: "file"; path: string; line: number; col: number } | { kind: "inline"; node: Node; line: number; col: number; endLine: number; plain: unknown };

export interface Repository {
  name: string;
  url: string;
  oci: boolean;
  line: number;
}

export interface Release {
  line: number;
  col: number;
  name?: Located<string>;
  namespace?: Located<string>;
  chart?: Located<string>;
  version?: Located<string>;
  installed?: Located<unknown>;
  needs: Located<string>[];
  values: ValuesEntry[];
  set: { name: string; value: unknown; line: number; col: number }[];
  secrets: Located<string>[];
  /** What helmfile does about a missing values file: Error (the default) fails, Warn/Info/Debug skip it. */
  missingFileHandler?: Located<string>;
  /** Keys berth cannot express (hooks, patches…), for the report. */
  unsupported: Located<string>[];
}

export interface Helmfile {
  repositories: Map<string, Repository>;
  /** Environment names with their values entries; undefined when the helmfile has no `environments:`. */
  environments?: Map<string, ValuesEntry[]>;
  /** Per environment, what helmfile does about a missing environment values file (see Release). */
  environmentMissingFileHandlers: Map<string, Located<string>>;
  releases: Release[];
  /** The keys `helmDefaults:` sets (defaults of every `helm upgrade`), reported as left behind. */
  helmDefaults?: Located<string[]>;
  /** Top-level keys berth cannot express (bases, helmfiles, missingFileHandler…). */
  unsupported: Located<string>[];
}

/** Release keys that only steer `helm upgrade` and mean nothing to Argo CD: read and dropped. */
const IGNORED_RELEASE_KEYS = new Set(["labels", "createNamespace", "wait", "waitForJobs", "timeout", "atomic", "cleanupOnFail", "force", "recreatePods", "historyMax", "verify", "devel", "skipDeps", "disableValidation", "disableValidationOnInstall", "disableOpenAPIValidation", "reuseValues", "kubeContext", "inherit"]);
const KNOWN_TOP_KEYS = new Set(["repositories", "environments", "releases", "templates", "apiVersions", "kubeVersion", "commonLabels", "lockFilePath"]);

export function parseHelmfile(file: string, text: string): { helmfile?: Helmfile; problems: Diagnostic[] } {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, version: "1.1", merge: true, prettyErrors: false, uniqueKeys: false });
  const problems: Diagnostic[] = [];
  const pos = (n: { range?: [number, number, number] | null } | null | undefined) => lineCounter.linePos(n?.range?.[0] ?? 0);
  const at = (n: Node | null | undefined) => ({ line: pos(n).line, col: pos(n).col, endLine: lineCounter.linePos(Math.max((n?.range?.[1] ?? 1) - 1, 0)).line });
  for (const d of Array.isArray(docs) ? docs : []) {
    for (const e of d.errors) {
      const p = lineCounter.linePos(e.pos[0]);
      problems.push({ file, line: p.line, col: p.col, message: `YAML syntax error: ${e.message.split("\n")[0]}`, hint: "fix the YAML at this position (or render the helmfile first: helmfile -e ENV build > rendered.yaml)" });
    }
  }
  if (problems.length > 0) return { problems };
  const result: Helmfile = { repositories: new Map(), environmentMissingFileHandlers: new Map(), releases: [], unsupported: [] };
  for (const d of Array.isArray(docs) ? docs : []) {
    // Plain data of a node, aliases resolved against its own document, expansion bounded.
    const toPlain: ToPlain = (n) => {
      try {
        return n.toJS(d, { maxAliasCount: ALIAS_LIMIT });
      } catch (e) {
        problems.push({ file, ...at(n), message: `inline values cannot be read: ${(e as Error).message}`, hint: "write the values without aliases that expand this much" });
        return undefined;
      }
    };
    const root = d.contents;
    if (root === null) continue;
    if (!isMap(root)) {
      problems.push({ file, ...at(root as Node), message: "is not a helmfile: expected a mapping with `releases:`", hint: "pass the helmfile itself (helmfile.yaml)" });
      continue;
    }
    for (const pair of root.items) {
      const key = keyOf(pair);
      const value = pair.value as Node | null;
      if (key === "repositories" && isSeq(value)) {
        for (const item of value.items) {
          if (!isMap(item)) continue;
          const name = str(item, "name");
          const url = str(item, "url");
          if (name && url) result.repositories.set(name, { name, url, oci: item.get("oci") === true || url.startsWith("oci://"), line: at(item).line });
        }
      } else if (key === "environments" && isMap(value)) {
        result.environments ??= new Map();
        for (const env of value.items) {
          const envMap = env.value as Node | null;
          const values = isMap(envMap) && isSeq(envMap.get("values", true)) ? valuesEntries(envMap.get("values", true) as Node, at, toPlain) : [];
          result.environments.set(keyOf(env), values);
          const handler = isMap(envMap) ? envMap.get("missingFileHandler", true) : undefined;
          if (isScalar(handler)) result.environmentMissingFileHandlers.set(keyOf(env), { value: String(handler.value), ...at(handler) });
        }
      } else if (key === "helmDefaults") {
        result.helmDefaults = { value: isMap(value) ? value.items.map(keyOf) : [], ...at(pair.key as Node) };
      } else if (key === "releases" && isSeq(value)) {
        for (const item of value.items) if (isMap(item)) result.releases.push(release(item, at, toPlain));
      } else if (!KNOWN_TOP_KEYS.has(key)) {
        result.unsupported.push({ value: key, ...at(pair.key as Node) });
      }
    }
  }
  return { helmfile: result, problems };
}

function release(item: YAMLMap, at: At, toPlain: ToPlain): Release {
  const { line, col } = at(item);
  const r: Release = { line, col, needs: [], values: [], set: [], secrets: [], unsupported: [] };
  for (const pair of item.items) {
    const key = keyOf(pair);
    const value = pair.value as Node | null;
    const located = <T>(v: T): Located<T> => ({ value: v, line: at(value ?? (pair.key as Node)).line, col: at(value ?? (pair.key as Node)).col });
    const scalar = isScalar(value) ? value.value : undefined;
    switch (key) {
      case "name":
      case "namespace":
      case "chart":
      case "version":
        if (scalar !== undefined && scalar !== null) r[key] = located(String(scalar));
        break;
      case "installed":
        r.installed = located(scalar);
        break;
      case "missingFileHandler":
        if (scalar !== undefined && scalar !== null) r.missingFileHandler = located(String(scalar));
        break;
      case "needs":
        if (isSeq(value)) for (const n of value.items) if (isScalar(n)) r.needs.push({ value: String(n.value), ...at(n) });
        break;
      case "values":
        if (isSeq(value)) r.values.push(...valuesEntries(value, at, toPlain));
        break;
      case "set":
        if (isSeq(value)) {
          for (const s of value.items) {
            if (!isMap(s)) continue;
            const name = str(s, "name");
            const v = s.get("value") ?? s.get("values");
            if (name !== undefined) r.set.push({ name, value: v, ...at(s) });
          }
        }
        break;
      case "secrets":
        if (isSeq(value)) for (const s of value.items) if (isScalar(s)) r.secrets.push({ value: String(s.value), ...at(s) });
        break;
      default:
        if (!IGNORED_RELEASE_KEYS.has(key)) r.unsupported.push({ value: key, ...at(pair.key as Node) });
    }
  }
  return r;
}

function valuesEntries(seq: Node, at: At, toPlain: ToPlain): ValuesEntry[] {
  if (!isSeq(seq)) return [];
  return seq.items.flatMap((v): ValuesEntry[] => {
    if (isScalar(v) && typeof v.value === "string") return [{ kind: "file", path: v.value, line: at(v).line, col: at(v).col }];
    if (isMap(v)) return [{ kind: "inline", node: v, ...at(v), plain: toPlain(v) }];
    return [];
  });
}

type At = (n: Node | null | undefined) => { line: number; col: number; endLine: number };
type ToPlain = (n: Node) => unknown;

function keyOf(pair: Pair): string {
  return isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
}

function str(map: YAMLMap, key: string): string | undefined {
  const v = map.get(key);
  return typeof v === "string" ? v : undefined;
}
