import { existsSync, readdirSync, readFileSync, statSync } from "../read/tree-fs.js";
import { join } from "node:path";
import type { Diagnostic } from "../errors.js";
import { layout } from "../layout.js";
// Not the sealer/index.js barrel: that loads the X.509 library (~200 modules) for the key and
// certificate parts, which reading sealed files does not need.
import { parseSealedSecretFile, type ParsedSealedSecret } from "../sealer/parse-sealed-secret.js";

/** A file under secrets/<cluster>/<namespace>/, parsed when it is a valid SealedSecret. */
export interface SealedFile {
  cluster: string;
  namespace: string;
  /** The file name without .yaml/.yml: the Secret's name. */
  name: string;
  /** Repository-relative path. */
  file: string;
  /** Undefined when the file is not a valid SealedSecret (see the diagnostics). */
  parsed?: ParsedSealedSecret;
}

const SEALED_FILE = /^(.+)\.ya?ml$/;

/** Files that may sit in secrets/ without being SealedSecrets: dotfiles (.gitkeep) and docs. */
const ignored = (entry: string) => entry.startsWith(".") || entry.endsWith(".md");

/**
 * Reads every file under secrets/ (optionally one cluster's folder). Each must be a SealedSecret
 * at secrets/<cluster>/<namespace>/<name>.yaml whose metadata.namespace and metadata.name match its
 * path; every file that is not is reported.
 */
export function readSealedFiles(root: string, cluster?: string): { files: SealedFile[]; diagnostics: Diagnostic[] } {
  const files: SealedFile[] = [];
  const diagnostics: Diagnostic[] = [];
  const misplaced = (file: string, what: string) =>
    diagnostics.push({
      file,
      line: 0,
      col: 0,
      message: `${what} is not where a SealedSecret belongs`,
      hint: `sealed secrets live at ${layout.sealedSecretFile("<cluster>", "<namespace>", "<name>")}; move or remove it`,
    });

  for (const c of entries(root, layout.secretsDir)) {
    const clusterPath = `${layout.secretsDir}/${c.name}`;
    if (!c.dir) {
      misplaced(clusterPath, "a file directly under secrets/");
      continue;
    }
    if (cluster !== undefined && c.name !== cluster) continue;
    for (const ns of entries(root, clusterPath)) {
      const nsPath = layout.secretsNamespaceDir(c.name, ns.name);
      if (!ns.dir) {
        misplaced(nsPath, `a file directly under ${clusterPath}/ (not in a namespace folder)`);
        continue;
      }
      for (const f of entries(root, nsPath)) {
        const file = `${nsPath}/${f.name}`;
        const m = SEALED_FILE.exec(f.name);
        if (f.dir || !m?.[1]) {
          misplaced(file, f.dir ? "a folder inside a namespace folder" : "a file without a .yaml extension");
          continue;
        }
        const entry: SealedFile = { cluster: c.name, namespace: ns.name, name: m[1], file };
        files.push(entry);
        const problems = checkFile(root, entry);
        diagnostics.push(...problems.diagnostics);
        if (problems.parsed) entry.parsed = problems.parsed;
      }
    }
  }
  return { files, diagnostics };
}

function checkFile(root: string, entry: SealedFile): { parsed?: ParsedSealedSecret; diagnostics: Diagnostic[] } {
  let text: string;
  try {
    text = readFileSync(join(root, entry.file), "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? String(e);
    return { diagnostics: [{ file: entry.file, line: 0, col: 0, message: `cannot be read: ${code}`, hint: "check the file's permissions" }] };
  }
  const r = parseSealedSecretFile(text, entry.file);
  if (!r.ok) return { diagnostics: r.diagnostics };
  const { secret, positions } = r.value;
  const diagnostics: Diagnostic[] = [];
  if (secret.metadata.namespace !== entry.namespace) {
    diagnostics.push({
      file: entry.file,
      ...positions.namespace,
      message: `metadata.namespace is "${secret.metadata.namespace}", but the file is in the namespace folder "${entry.namespace}"`,
      hint: `move the file to ${layout.sealedSecretFile(entry.cluster, secret.metadata.namespace, secret.metadata.name)}; a sealed value cannot change namespace by editing metadata`,
    });
  }
  if (secret.metadata.name !== entry.name) {
    diagnostics.push({
      file: entry.file,
      ...positions.name,
      message: `metadata.name is "${secret.metadata.name}", but the file is named ${entry.name}.yaml`,
      hint: `rename the file to ${secret.metadata.name}.yaml; a strict sealed value cannot be renamed by editing metadata`,
    });
  }
  return { parsed: r.value, diagnostics };
}

function entries(root: string, dir: string): { name: string; dir: boolean }[] {
  const abs = join(root, dir);
  if (!existsSync(abs)) return [];
  return readdirSync(abs)
    .filter((name) => !ignored(name))
    .sort()
    .map((name) => ({ name, dir: isDirectory(join(abs, name)) }));
}

/** A dangling symlink is not a folder; reading it as a file then reports it. */
function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
