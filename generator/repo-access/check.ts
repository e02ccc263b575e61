import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Diagnostic } from "../errors.js";
import { ARGOCD_NAMESPACE } from "../layout.js";
import type { Fleet } from "../model/fleet.js";
import { readSealedFiles } from "../secrets/sealed-files.js";
import { positionOf } from "../secrets/seal-plan.js";
import { diagnosticAt } from "../yaml/source.js";
import { accessMismatch, requiredCredentials } from "../plan/repo-credentials.js";
import { accessName, credentialProblems } from "./sealed-credential.js";

/**
 * The repository-access checks of `berth validate`: every private source a cluster declares (its
 * fleet repository with `repo.access`, each of its `registries`) has a credential sealed for that
 * cluster, of a kind that fits the URL, in the Secret shape Argo CD reads.
 */
export function checkRepoAccess(root: string, fleet: Fleet, onlyCluster?: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const { files } = readSealedFiles(root, onlyCluster); // their own problems are reported by checkSecrets
  for (const cluster of fleet.clusters) {
    if (onlyCluster !== undefined && cluster.name !== onlyCluster) continue;
    for (const cred of requiredCredentials(cluster)) {
      const connect = `berth repo connect ${cluster.name}${cred.purpose === "registry" ? ` --registry ${cred.url}` : ""}`;
      const mismatch = cred.purpose === "fleet" ? accessMismatch(cred.access, cred.url) : plainHttpLogin(cred.url);
      if (mismatch) {
        out.push(diagnosticAt(cluster.source, cred.at, mismatch.message, mismatch.hint));
        continue;
      }
      const file = files.find((f) => f.namespace === ARGOCD_NAMESPACE && f.name === cred.secretName && f.cluster === cluster.name);
      if (!file) {
        out.push(diagnosticAt(cluster.source, cred.at, `${cred.purpose === "fleet" ? `the repository ${cred.url}` : `the registry ${cred.url}`} is private (${accessName(cred.access)}), but no credential is sealed for cluster "${cluster.name}" (no ${cred.file})`, `run \`${connect}\`; Argo CD cannot read it without one`));
        continue;
      }
      if (!file.parsed) continue;
      for (const p of credentialProblems(cred, file.parsed)) {
        const text = readText(root, file.file);
        out.push({ file: file.file, ...(text ? positionOf(text, p.path) : { line: 0, col: 0 }), message: p.message, hint: p.hint });
      }
    }
  }
  return out;
}

function readText(root: string, file: string): string | undefined {
  try {
    return readFileSync(join(root, file), "utf8");
  } catch {
    return undefined;
  }
}

/** A login sent over plain HTTP to another machine travels in the clear. */
function plainHttpLogin(url: string): { message: string; hint: string } | undefined {
  const m = /^http:\/\/([^/:]+)/.exec(url);
  if (!m || ["127.0.0.1", "localhost", "[::1]"].includes(m[1]!)) return undefined;
  return { message: `the registry ${url} is plain HTTP: its login would cross the network in the clear`, hint: `use its https:// URL (${url.replace(/^http:/, "https:")})` };
}
