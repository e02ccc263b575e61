import type { ErrorObject, ValidateFunction } from "ajv";
import type { Diagnostic } from "../errors.js";
import { diagnosticAt, type PathSegment, type YamlSource } from "../yaml/source.js";
import * as generated from "./schema/validators.generated.js";
import { nearest } from "./suggest.js";
import type { AppSpec, ClusterSpec } from "./types.js";

// Generated from the schemas ahead of time (schema/generate-validators.ts), not compiled at every start.
const validators = generated as unknown as { cluster: ValidateFunction; app: ValidateFunction };

export function checkCluster(source: YamlSource, data: unknown): { value?: ClusterSpec; diagnostics: Diagnostic[] } {
  return check(validators.cluster, source, data, "cluster.yaml") as { value?: ClusterSpec; diagnostics: Diagnostic[] };
}

export function checkApp(source: YamlSource, data: unknown): { value?: AppSpec; diagnostics: Diagnostic[] } {
  return check(validators.app, source, data, "app.yaml") as { value?: AppSpec; diagnostics: Diagnostic[] };
}

function check(validate: ValidateFunction, source: YamlSource, data: unknown, what: string) {
  if (data === null || data === undefined) {
    return { diagnostics: [{ file: source.file, line: 1, col: 1, message: `is empty, expected a ${what} mapping`, hint: `see generator/schemas/${what.replace(".yaml", "")}.schema.json for the fields` }] };
  }
  if (validate(data)) return { value: data, diagnostics: [] };
  return { diagnostics: relevant(validate.errors ?? []).map((e) => toDiagnostic(source, e, what)) };
}

/** Drops the noise of union schemas: branch-type mismatches and summary anyOf/oneOf errors. */
function relevant(errors: ErrorObject[]): ErrorObject[] {
  const specific = errors.filter((e) => e.keyword !== "anyOf" && e.keyword !== "oneOf");
  const kept = specific.filter(
    (e) => !(e.keyword === "type" && specific.some((o) => o !== e && o.keyword !== "type" && o.instancePath.startsWith(e.instancePath))),
  );
  const result = kept.length > 0 ? kept : errors;
  // A misspelt required field is one mistake: its "unknown field" report names the field it meant,
  // so the "missing field" report of that same field is dropped.
  const meant = new Set(
    result
      .filter((e) => e.keyword === "additionalProperties")
      .map((e) => `${e.instancePath}|${nearest(String((e.params as { additionalProperty: string }).additionalProperty), Object.keys(((e.parentSchema ?? {}) as { properties?: object }).properties ?? {}))}`),
  );
  const seen = new Set<string>();
  return result.filter((e) => {
    if (e.keyword === "required" && meant.has(`${e.instancePath}|${(e.params as { missingProperty: string }).missingProperty}`)) return false;
    const k = `${e.instancePath}|${e.keyword}|${JSON.stringify(e.params)}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function pathOf(instancePath: string): PathSegment[] {
  if (instancePath === "") return [];
  return instancePath
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function field(path: PathSegment[]): string {
  return path.length === 0 ? "the document" : path.map((s) => (typeof s === "number" ? `[${s}]` : s)).join(".").replace(/\.\[/g, "[");
}

const SOURCE_TYPES = ["helm", "chart", "kustomize", "manifests"];

/** What each pattern of the schemas asks for, in words (a raw regular expression helps nobody). */
export const PATTERN_WORDS: Record<string, string> = {
  "^([0-9]+(\\.[0-9]+)?|[0-9]+m)$": "give a CPU quantity such as 500m or 2",
  "^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|k|M|G|T)?$": "give a memory quantity such as 512Mi or 8Gi",
  "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$": "use lowercase letters, digits and '-', starting and ending with a letter or digit",
  "^([a-z0-9]([-a-z0-9]*[a-z0-9])?|[a-z0-9-]*\\{environment\\}[a-z0-9-]*)$": "use lowercase letters, digits and '-' (and `{environment}` in a per-environment app)",
  "^(?!/)(?!.*(^|/)\\.\\.(/|$)).+$": "give a path relative to the app's folder that stays inside it (no leading '/', no '..')",
  "^(?!.*(^|/)\\.\\.(/|$))[A-Za-z0-9_.][-A-Za-z0-9_./]*\\.ya?ml$": "name a .yaml or .yml file inside the app's folder (no '..')",
  "^(https?|oci)://[^\\s]+$": "give an https://, http:// or oci:// URL",
  "^v?[0-9]+\\.[0-9]+\\.[0-9]+([-+][0-9A-Za-z.-]+)?$": "give an exact version such as 1.2.3",
  "^[-._a-zA-Z0-9]+$": "use letters, digits, '-', '_' and '.' only",
  "^[A-Z][A-Za-z0-9]*$": "give a Kubernetes kind such as ClusterRole",
  "^(https://|ssh://|git@|file:///)[^\\s]+$": "give an https://, ssh://, git@ or file:/// URL",
  "^https://[^\\s]+$": "give the API server's https:// URL",
  "^[^\\s#]+ (ssh-ed25519|ecdsa-sha2-nistp256|ecdsa-sha2-nistp384|ecdsa-sha2-nistp521|ssh-rsa) [A-Za-z0-9+/=]+$": "give a known_hosts line: host, key type and base64 key (berth repo connect writes GitHub's)",
  "^(https?://|oci://)[^\\s@]+$": "give the registry's https:// or oci:// URL, without a user name or password in it",
  "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$": "give the UID as kubectl prints it (kubectl get namespace kube-system -o jsonpath='{.metadata.uid}')",
  "^1\\.[0-9]+\\.[0-9]+$": "give a full Kubernetes version such as 1.37.2",
  "^[a-z0-9.-]+$": "give a DNS name in lowercase, such as apps.example.com",
  "^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$": "give the repository as owner/name, such as acme/fleet",
  "^(https://[^\\s]+|http://(127\\.0\\.0\\.1|localhost)(:[0-9]+)?(/[^\\s]*)?)$": "give an https:// URL (http:// only to 127.0.0.1 or localhost: the token travels with every request)",
  "^https?://[^\\s]+$": "give an https:// or http:// URL",
  "^[a-z0-9.-]+(/[a-zA-Z0-9]+)?(/[A-Za-z]+)?$": "give an API version as helm's --api-versions takes it, such as monitoring.coreos.com/v1 or monitoring.coreos.com/v1/ServiceMonitor",
};

const SCHEMA_FILE: Record<string, string> = { "cluster.yaml": "generator/schemas/cluster.schema.json", "app.yaml": "generator/schemas/app.schema.json" };

function toDiagnostic(source: YamlSource, e: ErrorObject, what: string): Diagnostic {
  const path = pathOf(e.instancePath);
  const schema = (e.parentSchema ?? {}) as { description?: string; properties?: Record<string, unknown>; enum?: unknown[] };
  const where = field(path);
  switch (e.keyword) {
    case "additionalProperties": {
      const name = String((e.params as { additionalProperty: string }).additionalProperty);
      const known = Object.keys(schema.properties ?? {});
      const guess = nearest(name, known);
      const hint = guess ? `did you mean \`${guess}\`?` : known.length ? `known fields here: ${known.join(", ")}` : "remove it";
      return diagnosticAt(source, [...path, name], `unknown field \`${name}\` in ${where}`, hint, true);
    }
    case "required": {
      const name = String((e.params as { missingProperty: string }).missingProperty);
      const sub = schema.properties?.[name] as { description?: string } | undefined;
      return diagnosticAt(source, path, `${where} is missing the required field \`${name}\``, `add \`${name}:\`${sub?.description ? ` (${sub.description})` : ""}`);
    }
    case "enum":
      return diagnosticAt(source, path, `${where} is ${JSON.stringify(e.data)}, expected one of: ${(schema.enum ?? []).join(", ")}`, `use one of: ${(schema.enum ?? []).join(", ")}`);
    case "const":
    case "discriminator": {
      const tag = String((e.params as { tag?: string }).tag ?? "type");
      const at = e.keyword === "discriminator" ? [...path, tag] : path;
      const value = e.keyword === "discriminator" ? (e.data as Record<string, unknown> | undefined)?.[tag] : e.data;
      return diagnosticAt(source, at, `${field(at)} is ${JSON.stringify(value ?? null)}; ${field(at)} must be one of ${SOURCE_TYPES.join(", ")}`, `write \`${tag}: ${nearest(String(value ?? ""), SOURCE_TYPES) ?? SOURCE_TYPES[0]}\` (or another of ${SOURCE_TYPES.join(", ")})`);
    }
    case "type":
      return diagnosticAt(source, path, `${where} is ${describe(e.data)}, expected ${String((e.params as { type: string }).type)}`, schema.description ?? `write ${where} as a ${String((e.params as { type: string }).type)}`);
    case "pattern":
      return diagnosticAt(source, path, `${where} is ${JSON.stringify(e.data)}, which is not valid: ${PATTERN_WORDS[String((e.params as { pattern: string }).pattern)] ?? "it does not have the expected form"}`, schema.description ?? "correct the value");
    case "format":
    case "maxLength":
    case "minLength":
      return diagnosticAt(source, path, `${where} is ${JSON.stringify(e.data)}, which is not valid: ${e.message ?? ""}`, schema.description ?? "correct the value");
    case "uniqueItems": {
      const { i, j } = e.params as { i: number; j: number };
      return diagnosticAt(source, [...path, i], `${where} lists the same item twice (entries ${j + 1} and ${i + 1})`, "remove the duplicate entry");
    }
    default:
      return diagnosticAt(source, path, `${where} ${e.message ?? "is invalid"}`, schema.description ?? `see ${SCHEMA_FILE[what] ?? "generator/schemas/"} for the allowed values`);
  }
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  return typeof v === "bigint" ? `integer ${v}` : `${typeof v} ${JSON.stringify(v)}`;
}
