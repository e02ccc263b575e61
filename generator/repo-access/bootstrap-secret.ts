import { existsSync, readFileSync } from "node:fs";
import type { KeyObject } from "node:crypto";
import { join } from "node:path";
import { UserError } from "../errors.js";
import type { Cluster } from "../model/fleet.js";
import { parseSealedSecretFile } from "../sealer/parse-sealed-secret.js";
import { openSealedValue } from "../sealer/unseal.js";
import { toYaml } from "../yaml/canonical.js";
import { requiredCredentials } from "../plan/repo-credentials.js";

/** Lets the sealed-secrets controller adopt a Secret it did not create, once its SealedSecret arrives. */
export const MANAGED_ANNOTATION = "sealedsecrets.bitnami.com/managed";

/**
 * The repository Secrets Argo CD needs before its first fetch, opened in memory from the committed
 * SealedSecrets with the cluster's key (bootstrap's --key), as one YAML stream for `kubectl apply -f -`.
 * Each is marked managed so the controller takes it over when Argo CD syncs secrets/<cluster>/argocd/.
 * Undefined when the cluster reads everything without credentials.
 */
export function openRepoCredentials(root: string, cluster: Cluster, key: KeyObject | undefined): { yaml: string; names: string[] } | undefined {
  const creds = requiredCredentials(cluster);
  if (creds.length === 0) return undefined;
  if (!key) {
    throw new UserError([
      { file: cluster.source.file, line: 0, col: 0, message: `cluster "${cluster.name}" reads ${creds.map((c) => c.url).join(", ")} with credentials sealed for it, which only its key opens`, hint: `pass --key <the cluster's private key> so bootstrap can give Argo CD the credential before its first fetch` },
    ]);
  }
  const docs: string[] = [];
  for (const cred of creds) {
    const abs = join(root, cred.file);
    if (!existsSync(abs)) throw new UserError([{ file: cred.file, line: 0, col: 0, message: "is missing: Argo CD could not read the repository", hint: `run \`berth repo connect ${cluster.name}${cred.purpose === "registry" ? ` --registry ${cred.url}` : ""}\`, commit and push` }]);
    const parsed = parseSealedSecretFile(readFileSync(abs, "utf8"), cred.file);
    if (!parsed.ok) throw new UserError(parsed.diagnostics);
    const { secret, scope } = parsed.value;
    const data: Record<string, string> = {};
    for (const [k, v] of Object.entries((secret.spec.template as { data?: Record<string, string> } | undefined)?.data ?? {})) data[k] = Buffer.from(v, "utf8").toString("base64");
    for (const [k, v] of Object.entries(secret.spec.encryptedData)) {
      const plain = openSealedValue({ value: v, privateKey: key, scope, namespace: secret.metadata.namespace, name: secret.metadata.name });
      if (!plain) {
        throw new UserError([{ file: cred.file, line: 0, col: 0, message: `${k} does not open with --key: it was sealed for another key`, hint: `reseal it for the cluster's certificate: berth repo connect ${cluster.name} --rotate` }]);
      }
      data[k] = plain.toString("base64");
      plain.fill(0);
    }
    const template = secret.spec.template?.metadata ?? {};
    docs.push(
      toYaml({
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: secret.metadata.name, namespace: secret.metadata.namespace, labels: template.labels ?? {}, annotations: { [MANAGED_ANNOTATION]: "true" } },
        type: secret.spec.template?.type ?? "Opaque",
        data,
      }),
    );
  }
  return { yaml: docs.map((d) => `---\n${d}`).join(""), names: creds.map((c) => c.secretName) };
}
