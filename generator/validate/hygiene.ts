import { closeSync, openSync, readFileSync, readSync } from "node:fs";
import { join } from "node:path";
import { isPair, isScalar, visit } from "yaml";
import type { Diagnostic } from "../errors.js";
import { parseYamlSourceMemo, type ParseMemo } from "../yaml/parse-memo.js";
import { listRepoFiles, type RepoLister } from "../read/repo-files.js";
import { layout } from "../layout.js";
import type { RepoReader } from "./repo-reads.js";

// A whole key: header, key material, footer, its lines indented or not (a key in a YAML block
// scalar, `tls.key: |`, is indented). A bare mention of the header (docs, tests) or a truncated
// example (`MIIEow…`, no footer) is not a key anyone can use.
const PRIVATE_KEY = /-----BEGIN ((?:RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY)-----\r?\n(?:[ \t]*[A-Za-z0-9+/=]+\r?\n|[ \t]*[A-Za-z-]+: [^\n]*\r?\n|[ \t]*\r?\n){1,}[ \t]*-----END \1-----/;
/**
 * Files no one deploys or reads as values: documentation of a vendored chart (its README shows
 * example keys). Everything else (templates, manifests, values, files a chart reads with
 * .Files.Get, and any other file in the repository) is scanned for private keys.
 */
const DOCUMENTATION = /(^|\/)(README|LICENSE|NOTICE|CHANGELOG|NOTES)[^/]*$|\.(md|markdown|rst|adoc|txt)$/i;
/** A line carrying this comment is exempt from the plaintext-secret heuristics. */
export const ALLOW_MARK = "berth:allow-secret";
const SECRET_KEY_NAME = /(password|passwd|secret|token|api[_-]?key|private[_-]?key)$/i;
const SAFE_VALUE = /^(([^\s@]+@)?sha(256|512):[a-f0-9]+|[a-z][a-z0-9+.-]*:\/\/\S+|\/\S*|\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|\{\{.*\}\}|changeme|<.*>)$/;

/** Private keys anywhere in the repository: a sealing key belongs outside it (berth keys generate --out). */
export function findPrivateKeys(root: string, list: RepoLister = (dirs) => listRepoFiles(root, dirs), read?: RepoReader): Diagnostic[] {
  const out: Diagnostic[] = [];
  const allowed = allowedFiles(root);
  const HEAD = 1 << 20;
  for (const file of list()) {
    if (DOCUMENTATION.test(file) || allowed(file) || read?.clean(file)) continue;
    read?.scanning(file);
    out.push(...privateKeyFindings(file, read?.head(file, HEAD) ?? readHead(join(root, file), HEAD)));
  }
  return out;
}

/**
 * The files a person marked as examples in {@link layout.allowSecrets}: a path a line (a folder
 * ends in `/`), `#` comments. For files one cannot mark with a comment (a vendored chart's).
 */
export function allowedFiles(root: string): (file: string) => boolean {
  let text = "";
  try {
    text = readFileSync(join(root, layout.allowSecrets), "utf8");
  } catch {
    return () => false;
  }
  const entries = text.split("\n").map((l) => l.replace(/#.*$/, "").trim()).filter((l) => l !== "");
  return (file) => entries.some((e) => (e.endsWith("/") ? file.startsWith(e) : file === e));
}

/** The private key in one file's text (the first), positioned at its header. */
export function privateKeyFindings(file: string, text: string): Diagnostic[] {
  const m = PRIVATE_KEY.exec(text);
  if (!m) return [];
  const line = text.slice(0, m.index).split("\n").length;
  // An example key marked as such on its header line or the line above.
  const lines = text.split("\n");
  if (lines[line - 1]?.includes(ALLOW_MARK) || lines[line - 2]?.includes(ALLOW_MARK)) return [];
  return [{ file, line, col: 1, message: "contains a private key; private keys must never be committed", hint: `move it out of the repository (e.g. a password manager), rotate it, and purge it from Git history; if it is an example, mark it with \`${ALLOW_MARK}\` on the line above, or list the file in ${layout.allowSecrets}` }];
}

/** One buffer for every head read: allocating (and zeroing) a megabyte per file dominated a scan of 20,000 files. */
let scratch: Buffer | undefined;

/** The first `bytes` of a file: a multi-gigabyte file anywhere in the repository must not be read whole. */
function readHead(path: string, bytes: number): string {
  if (!scratch || scratch.length < bytes) scratch = Buffer.allocUnsafe(bytes);
  const fd = openSync(path, "r");
  try {
    const n = readSync(fd, scratch, 0, bytes, 0);
    return scratch.toString("latin1", 0, n);
  } finally {
    closeSync(fd);
  }
}

/** Shannon entropy in bits per character. */
export function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) h -= (n / s.length) * Math.log2(n / s.length);
  return h;
}

/** A host name with an optional port and path (an OCI registry as Argo CD names it, without a scheme). */
const HOST_PATH = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.[a-z]{2,}(:[0-9]+)?(\/[a-z0-9._-]+)*\/?$/;

function looksRandom(s: string): boolean {
  if (s.length < 20 || /\s/.test(s) || SAFE_VALUE.test(s) || HOST_PATH.test(s)) return false;
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((r) => r.test(s)).length;
  return classes >= 3 && entropy(s) >= 4.0;
}

/**
 * Plaintext credentials in Helm values files (and cluster.yaml's inline values). Lines marked
 * `# berth:allow-secret` are exempt.
 */
export function findPlaintextCredentials(root: string, memo?: ParseMemo, list: RepoLister = (dirs) => listRepoFiles(root, dirs), read?: RepoReader): Diagnostic[] {
  const allowed = allowedFiles(root);
  const valuesFiles = list(["apps", "clusters"]).filter((f) => !allowed(f) && /^apps\/[^/]+\/values(-[a-z0-9-]+)?\.yaml$|^clusters\/[^/]+\/(values\/[^/]+|cluster)\.yaml$/.test(f));
  return valuesFiles.flatMap((file) => (read?.clean(file) ? [] : scanForCredentials(file, read?.text(file) ?? readFileSync(join(root, file), "utf8"), memo)));
}

/** `password`, `DB_PASSWORD`, `DB_PASS`, `auth.pass`, `dbPass`, `apiKey`, `token`…; not `bypass` or `compass`. */
const SECRET_NAME = (name: string) => SECRET_KEY_NAME.test(name) || /(^|[^A-Za-z])pass$/i.test(name) || /[a-z]Pass$/.test(name);
/** Names that refer to a secret rather than hold one. */
const REFERENCE_NAME = /existing|secretName|secretKey|secretRef|keyRef|ref$|file$|path$/i;
/** A placeholder, not a value: ${VAR}, {{ .Values.x }}, <fill-me>, changeme, or empty. */
const PLACEHOLDER = /^(\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|\{\{.*\}\}|<[^>]*>|changeme|)$/;
/** scheme://user:password@host — the password being literal. */
const URL_PASSWORD = /\b[a-z][a-z0-9+.-]*:\/\/[^\s:/?#@]+:([^\s/?#]+)@[^\s/?#@]+/i;
/** PASSWORD=…, --db-password=…, token=… inside a longer string (a command line, a DSN). */
const ASSIGNED_SECRET = /(?:^|[\s;,&"'])-{0,2}[\w.-]*(?:password|passwd|pass|pwd|secret|token|api[_-]?key)\s*=\s*([^\s&;'"]+)/i;
/** AWS access key ids. */
const AWS_KEY = /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/;

/** Why `value` at key `key` (in a map whose `name` is `siblingName`) looks like a credential, or undefined. */
export function credentialProblem(key: string, value: string, siblingName?: string): string | undefined {
  if (value === "") return undefined;
  if (AWS_KEY.test(value)) return `\`${key}\` holds an AWS access key id`;
  const url = URL_PASSWORD.exec(value);
  if (url && !PLACEHOLDER.test(url[1]!)) return `\`${key}\` holds a URL with a password in it`;
  if (SECRET_NAME(key) && !REFERENCE_NAME.test(key) && !SAFE_VALUE.test(value)) return `\`${key}\` holds a literal value`;
  if (key === "value" && siblingName !== undefined && SECRET_NAME(siblingName) && !REFERENCE_NAME.test(siblingName) && !SAFE_VALUE.test(value)) return `\`${siblingName}\` is given a literal value`;
  const assigned = ASSIGNED_SECRET.exec(value);
  if (assigned && value !== assigned[0].trim() && !PLACEHOLDER.test(assigned[1]!)) return `\`${key}\` holds a string that assigns a credential (${assigned[0].trim().split("=")[0]}=…)`;
  if (looksRandom(value)) return `\`${key}\` holds a high-entropy string that looks like a credential`;
  return undefined;
}

/**
 * Whether any string in the data might be a credential: every map's string values, as the scan
 * below sees them (it looks at fewer: not through aliases, not on marked lines), so a file this
 * passes has no finding and its document and positions need not be parsed.
 */
function mayHoldCredential(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(mayHoldCredential);
  if (value === null || typeof value !== "object") return false;
  const map = value as Record<string, unknown>;
  const name = map.name;
  const siblingName = name !== null && name !== undefined && typeof name !== "object" ? String(name) : undefined;
  for (const [key, v] of Object.entries(map)) {
    if (typeof v === "string" ? credentialProblem(key, v, siblingName) !== undefined : mayHoldCredential(v)) return true;
  }
  return false;
}

/** The findings in one YAML file, positioned at the value; through `memo`, a file parsed before is not parsed again unless it has one. */
export function scanForCredentials(file: string, text: string, memo?: ParseMemo): Diagnostic[] {
  const { source } = parseYamlSourceMemo(memo, file, text);
  if (!source || !mayHoldCredential(source.value)) return [];
  const out: Diagnostic[] = [];
  const lines = text.split("\n");
  visit(source.doc, {
    Map(_, map) {
      const nameNode = map.items.find((p) => isScalar(p.key) && p.key.value === "name" && isScalar(p.value));
      const siblingName = nameNode && isScalar(nameNode.value) ? String(nameNode.value.value) : undefined;
      for (const pair of map.items) {
        if (!isPair(pair) || !isScalar(pair.key) || !isScalar(pair.value)) continue;
        const value = pair.value.value;
        if (typeof value !== "string") continue;
        const pos = source.lineCounter.linePos(pair.value.range?.[0] ?? 0);
        if (lines[pos.line - 1]?.includes(ALLOW_MARK)) continue;
        const problem = credentialProblem(String(pair.key.value), value, siblingName);
        if (!problem) continue;
        out.push({
          file,
          line: pos.line,
          col: pos.col,
          message: `${problem}; credentials must not be committed in plain text`,
          hint: `seal it with \`berth seal\` and reference the Secret (e.g. existingSecret, valueFrom.secretKeyRef), or mark the line \`# ${ALLOW_MARK}\` if it is not secret`,
        });
      }
    },
  });
  return out;
}
