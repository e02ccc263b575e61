import { readFileSync } from "node:fs";
import { join } from "node:path";
import { isPair, isScalar, visit } from "yaml";
import type { Diagnostic } from "../errors.js";
import { parseYamlSource } from "../yaml/source.js";
import { listRepoFiles } from "../write/repo-files.js";

// A header followed by key material; a bare mention of the header (docs, tests) is not a key.
const PRIVATE_KEY = /-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY-----\r?\n[A-Za-z0-9+/=]{40,}/;
/** A line carrying this comment is exempt from the plaintext-secret heuristics. */
export const ALLOW_MARK = "berth:allow-secret";
const SECRET_KEY_NAME = /(password|passwd|secret|token|api[_-]?key|private[_-]?key)$/i;
const SAFE_VALUE = /^(sha(256|512):[a-f0-9]+|[a-z][a-z0-9+.-]*:\/\/\S+|\/\S*|\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|\{\{.*\}\}|changeme|<.*>)$/;

/** Private keys anywhere in the repository: a sealing key belongs outside it (berth keys generate --out). */
export function findPrivateKeys(root: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const file of listRepoFiles(root)) {
    const text = readFileSync(join(root, file)).subarray(0, 1 << 20).toString("latin1");
    const m = PRIVATE_KEY.exec(text);
    if (!m) continue;
    const line = text.slice(0, m.index).split("\n").length;
    out.push({ file, line, col: 1, message: "contains a private key; private keys must never be committed", hint: "move it out of the repository (e.g. a password manager), rotate it, and purge it from Git history" });
  }
  return out;
}

/** Shannon entropy in bits per character. */
export function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) h -= (n / s.length) * Math.log2(n / s.length);
  return h;
}

function looksRandom(s: string): boolean {
  if (s.length < 20 || /\s/.test(s) || SAFE_VALUE.test(s)) return false;
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((r) => r.test(s)).length;
  return classes >= 3 && entropy(s) >= 4.0;
}

/**
 * Plaintext credentials in Helm values files: a secret-named key with a literal value, or a
 * long high-entropy string. Lines marked `# berth:allow-secret` are exempt.
 */
export function findPlaintextCredentials(root: string): Diagnostic[] {
  const valuesFiles = listRepoFiles(root, ["apps", "clusters"]).filter((f) => /^apps\/[^/]+\/values(-[a-z0-9-]+)?\.yaml$|^clusters\/[^/]+\/(values\/[^/]+|cluster)\.yaml$/.test(f));
  const out: Diagnostic[] = [];
  for (const file of valuesFiles) {
    const text = readFileSync(join(root, file), "utf8");
    const { source } = parseYamlSource(file, text);
    if (!source) continue;
    const lines = text.split("\n");
    visit(source.doc, {
      Pair(_, pair) {
        if (!isPair(pair) || !isScalar(pair.key) || !isScalar(pair.value)) return;
        const value = pair.value.value;
        if (typeof value !== "string" || value === "") return;
        const pos = source.lineCounter.linePos(pair.value.range?.[0] ?? 0);
        if (lines[pos.line - 1]?.includes(ALLOW_MARK)) return;
        const key = String(pair.key.value);
        const named = SECRET_KEY_NAME.test(key) && !SAFE_VALUE.test(value) && !/existing|secretName|secretKey|ref$/i.test(key);
        if (named || looksRandom(value)) {
          out.push({
            file,
            line: pos.line,
            col: pos.col,
            message: named ? `\`${key}\` holds a literal value; credentials must not be committed in plain text` : `\`${key}\` holds a high-entropy string that looks like a credential`,
            hint: `seal it with \`berth seal\` and reference the Secret (e.g. existingSecret), or mark the line \`# ${ALLOW_MARK}\` if it is not secret`,
          });
        }
      },
    });
  }
  return out;
}
