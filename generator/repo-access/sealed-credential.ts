import { ARGOCD_NAMESPACE } from "../layout.js";
import { buildSealedSecret, sealValue, type ParsedSealedSecret, type SealedSecret, type SealingCertificate } from "../sealer/index.js";
import { isLoopbackUrl } from "../plan/repos.js";
import { toYaml } from "../yaml/canonical.js";
import { PLAIN_KEYS, SEALED_KEYS, SECRET_TYPE_LABEL, type RepoCredential } from "../plan/repo-credentials.js";

/** On the SealedSecret of a deploy key: the public key's SHA256 fingerprint, to find the key on GitHub again. */
export const DEPLOY_KEY_ANNOTATION = "berth.dev/deploy-key";

/**
 * The plain part of an Argo CD repository Secret: where the credential applies. It sits in the
 * SealedSecret's template `data`, so `validate` can check it without the cluster's key.
 */
export function plainData(cred: RepoCredential): Record<string, string> {
  const data: Record<string, string> = { url: cred.argoUrl };
  if (cred.purpose === "fleet") data.type = "git";
  else {
    data.type = "helm";
    if (!cred.prefix) data.name = cred.secretName;
  }
  if (cred.oci) data.enableOCI = "true";
  // A registry on this machine speaks plain HTTP (as berth's own renders assume, helm --plain-http);
  // Argo CD 3.5+ pulls OCI over HTTPS unless told so.
  if (cred.oci && isLoopbackUrl(cred.url)) data.insecureOCIForceHttp = "true";
  return data;
}

/**
 * A whole new SealedSecret for one credential, sealed strictly to its name in Argo CD's namespace
 * (values in memory only; the caller zeroes them). The labels Argo CD reads are in the template, so
 * they land on the Secret the controller creates.
 */
export function sealCredential(cred: RepoCredential, values: ReadonlyMap<string, Buffer>, cert: SealingCertificate, annotations: Record<string, string> = {}): string {
  const missing = SEALED_KEYS[cred.access].filter((k) => !values.has(k));
  if (missing.length > 0) throw new Error(`sealCredential: no value for ${missing.join(", ")}`);
  const encryptedData: Record<string, string> = {};
  for (const [key, value] of values) {
    encryptedData[key] = sealValue({ cert, namespace: ARGOCD_NAMESPACE, name: cred.secretName, scope: "strict", value });
  }
  const secret: SealedSecret = buildSealedSecret({
    name: cred.secretName,
    namespace: ARGOCD_NAMESPACE,
    scope: "strict",
    type: "Opaque",
    encryptedData,
    certFingerprint: cert.fingerprint,
    labels: { [SECRET_TYPE_LABEL]: cred.prefix ? "repo-creds" : "repository" },
  });
  secret.metadata.annotations = { ...secret.metadata.annotations, ...annotations };
  secret.spec.template = { ...secret.spec.template, data: plainData(cred) };
  return toYaml(secret);
}

/** What is wrong with a committed credential SealedSecret for `cred`, as field path and message/hint; empty when it fits. */
export function credentialProblems(cred: RepoCredential, parsed: ParsedSealedSecret): { path: string[]; message: string; hint: string }[] {
  const problems: { path: string[]; message: string; hint: string }[] = [];
  const fix = `run \`berth repo connect ${cred.cluster}${cred.purpose === "registry" ? ` --registry ${cred.url}` : ""} --rotate\` to write it again`;
  const template = parsed.secret.spec.template ?? {};
  const label = (template.metadata?.labels ?? {})[SECRET_TYPE_LABEL];
  const wanted = cred.prefix ? "repo-creds" : "repository";
  if (label !== wanted) {
    problems.push({ path: ["spec", "template", "metadata", "labels"], message: `the Secret's template is not labelled ${SECRET_TYPE_LABEL}: ${wanted}, so Argo CD would not read it as a ${cred.prefix ? "credential template" : "repository"}`, hint: fix });
  }
  const data = (template as { data?: Record<string, unknown> }).data ?? {};
  const expected = plainData(cred);
  for (const key of PLAIN_KEYS) {
    if (data[key] !== expected[key]) {
      problems.push({ path: ["spec", "template", "data"], message: `template data ${key} is ${data[key] === undefined ? "missing" : `"${String(data[key])}"`}, expected ${expected[key] === undefined ? "none" : `"${expected[key]}"`} for ${cred.url}`, hint: fix });
    }
  }
  const sealed = Object.keys(parsed.secret.spec.encryptedData);
  const missing = SEALED_KEYS[cred.access].filter((k) => !sealed.includes(k));
  if (missing.length > 0) {
    const other = (Object.entries(SEALED_KEYS) as [string, readonly string[]][]).find(([, keys]) => keys.every((k) => sealed.includes(k)))?.[0];
    problems.push({
      path: ["spec", "encryptedData"],
      message: `a ${accessName(cred.access)} needs sealed ${missing.join(", ")}${other ? `; this SealedSecret holds a ${accessName(other)} instead` : ""}`,
      hint: other && other !== "basic" && cred.purpose === "fleet" ? `set repo.access: ${other} in cluster.yaml, or ${fix}` : fix,
    });
  }
  return problems;
}

export function accessName(access: string): string {
  return access === "deployKey" ? "deploy key" : access === "githubApp" ? "GitHub App" : access === "token" ? "token" : "username and password";
}
