import { readFileSync } from "node:fs";
import { join } from "node:path";
import { isMap, isPair, isScalar, isSeq, type Node } from "yaml";
import type { Diagnostic } from "../errors.js";
import { listRepoFiles, type RepoLister } from "../read/repo-files.js";
import { parseYamlSource } from "../yaml/source.js";
import type { RepoReader } from "./repo-reads.js";

/**
 * The fields of an Argo CD repository or repo-creds Secret that are credentials (Argo CD's
 * `pkg/apis/application/v1alpha1` Repository and RepoCreds, and its docs' declarative setup).
 * `url`, `type`, `name`, `project`, `enableOCI`, `insecure`, `proxy`… are configuration.
 */
const CREDENTIAL_KEYS = new Set([
  "username",
  "password",
  "bearerToken",
  "sshPrivateKey",
  "tlsClientCertData",
  "tlsClientCertKey",
  "githubAppID",
  "githubAppInstallationID",
  "githubAppPrivateKey",
  "gcpServiceAccountKey",
  "azureServicePrincipalClientId",
  "azureServicePrincipalClientSecret",
  "azureServicePrincipalTenantId",
]);

/** argo-helm's (and berth's Argo CD chart's) values that become repository Secrets, one per entry. */
const REPOSITORY_MAPS = new Set(["repositories", "credentialTemplates"]);

/** Every values file berth hands a chart: an app's, a local chart's own, a cluster's, cluster.yaml's inline values. */
const VALUES_FILE = /^apps\/.+\/values[^/]*\.ya?ml$|^clusters\/[^/]+\/(values\/[^/]+\.ya?ml|cluster\.yaml)$/;

/**
 * Credentials in `configs.repositories` or `configs.credentialTemplates` of any values: the Argo
 * CD chart renders each entry as a plain Secret, so a credential there would sit in Git (and in
 * the cluster) unencrypted. Configuration such as `enableOCI` is fine. Refused whatever the value
 * (a placeholder would be synced as the credential too); the fix is berth's sealed credentials.
 */
export function findRepositoryCredentials(root: string, list: RepoLister = (dirs) => listRepoFiles(root, dirs), read?: RepoReader): Diagnostic[] {
  const files = list(["apps", "clusters"]).filter((f) => VALUES_FILE.test(f));
  return files.flatMap((file) => (read?.clean(file) ? [] : repositoryCredentialFindings(file, read?.text(file) ?? readFileSync(join(root, file), "utf8"))));
}

/** The findings in one values file's text, positioned at the credential's key. */
export function repositoryCredentialFindings(file: string, text: string): Diagnostic[] {
  if (!/repositories|credentialTemplates/.test(text)) return [];
  const { source } = parseYamlSource(file, text);
  if (!source) return [];
  const out: Diagnostic[] = [];
  const walk = (node: Node | null | undefined, path: string[]) => {
    if (isSeq(node)) {
      node.items.forEach((item, i) => walk(item as Node, [...path, String(i)]));
      return;
    }
    if (!isMap(node)) return;
    const inRepositories = path.length >= 2 && path[path.length - 2] === "configs" && REPOSITORY_MAPS.has(path[path.length - 1]!);
    for (const pair of node.items) {
      if (!isPair(pair) || !isScalar(pair.key)) continue;
      const key = String(pair.key.value);
      if (inRepositories && isMap(pair.value)) {
        for (const field of pair.value.items) {
          if (!isPair(field) || !isScalar(field.key)) continue;
          const name = String(field.key.value);
          if (!CREDENTIAL_KEYS.has(name)) continue;
          if (isScalar(field.value) && (field.value.value === null || field.value.value === "")) continue;
          const pos = source.lineCounter.linePos(field.key.range?.[0] ?? 0);
          out.push({
            file,
            line: pos.line,
            col: pos.col,
            message: `configs.${path[path.length - 1]}.${key}.${name} is a credential: Argo CD's chart renders this entry as a plain Secret, so it would be committed and synced unencrypted`,
            hint:
              "remove it (keep only settings such as url, type, enableOCI); give Argo CD the credential sealed: `berth repo connect <cluster>` for the fleet repository, " +
              "or list the chart registry under `registries:` in the cluster's cluster.yaml and run `berth repo connect <cluster> --registry <url>`",
          });
        }
      }
      walk(pair.value as Node, [...path, key]);
    }
  };
  walk(source.doc.contents as Node, []);
  return out;
}
