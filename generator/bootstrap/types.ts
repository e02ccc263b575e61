/**
 * The bootstrap plan: a list of steps, each with the exact commands it runs. The plan is data, so
 * `--dry-run` prints what would run, and the executor runs exactly that.
 */

/** The executables bootstrap runs. Paths are resolved at execution time (kind from PATH, helm/kubectl by resolveTools). */
export type Tool = "kind" | "kubectl" | "helm";

/** What a command reads on standard input. Only `label` is ever printed. */
export type Stdin =
  /** Text known when planning (a Namespace, the kind config). */
  | { source: "text"; label: string; text: string }
  /** The sealing key Secret built from --key; held in memory only, never printed or written. */
  | { source: "sealing-key"; label: string }
  /** The repository Secrets opened in memory from their SealedSecrets with --key; never printed or written. */
  | { source: "repo-credentials"; label: string }
  /** Part of the output of the `helm template` step. */
  | { source: "rendered"; label: string; part: "crds" | "install" };

/** One command, as an argv array (never a shell line). */
export interface Cmd {
  tool: Tool;
  args: string[];
  stdin?: Stdin;
}

/** Replaced at execution by the path of a private temporary file holding the Application's inline values. */
export const INLINE_VALUES = "<inline values of the argo-cd Application>";

export type Action =
  /** `kind get clusters`; `kind create cluster` only when the cluster is not listed. */
  | { type: "kind-create"; list: Cmd; create: Cmd; config: string; configSource: string }
  /** The context exists in the kubeconfig and its API server answers. */
  | { type: "check-context"; contexts: Cmd; version: Cmd; identity: IdentityCheck[] }
  /** Commands run in order; each must succeed. */
  | { type: "run"; commands: Cmd[] }
  /** `helm template`; its output (split into CRDs and the rest) feeds later steps. */
  | { type: "render"; command: Cmd; inlineValues: Record<string, unknown> }
  /** `kubectl wait … crd/<each CRD rendered>`; names appended at execution. */
  | { type: "wait-crds"; command: Cmd }
  /** `kubectl rollout status <kind>/<name>` for each Deployment and StatefulSet rendered (replicas ≠ 0). */
  | { type: "rollout"; command: Cmd }
  /** Nothing runs; the message is printed as a warning. */
  | { type: "warn"; message: string }
  /** Something berth cannot do for you (e.g. files on k3s nodes); printed as a to-do. */
  | { type: "manual"; message: string }
  /** Poll the Applications until every expected one is Synced and Healthy, or the timeout. */
  | { type: "watch"; command: Cmd; expected: ExpectedApp[]; repo?: RepoAccessInfo };

/** What the watch needs to explain a root Application that cannot read its repository. */
export interface RepoAccessInfo {
  url: string;
  /** repo.access. */
  access: string;
  cluster: string;
}

export interface Step {
  /** Stable identifier (tests and messages): "kind-cluster", "context", "namespace", "sealing-key", … */
  id: string;
  title: string;
  /** Why this step exists, in one or two sentences. */
  why: string;
  action: Action;
  /** How to fix a failure of this step (shown with its stderr). */
  hint: string;
}

/** An Application bootstrap waits for: the root, or a child with its sync wave. */
export interface ExpectedApp {
  name: string;
  /** undefined for the root Application. */
  wave?: number;
}

export interface BootstrapPlan {
  cluster: string;
  profile: "kind" | "k3s" | "cloud";
  context: string;
  /** cluster.yaml's kubernetes.version, compared with the server's. */
  kubernetesVersion: string;
  timeoutMs: number;
  steps: Step[];
  /** Warnings found while planning (also carried by `warn` steps where they concern a step). */
  notes: string[];
}

/**
 * What executing a plan writes to and reads from. Declared here, not imported from commands/, so
 * the dependency points from commands to bootstrap; a command passes its CommandIO.
 */
export interface ExecuteIO {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
  env: NodeJS.ProcessEnv;
}

/** One recorded identity of the cluster (cluster.yaml `identity:`), compared with the live cluster before any change. */
export interface IdentityCheck {
  /** The cluster.yaml field, e.g. "identity.apiServer". */
  field: "apiServer" | "kubeSystemUID";
  expected: string;
  /** Prints the live value. */
  command: Cmd;
}
