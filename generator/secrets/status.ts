import { formatDiagnostic, sortDiagnostics, type Diagnostic } from "../errors.js";
import { ARGOCD_NAMESPACE, layout } from "../layout.js";
import type { Fleet } from "../model/fleet.js";
import { parseSealingCertificate } from "../sealer/index.js";
import { readCertificateText, shortFingerprint } from "./cluster-certificate.js";
import { requiredCredentials } from "../plan/repo-credentials.js";
import { readClusterCerts, type ClusterCerts } from "./cluster-certs.js";
import type { GivenKey } from "./private-keys.js";
import { renewalNote } from "./renewal-policy.js";
import { describeSealedBy, sealedBy } from "./sealed-by.js";
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
  /** Which of the cluster's certificates sealed it, and how that is known ("-" when nothing is sealed). */
  sealedWith: string;
  /** The fingerprint, when established or claimed (for `keys remove`). */
  sealedWithFingerprints: string[];
  /** Whether that was established by opening the values (--key) rather than read from the annotation. */
  verified: boolean;
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
export function secretsStatus(root: string, fleet: Fleet, now: Date, onlyCluster?: string, keys: ReadonlyMap<string, readonly GivenKey[]> = new Map()): SecretsStatus {
  const rows: SecretStatusRow[] = [];
  const notes: string[] = [];
  const { files, diagnostics } = readSealedFiles(root, onlyCluster);
  const problems = groupByFile(diagnostics);
  const known = new Set(fleet.clusters.map((c) => c.name));

  for (const cluster of fleet.clusters) {
    if (onlyCluster !== undefined && cluster.name !== onlyCluster) continue;
    const certFile = layout.sealingCert(cluster.name);
    const certText = readCertificateText(root, cluster.name);
    const certs = readClusterCerts(root, cluster.name);
    const given = keys.get(cluster.name) ?? [];
    notes.push(...certs.diagnostics.map((d) => `${cluster.name}: ${formatDiagnostic(d).replace("\n  fix:", ";")}`));
    if (certText === undefined) {
      notes.push(`${cluster.name}: no certificate at ${certFile}; nothing can be sealed for this cluster`);
    } else {
      const checked = parseSealingCertificate(certText, { now, file: certFile });
      if (!checked.ok) notes.push(...checked.diagnostics.map((d) => `${cluster.name}: ${formatDiagnostic(d).replace("\n  fix:", ";")}`));
      const renewal = checked.ok ? renewalNote(cluster.name, cluster.profile, checked.value.notBefore, now) : undefined;
      if (renewal) notes.push(renewal);
    }

    const sealed = new Map(files.filter((f) => f.cluster === cluster.name).map((f) => [secretId(f.namespace, f.name), f]));
    for (const secret of consumedSecrets(fleet, cluster)) {
      const id = secretId(secret.namespace, secret.name);
      const file = sealed.get(id);
      rows.push(row(cluster.name, id, consumedFindings(secret, file, certs, given, problems), origin(file, certs, given)));
      sealed.delete(id);
    }
    // Argo CD's own credentials (berth repo connect) are consumed by Argo CD, not by an app.
    for (const cred of requiredCredentials(cluster)) {
      const id = secretId(ARGOCD_NAMESPACE, cred.secretName);
      const file = sealed.get(id);
      if (file) rows.push(row(cluster.name, id, fileFindings(file, certs, given, problems), origin(file, certs, given)));
      sealed.delete(id);
    }
    for (const [id, file] of sealed) {
      rows.push(row(cluster.name, id, [...fileFindings(file, certs, given, problems), { state: "unused", text: "no app on this cluster consumes it" }], origin(file, certs, given)));
    }
  }

  for (const file of files) {
    if (known.has(file.cluster)) continue;
    const findings: Finding[] = (problems.get(file.file) ?? []).map((text) => ({ state: "invalid", text }));
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

function consumedFindings(secret: ConsumedSecret, file: SealedFile | undefined, certs: ClusterCerts, keys: readonly GivenKey[], problems: ReadonlyMap<string, string[]>): Finding[] {
  const consumers = `consumed by ${[...new Set(secret.consumers.map((c) => c.instance))].join(", ")}`;
  const command = (keys: readonly string[]) => sealCommand({ cluster: secret.cluster, namespace: secret.namespace, name: secret.name, keys, type: secret.type });
  if (!file) return [{ state: "missing", text: `not sealed (${consumers}); run: ${command(secret.keys)}` }];
  const findings = fileFindings(file, certs, keys, problems);
  if (file.parsed) {
    const have = new Set(Object.keys(file.parsed.secret.spec.encryptedData));
    const lacking = secret.keys.filter((k) => !have.has(k));
    if (lacking.length > 0) findings.push({ state: "missing", text: `lacks ${lacking.join(", ")} (${consumers}); run: ${command(lacking)}` });
  }
  findings.push({ state: "ok", text: `${secret.keys.join(", ")}; ${consumers}` });
  return findings;
}

/** What can be said of a sealed file on its own: whether it is valid, and whether its cluster's controller can open it. */
function fileFindings(file: SealedFile, certs: ClusterCerts, keys: readonly GivenKey[], problems: ReadonlyMap<string, string[]>): Finding[] {
  const findings: Finding[] = (problems.get(file.file) ?? []).map((text) => ({ state: "invalid", text }));
  if (!file.parsed) return findings;
  const by = sealedBy(file.parsed, certs, keys);
  const items = Object.keys(file.parsed.secret.spec.encryptedData).sort();
  const again = sealCommand({ cluster: file.cluster, namespace: file.namespace, name: file.name, keys: items });
  const current = certs.active ? `the cluster's is ${shortFingerprint(certs.active.fingerprint)}${certs.listed.length > 0 ? ` (listed: ${certs.listed.map((c) => shortFingerprint(c.fingerprint)).join(", ")})` : ""}` : "the cluster has no certificate";
  if (by.kind === "none-opens") {
    findings.push({ state: "stale", text: `no key of the cluster opens ${by.items.join(", ")}; seal every key again: ${again}` });
  } else if (by.kind === "claimed" && !by.cert) {
    const what = by.fingerprint ? `sealed with certificate ${shortFingerprint(by.fingerprint)}` : "sealed with an unknown certificate (no berth.dev/sealed-with annotation)";
    findings.push({ state: "stale", text: `${what}, ${current}; reseal every key: ${again}` });
  }
  return findings;
}

/** The SEALED WITH column. */
function origin(file: SealedFile | undefined, certs: ClusterCerts, keys: readonly GivenKey[]): Pick<SecretStatusRow, "sealedWith" | "sealedWithFingerprints" | "verified"> {
  if (!file?.parsed) return { sealedWith: "-", sealedWithFingerprints: [], verified: false };
  const by = sealedBy(file.parsed, certs, keys);
  const fingerprints = by.kind === "verified" ? [by.cert.fingerprint] : by.kind === "mixed" ? by.certs.map((c) => c.fingerprint) : by.kind === "claimed" && by.fingerprint ? [by.fingerprint] : [];
  return { sealedWith: describeSealedBy(by), sealedWithFingerprints: fingerprints, verified: by.kind !== "claimed" };
}

function row(cluster: string, secret: string, findings: Finding[], sealed: Pick<SecretStatusRow, "sealedWith" | "sealedWithFingerprints" | "verified"> = { sealedWith: "-", sealedWithFingerprints: [], verified: false }): SecretStatusRow {
  const rank = (s: SecretState) => SECRET_STATES.indexOf(s);
  const sorted = [...findings].sort((a, b) => rank(a.state) - rank(b.state));
  const state = sorted[0]?.state ?? "ok";
  // An "ok" description only stands alone; next to a problem it is noise.
  return { cluster, secret, state, ...sealed, findings: state === "ok" ? sorted : sorted.filter((f) => f.state !== "ok") };
}

function groupByFile(diagnostics: readonly Diagnostic[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const d of sortDiagnostics(diagnostics)) out.set(d.file, [...(out.get(d.file) ?? []), formatDiagnostic(d).split("\n")[0]!]);
  return out;
}

/** A fixed-width table, one row per secret, sorted by cluster then secret; then a summary and notes. */
export function formatStatus(status: SecretsStatus): string {
  const cells = status.rows.map((r) => [r.cluster, r.state, r.secret, r.sealedWith, r.findings.map((f) => f.text).join("; ")] as const);
  const header = ["CLUSTER", "STATE", "SECRET", "SEALED WITH", "DETAIL"] as const;
  const widths = [0, 1, 2, 3].map((i) => Math.max(header[i]!.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: readonly string[]) => c.map((v, i) => (i < 4 ? v.padEnd(widths[i]!) : v)).join("  ").trimEnd();
  const out = [line(header), ...cells.map(line)];
  const counts = SECRET_STATES.map((s) => [s, status.rows.filter((r) => r.state === s).length] as const).filter(([, n]) => n > 0);
  const n = status.rows.length;
  out.push("", `${n} secret${n === 1 ? "" : "s"}${counts.length > 0 ? `: ${counts.map(([s, k]) => `${k} ${s}`).join(", ")}` : ""}`);
  for (const note of status.notes) out.push(`note: ${note}`);
  return `${out.join("\n")}\n`;
}
