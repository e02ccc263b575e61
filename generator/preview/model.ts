import type { DiffLine } from "./line-diff.js";

/**
 * What a preview found, cluster → app → object. Built by diffFleets (pure) and turned into text by
 * formatPreview (pure). Nothing in it is a secret: SealedSecrets and rendered Secrets appear as key
 * names and "changed" flags only, never values or ciphertext.
 */
export interface PreviewModel {
  clusters: ClusterDiff[];
  /** True when anything differs, an app's inputs changed, or a render failed. */
  changed: boolean;
  /** Whether tier 2 (rendering) ran. */
  rendered: boolean;
}

export type ChangeKind = "added" | "removed" | "modified";

export interface ClusterDiff {
  name: string;
  status: "added" | "removed" | "changed" | "unchanged";
  /** Changed groups only, in a stable order: the cluster's root and projects first, then Applications by name. */
  apps: AppDiff[];
  /** Applications present on both sides with no change. */
  unchangedApps: number;
}

export interface AppDiff {
  /** The Application name; {@link CLUSTER_GROUP} for the root Application, AppProjects and Namespaces. */
  name: string;
  status: "added" | "removed" | "changed";
  /** Generated objects (tier 1): the Application itself, or the root app and AppProjects. */
  objects: ObjectDiff[];
  /** SealedSecrets under secrets/<cluster>/<namespace>/ synced by this Application. */
  secrets: SealedSecretDiff[];
  /** Input files (app folder, values files) that changed, repository-relative and sorted. */
  inputs: FileChange[];
  /** Tier 2, when it ran for this app. */
  render?: RenderDiff;
  /** Every cluster (sorted) on which this app's change is identical, this one included. */
  identicalOn: string[];
}

/** The group of a cluster's root Application, AppProjects and Namespaces. */
export const CLUSTER_GROUP = "(root and projects)";

export interface FileChange {
  path: string;
  change: ChangeKind;
}

export interface ObjectDiff {
  kind: string;
  namespace: string;
  name: string;
  change: ChangeKind;
  /** Unified diff of the object's canonical YAML (Secret values masked); all "+"/"-" for added/removed. */
  diff: DiffLine[];
  /** For Secrets and SealedSecrets in rendered output: which keys changed, by name only. */
  keys?: KeyChanges;
}

export interface KeyChanges {
  added: string[];
  removed: string[];
  /** Secret: the value changed. SealedSecret: the ciphertext changed ("re-sealed"). */
  changed: string[];
}

export interface SealedSecretDiff {
  namespace: string;
  name: string;
  /** Repository-relative path of the file (head's, or base's when removed). */
  file: string;
  change: ChangeKind;
  keys: KeyChanges;
  /** Non-secret changes: scope, Secret type, template labels/annotations, a file that does not parse. */
  notes: string[];
}

export type RenderDiff =
  | { state: "rendered"; resources: ObjectDiff[]; counts: { base: number; head: number } }
  | { state: "failed"; base?: string; head?: string };

/** A SealedSecret reduced to what a preview may show: key names and ciphertext digests, never ciphertext. */
export interface SealedSecretSnapshot {
  cluster: string;
  namespace: string;
  name: string;
  file: string;
  /** key → sha256 of its ciphertext. */
  keys: Record<string, string>;
  scope: string;
  /** The Secret type the controller creates. */
  type: string;
  /** Canonical YAML of the template's metadata (labels, annotations): no values, no ciphertext. */
  template: string;
  /** Set when the file is not a valid SealedSecret; keys is then empty. */
  invalid?: string;
}

/** The inputs one Application is rendered from, by digest. */
export interface InstanceInputs {
  /** Digest of the render request (paths relative) and every file it reads. */
  digest: string;
  /** Repository-relative path → sha256 of the files counted as this app's inputs. */
  files: Record<string, string>;
}

/** A render result reduced to what a preview needs: masked canonical YAML per resource. */
export type RenderOutcome = { ok: true; resources: RenderedResource[] } | { ok: false; error: string };

export interface RenderedResource {
  kind: string;
  namespace: string;
  name: string;
  /** Canonical YAML with Secret data/stringData values and SealedSecret ciphertext masked. */
  yaml: string;
  /** Secret/SealedSecret key → digest of its value (in memory only, never printed). */
  keyDigests?: Record<string, string>;
}

/** Both sides' render of one Application; a side is absent when the app does not exist there. */
export interface RenderPair {
  base?: RenderOutcome;
  head?: RenderOutcome;
}

/** `cluster/app` — the key of inputs and renders. */
export const appKey = (cluster: string, app: string) => `${cluster}/${app}`;
