import { formatDiagnostic, sortDiagnostics, type Diagnostic } from "../errors.js";
import { ARGOCD_NAMESPACE, layout } from "../layout.js";
import type { Fleet } from "../model/fleet.js";
import { parseSealingCertificate } from "../sealer/index.js";
import { certificateFingerprint, readCertificateText, shortFingerprint } from "./cluster-certificate.js";
import { requiredCredentials } from "../repo-access/credentials.js";
import { compare, consumedSecrets, sealCommand, secretId, type ConsumedSecret } from "./consumers.js";
import { readSealedFiles, type SealedFile } from "./sealed-files.js";

/** Worst first: a row shows the worst state among its findings. */
export const SECRET_STATES = ["invalid", "missing", "stale", "unused", "ok"] as const;
export type SecretState = (typeof SECRET_STATES)[number];
/** States that make `berth secrets status` exit 1. */
export const FAILING_STATES: ReadonlySet<SecretState> = new Set(["invalid", "missing", "stale"]);

export interface Finding {
  state: SecretState;
  text: string;
}

export interface SecretStatusRow {
  cluster: string;
  /** namespace/name, or the file's path when it is not in a namespace folder. */
  secret: string;
  state: SecretState;
  /** Worst first. */
  findings: Finding[];
}

export interface SecretsStatus {
  rows: SecretStatusRow[];
  /** Findings about the clusters' certificates themselves. */
  notes: string[];
}

/**
 * Per cluster: what its apps consume against what is sealed under secrets/<cluster>/, and whether
 * the cluster's current certificate sealed it. Reads the repository; decrypts nothing.
 */
export function secretsStatus(root: string, fleet: Fleet, now: Date, onlyCluster?: string): SecretsStatus {
  const rows: SecretStatusRow[] = [];
  const notes: string[] = [];
  const { files, diagnostics } = readSealedFiles(root, onlyCluster);
  const problems = groupByFile(diagnostics);
  const known = new Set(fleet.clusters.map((c) => c.name));

  for (const cluster of fleet.clusters) {
    if (onlyCluster !== undefined && cluster.name !== onlyCluster) continue;
    const certFile = layout.sealingCert(cluster.name);
    const certText = readCertificateText(root, cluster.name);
    const fingerprint = certText === undefined ? undefined : certificateFingerprint(certText);
    if (certText === undefined) {
      notes.push(`${cluster.name}: no certificate at ${certFile}; nothing can be sealed for this cluster`);
    } else {
      const checked = parseSealingCertificate(certText, { now, file: certFile });
      if (!checked.ok) notes.push(...checked.diagnostics.map((d) => `${cluster.name}: ${formatDiagnostic(d).replace("\n  fix:", ";")}`));
    }

    const sealed = new Map(files.filter((f) => f.cluster === cluster.name).map((f) => [secretId(f.namespace, f.name), f]));
    for (const secret of consumedSecrets(fleet, cluster)) {
      const id = secretId(secret.namespace, secret.name);
      rows.push(row(cluster.name, id, consumedFindings(secret, sealed.get(id), fingerprint, problems)));
      sealed.delete(id);
    }
    // Argo CD's own credentials (berth repo connect) are consumed by Argo CD, not by an app.
    for (const cred of requiredCredentials(cluster)) {
      const id = secretId(ARGOCD_NAMESPACE, cred.secretName);
      const file = sealed.get(id);
      if (file) rows.push(row(cluster.name, id, fileFindings(file, fingerprint, problems)));
      sealed.delete(id);
    }
    for (const [id, file] of sealed) {
      rows.push(row(cluster.name, id, [...fileFindings(file, fingerprint, problems), { state: "unused", text: "no app on this cluster consumes it" }]));
    }
  }

  for (const file of files) {
    if (known.has(file.cluster)) continue;
    const findings = fileFindings(file, undefined, problems).filter((f) => f.state === "invalid");
    findings.push({ state: "unused", text: `there is no cluster "${file.cluster}" (no ${layout.clusterFile(file.cluster)})` });
    rows.push(row(file.cluster, secretId(file.namespace, file.name), findings));
  }
  const placed = new Set(files.map((f) => f.file));
  for (const [file, texts] of problems) {
    if (placed.has(file)) continue;
    const folder = file.split("/")[1];
    const cluster = folder !== undefined && known.has(folder) ? folder : "-";
    if (onlyCluster !== undefined && cluster !== onlyCluster) continue;
    rows.push(row(cluster, file, texts.map((text) => ({ state: "invalid", text }))));
  }
  rows.sort((a, b) => compare(a.cluster, b.cluster) || compare(a.secret, b.secret));
  return { rows, notes };
}

function consumedFindings(secret: ConsumedSecret, file: SealedFile | undefined, fingerprint: string | undefined, problems: ReadonlyMap<string, string[]>): Finding[] {
  const consumers = `consumed by ${[...new Set(secret.consumers.map((c) => c.instance))].join(", ")}`;
  const command = (keys: readonly string[]) => sealCommand({ cluster: secret.cluster, namespace: secret.namespace, name: secret.name, keys, type: secret.type });
  if (!file) return [{ state: "missing", text: `not sealed (${consumers}); run: ${command(secret.keys)}` }];
  const findings = fileFindings(file, fingerprint, problems);
  if (file.parsed) {
    const have = new Set(Object.keys(file.parsed.secret.spec.encryptedData));
    const lacking = secret.keys.filter((k) => !have.has(k));
    if (lacking.length > 0) findings.push({ state: "missing", text: `lacks ${lacking.join(", ")} (${consumers}); run: ${command(lacking)}` });
  }
  findings.push({ state: "ok", text: `${secret.keys.join(", ")}; ${consumers}` });
  return findings;
}

/** What can be said of a sealed file on its own: whether it is valid, and which certificate sealed it. */
function fileFindings(file: SealedFile, fingerprint: string | undefined, problems: ReadonlyMap<string, string[]>): Finding[] {
  const findings: Finding[] = (problems.get(file.file) ?? []).map((text) => ({ state: "invalid", text }));
  const sealedWith = file.parsed?.sealedWith;
  if (file.parsed && sealedWith !== fingerprint) {
    const by = sealedWith ? `sealed with certificate ${shortFingerprint(sealedWith)}` : "sealed with an unknown certificate (no berth.dev/sealed-with annotation)";
    const current = fingerprint ? `the cluster's is ${shortFingerprint(fingerprint)}` : "the cluster has no certificate";
    const keys = Object.keys(file.parsed.secret.spec.encryptedData).sort();
    findings.push({ state: "stale", text: `${by}, ${current}; reseal every key: ${sealCommand({ cluster: file.cluster, namespace: file.namespace, name: file.name, keys })}` });
  }
  return findings;
}

function row(cluster: string, secret: string, findings: Finding[]): SecretStatusRow {
  const rank = (s: SecretState) => SECRET_STATES.indexOf(s);
  const sorted = [...findings].sort((a, b) => rank(a.state) - rank(b.state));
  const state = sorted[0]?.state ?? "ok";
  // An "ok" description only stands alone; next to a problem it is noise.
  return { cluster, secret, state, findings: state === "ok" ? sorted : sorted.filter((f) => f.state !== "ok") };
}

function groupByFile(diagnostics: readonly Diagnostic[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const d of sortDiagnostics(diagnostics)) out.set(d.file, [...(out.get(d.file) ?? []), formatDiagnostic(d).split("\n")[0]!]);
  return out;
}

/** A fixed-width table, one row per secret, sorted by cluster then secret; then a summary and notes. */
export function formatStatus(status: SecretsStatus): string {
  const cells = status.rows.map((r) => [r.cluster, r.state, r.secret, r.findings.map((f) => f.text).join("; ")] as const);
  const header = ["CLUSTER", "STATE", "SECRET", "DETAIL"] as const;
  const widths = [0, 1, 2].map((i) => Math.max(header[i]!.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: readonly string[]) => c.map((v, i) => (i < 3 ? v.padEnd(widths[i]!) : v)).join("  ").trimEnd();
  const out = [line(header), ...cells.map(line)];
  const counts = SECRET_STATES.map((s) => [s, status.rows.filter((r) => r.state === s).length] as const).filter(([, n]) => n > 0);
  const n = status.rows.length;
  out.push("", `${n} secret${n === 1 ? "" : "s"}${counts.length > 0 ? `: ${counts.map(([s, k]) => `${k} ${s}`).join(", ")}` : ""}`);
  for (const note of status.notes) out.push(`note: ${note}`);
  return `${out.join("\n")}\n`;
}
