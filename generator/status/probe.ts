import type { IdentityCheck } from "../bootstrap/types.js";
import type { Runner } from "../exec/runner.js";
import { summarizeStderr } from "../exec/stderr.js";
import { ARGOCD_NAMESPACE } from "../layout.js";
import type { Probe } from "./assess.js";
import { parseLiveApps } from "./live.js";

export interface ProbeArgs {
  cluster: string;
  context: string;
  /** From cluster.yaml `identity:`, as bootstrap checks them. */
  identity: readonly IdentityCheck[];
  kubectl: string;
  runner: Runner;
  env: Record<string, string>;
  cwd: string;
}

const TIMEOUT_MS = 30_000;
const NO_CRD = /doesn't have a resource type|could not find the requested resource|no matches for kind/i;

/**
 * Reads a cluster's Applications through its kube context, after the same checks bootstrap makes
 * before its first change: the context exists, and the cluster it reaches has the identity
 * cluster.yaml records. Never changes anything.
 */
export async function probeCluster(a: ProbeArgs): Promise<Probe> {
  const run = (args: readonly string[]) => a.runner(a.kubectl, args, { env: a.env, cwd: a.cwd, timeoutMs: TIMEOUT_MS });
  const contexts = await run(["config", "get-contexts", "-o", "name"]);
  if (contexts.spawnError) return { kind: "unreachable", message: `could not run kubectl: ${contexts.spawnError}`, hint: "install kubectl (1.28+) on PATH" };
  if (!contexts.stdout.split(/\r?\n/).map((l) => l.trim()).includes(a.context)) {
    return {
      kind: "unreachable",
      message: `kube context ${a.context} is not in your kubeconfig`,
      hint: `list contexts with \`kubectl config get-contexts\`; name cluster ${a.cluster}'s context "${a.context}" (\`kubectl config rename-context <context> ${a.context}\`), or pass --context`,
    };
  }
  for (const check of a.identity) {
    const r = await run(check.command.args);
    if (r.code !== 0) return unreachable(a, r.stderr, r.timedOut);
    const live = r.stdout.trim();
    const same = check.field === "apiServer" ? live.replace(/\/+$/, "") === check.expected.replace(/\/+$/, "") : live === check.expected;
    if (!same) {
      return {
        kind: "unreachable",
        message: `kube context ${a.context} reaches a cluster whose ${check.field === "apiServer" ? "API server" : "kube-system namespace UID"} is ${live || "(empty)"}, but identity.${check.field} records ${check.expected}: it is not cluster ${a.cluster}`,
        hint: `pass the context of cluster ${a.cluster} with --context; if the cluster was rebuilt, update identity.${check.field} in clusters/${a.cluster}/cluster.yaml`,
      };
    }
  }
  const r = await run(["--context", a.context, "get", "applications.argoproj.io", "--namespace", ARGOCD_NAMESPACE, "-o", "json", "--request-timeout", "20s"]);
  if (r.code !== 0) {
    if (NO_CRD.test(r.stderr)) return { kind: "no-argocd", message: "the cluster has no applications.argoproj.io resource type" };
    return unreachable(a, r.stderr, r.timedOut);
  }
  const apps = parseLiveApps(r.stdout);
  if (!apps) return { kind: "unreachable", message: "kubectl did not print an Application list", hint: "run the same command by hand: kubectl --context " + a.context + " -n " + ARGOCD_NAMESPACE + " get applications.argoproj.io -o json" };
  return { kind: "ok", apps };
}

function unreachable(a: ProbeArgs, stderr: string, timedOut: boolean): Probe {
  return {
    kind: "unreachable",
    message: timedOut ? "the API server did not answer within 30 s" : `the API server does not answer: ${summarizeStderr(stderr) || "kubectl failed"}`,
    hint: `check that cluster ${a.cluster} is running and that \`kubectl --context ${a.context} get namespace kube-system\` works (VPN, credentials)`,
  };
}
