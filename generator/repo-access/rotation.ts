import { ARGOCD_NAMESPACE } from "../layout.js";
import { ROOT_APPLICATION } from "../plan/root.js";
import { parseSealedSecretFile } from "../sealer/parse-sealed-secret.js";
import { DEPLOY_KEY_ANNOTATION } from "./sealed-credential.js";

/** What `--finish` reads: the cluster's objects and the repository's history. */
export interface ClusterReader {
  /** An object in Argo CD's namespace as JSON, or undefined when it does not exist. */
  get(resource: "applications.argoproj.io" | "sealedsecrets.bitnami.com", name: string): Promise<Record<string, unknown> | undefined>;
  /** A file's text at a commit, or undefined when the commit or the file is not there. */
  fileAt(revision: string, file: string): Promise<string | undefined>;
}

export type RotationCheck = { ok: true; evidence: string } | { ok: false; why: string; fix: string };

/**
 * Whether the cluster uses the newly sealed deploy key, so the old one may go: the root Application
 * has reconciled a revision whose SealedSecret holds the new key, and the sealed-secrets controller
 * has opened that SealedSecret (its Secret is the one Argo CD now reads).
 */
export async function checkRotationApplied(reader: ClusterReader, want: { file: string; secretName: string; fingerprint: string; root?: string }): Promise<RotationCheck> {
  const root = await reader.get("applications.argoproj.io", ROOT_APPLICATION);
  const revision = (root?.status as { sync?: { revision?: string } } | undefined)?.sync?.revision;
  if (!revision) return { ok: false, why: `the root Application has no reconciled revision (is cluster reachable and bootstrapped?)`, fix: "check `kubectl -n argocd get application root`" };
  const text = await reader.fileAt(revision, want.file);
  const parsed = text === undefined ? undefined : parseSealedSecretFile(text, want.file);
  const atRevision = parsed?.ok ? parsed.value.secret.metadata.annotations?.[DEPLOY_KEY_ANNOTATION] : undefined;
  if (atRevision !== want.fingerprint) {
    return { ok: false, why: `the root Application reconciled ${revision.slice(0, 12)}, whose ${want.file} ${atRevision ? `still holds ${atRevision}` : "is absent"}, not the new key ${want.fingerprint}`, fix: "commit and push the new SealedSecret, and wait until Argo CD has synced it" };
  }
  const sealed = await reader.get("sealedsecrets.bitnami.com", want.secretName);
  const meta = sealed?.metadata as { annotations?: Record<string, string>; generation?: number } | undefined;
  const status = sealed?.status as { observedGeneration?: number; conditions?: { type?: string; status?: string; message?: string }[] } | undefined;
  const synced = status?.conditions?.find((c) => c.type === "Synced");
  if (meta?.annotations?.[DEPLOY_KEY_ANNOTATION] !== want.fingerprint) {
    return { ok: false, why: `SealedSecret ${ARGOCD_NAMESPACE}/${want.secretName} on the cluster does not hold the new key yet`, fix: `wait for the Application that syncs secrets/…/${ARGOCD_NAMESPACE}/ to sync` };
  }
  if (synced?.status !== "True" || status?.observedGeneration !== meta.generation) {
    return { ok: false, why: `the sealed-secrets controller has not opened SealedSecret ${ARGOCD_NAMESPACE}/${want.secretName}${synced?.message ? `: ${synced.message}` : ""}`, fix: "check that it was sealed with the cluster's current certificate (berth secrets status)" };
  }
  return { ok: true, evidence: `root Application at ${revision.slice(0, 12)}, SealedSecret ${ARGOCD_NAMESPACE}/${want.secretName} opened by the controller` };
}
