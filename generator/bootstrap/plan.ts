import { relative } from "node:path";
import { UserError } from "../errors.js";
import { ARGOCD_NAMESPACE, layout } from "../layout.js";
import type { Cluster, Fleet } from "../model/fleet.js";
import { planCluster } from "../plan/plan-cluster.js";
import { renderRequest } from "../plan/render-requests.js";
import { ROOT_PROJECT } from "../plan/projects.js";
import { ROOT_APPLICATION } from "../plan/root.js";
import { helmTemplateArgs, remoteChart, type HelmChart } from "../render/helm.js";
import { locate } from "../yaml/source.js";
import { toYaml } from "../yaml/canonical.js";
import { formatDuration } from "./duration.js";
import { kindConfig, type NodePortUse } from "./kind-config.js";
import { INLINE_VALUES, type BootstrapPlan, type Cmd, type ExpectedApp, type IdentityCheck, type Step } from "./types.js";

/** Argo CD's field manager for server-side apply (argo-cd common.ArgoCDSSAManager). */
export const ARGOCD_FIELD_MANAGER = "argocd-controller";
/** berth's own field manager, for what Argo CD never manages (the argocd Namespace, the sealing key). */
export const BERTH_FIELD_MANAGER = "berth-bootstrap";
/** Replaced at execution by the time left until --timeout (kubectl duration syntax). */
export const TIME_LEFT = "<time left>";

export interface BootstrapInputs {
  /** The repository root (value files are passed to helm relative to it; commands run there). */
  root: string;
  /** --context as given. */
  context?: string;
  /** Planning for --dry-run: a missing --context (k3s, cloud) becomes a placeholder and a note instead of an error. */
  dryRun?: boolean;
  /** --trust-context: accept a --context whose name is not the cluster's, without a recorded identity. */
  trustContext?: boolean;
  timeoutMs: number;
  /** kind only: the kind config template and the file it came from. */
  kindTemplate?: { text: string; file: string };
  /** kind only: node ports the cluster's apps' values ask for. */
  nodePorts: readonly NodePortUse[];
  /** From --key, already checked against the committed certificate; absent without --key. */
  sealingKey?: { keyFile: string; secretName: string; fingerprint: string };
  /** SealedSecret files committed for the cluster (for the no-key warning). */
  sealedSecrets: number;
  /** Node configuration files committed under clusters/<cluster>/k3s/ (k3s only). */
  nodeFiles: readonly string[];
  /** The repository Secrets bootstrap applies before Argo CD's first fetch (berth repo connect's SealedSecrets). */
  repoCredentials?: { names: readonly string[] };
}

/**
 * The context bootstrap talks to, or a UserError before anything runs. kind: always
 * `kind-<cluster>` (what kind names it). k3s and cloud: --context must be given explicitly (the
 * current context is never used, so switching contexts in another terminal cannot redirect a
 * bootstrap) and must be the cluster's name exactly. A context that merely contains the name
 * (`pi-prod` for `pi`) proves nothing; any other name is accepted only when cluster.yaml records
 * the cluster's identity (checked against the live cluster before the first change) or with
 * --trust-context.
 */
export function expectedContext(cluster: Cluster, given: string | undefined, dryRun = false, trustContext = false): string {
  const where = { file: cluster.source.file, ...locate(cluster.source, ["profile"]) };
  const name = cluster.name;
  if (cluster.profile === "kind") {
    const ctx = `kind-${name}`;
    if (given !== undefined && given !== ctx && !trustContext) {
      throw new UserError([
        {
          ...where,
          message: `--context ${given} is not kind cluster "${name}"'s context: kind names it ${ctx}; berth refuses to bootstrap any other cluster`,
          hint: `omit --context (bootstrap uses ${ctx}), or pass --context ${ctx}`,
        },
      ]);
    }
    return given ?? ctx;
  }
  if ((given === undefined || given.trim() === "") && dryRun) return contextPlaceholder(name);
  if (given === undefined || given.trim() === "") {
    throw new UserError([
      {
        ...where,
        message: `cluster "${name}" has profile ${cluster.profile}: pass its kube context explicitly with --context (bootstrap never uses the current context for a ${cluster.profile} cluster)`,
        hint: `list contexts with \`kubectl config get-contexts\`, then run berth bootstrap --cluster ${name} --context ${name}; the context must be named "${name}" (rename it with \`kubectl config rename-context <context> ${name}\`), or cluster.yaml must record the cluster's identity`,
      },
    ]);
  }
  // Only the kube-system UID is read from the cluster answering: identity.apiServer is compared
  // with the kubeconfig's URL, which another cluster behind the same address (a rebuilt node, a
  // load balancer, a port-forward) shares. So the UID is what lets any context name through.
  if (given !== name && cluster.spec.identity?.kubeSystemUID === undefined && !trustContext) {
    const onlyServer = cluster.spec.identity?.apiServer !== undefined;
    throw new UserError([
      {
        ...where,
        message: onlyServer
          ? `--context ${given} is not named "${name}", and clusters/${name}/cluster.yaml records only identity.apiServer, which says where the context points, not which cluster answers there: berth refuses to bootstrap a context that may belong to another cluster`
          : `--context ${given} is not named "${name}", and clusters/${name}/cluster.yaml records no identity: berth refuses to bootstrap a context that may belong to another cluster`,
        hint: `rename the context if it is cluster ${name}'s (\`kubectl config rename-context ${given} ${name}\`), or record the cluster's kube-system UID in cluster.yaml as identity.kubeSystemUID (\`kubectl --context ${given} get namespace kube-system -o jsonpath='{.metadata.uid}'\`), or pass --trust-context to take responsibility`,
      },
    ]);
  }
  return given;
}

/** Shown by --dry-run for a k3s or cloud cluster when --context is not given. */
export const contextPlaceholder = (cluster: string) => `<context of ${cluster}>`;

/**
 * The bootstrap of one cluster as a list of steps with their exact commands. Pure: reads nothing,
 * runs nothing. Throws a UserError when the context is not the cluster's or the cluster runs no
 * Argo CD.
 */
export function planBootstrap(fleet: Fleet, cluster: Cluster, inputs: BootstrapInputs): BootstrapPlan {
  const context = expectedContext(cluster, inputs.context, inputs.dryRun, inputs.trustContext);
  const clusterPlan = planCluster(fleet, cluster);
  const { instances, waves } = clusterPlan;
  const argocd = instances.find((i) => i.app?.spec.role === "argocd");
  if (!argocd) {
    throw new UserError([
      {
        file: cluster.source.file,
        ...locate(cluster.source, ["apps"]),
        message: `cluster "${cluster.name}" runs no app with role: argocd, so nothing would reconcile it after bootstrap`,
        hint: "add the Argo CD app (apps/argo-cd, role: argocd) to the cluster's apps",
      },
    ]);
  }
  const src = argocd.app!.spec.source;
  if (src.type !== "helm" && src.type !== "chart") {
    throw new UserError([
      {
        file: layout.appFile(argocd.app!.name),
        ...locate(argocd.app!.source, ["source", "type"]),
        message: `bootstrap installs Argo CD from a Helm chart; this app's source is ${src.type}`,
        hint: "use the argo-cd Helm chart (type: helm, repo: https://argoproj.github.io/argo-helm)",
      },
    ]);
  }
  const sealer = instances.find((i) => i.app?.spec.role === "sealed-secrets");
  const kubectl = (...args: string[]): Cmd => ({ tool: "kubectl", args: ["--context", context, ...args] });
  const ns = argocd.namespace;
  const steps: Step[] = [];
  const notes: string[] = [];
  if (context === contextPlaceholder(cluster.name)) {
    notes.push(`to run this plan, pass --context: the kube context of cluster ${cluster.name}, named "${cluster.name}" unless cluster.yaml records the cluster's identity (bootstrap never uses the current context for a ${cluster.profile} cluster)`);
  }

  if (cluster.profile === "kind") {
    const template = inputs.kindTemplate;
    if (!template) throw new Error("planBootstrap: a kind cluster needs its kind config template");
    let config;
    try {
      config = kindConfig(template.text, cluster.name, inputs.nodePorts);
    } catch (e) {
      throw new UserError([{ file: template.file, line: 0, col: 0, message: (e as Error).message, hint: "restore it from berth's bootstrap/kind-config.yaml" }]);
    }
    const added = config.added.map((u) => `${u.port} (${u.app})`);
    if (added.length > 0) notes.push(`node port${added.length === 1 ? "" : "s"} ${added.join(", ")} not mapped by ${template.file}: mapped to the same port on the host`);
    for (const port of config.addedIngress) {
      notes.push(`container port ${port} (ingress, hostPort mode) not mapped by ${template.file}: mapped to host port ${port}; map it there yourself to choose another host port`);
    }
    steps.push({
      id: "kind-cluster",
      title: `create kind cluster "${cluster.name}" unless \`kind get clusters\` lists it`,
      why:
        `the node image matches cluster.yaml's Kubernetes ${cluster.spec.kubernetes.version}; host ports 80/443 and the fleet's node ports are mapped and the node is labelled ingress-ready=true (config from ${template.file}). ` +
        "An existing cluster is kept as it is: kind cannot change a running cluster's port mappings.",
      action: {
        type: "kind-create",
        list: { tool: "kind", args: ["get", "clusters"] },
        create: {
          tool: "kind",
          args: ["create", "cluster", "--name", cluster.name, "--image", `kindest/node:v${cluster.spec.kubernetes.version}`, "--config", "-", "--wait", "120s"],
          stdin: { source: "text", label: "the kind config shown below", text: config.yaml },
        },
        config: config.yaml,
        configSource: template.file,
      },
      hint: "check that Docker is running (`docker info`) and that host ports 80, 443 and the mapped node ports are free",
    });
  }

  steps.push({
    id: "context",
    title: `check that context ${context} exists and its API server answers`,
    why: `every kubectl command below passes --context ${context} explicitly, so switching the current context elsewhere cannot redirect the bootstrap.`,
    action: { type: "check-context", contexts: { tool: "kubectl", args: ["config", "get-contexts", "-o", "name"] }, version: kubectl("version", "-o", "json", "--request-timeout", "20s"), identity: identityChecks(cluster, context) },
    hint:
      cluster.profile === "kind"
        ? `check the cluster with \`kind get clusters\`; restore its context with \`kind export kubeconfig --name ${cluster.name}\``
        : `check that the cluster is up and that \`kubectl --context ${context} get nodes\` works (VPN, credentials, KUBECONFIG)`,
  });

  if (cluster.profile === "k3s" && inputs.nodeFiles.length > 0) {
    const files = inputs.nodeFiles.join(", ");
    steps.push({
      id: "k3s-node-files",
      title: "install the k3s node files on every node (by hand: berth does not log in to nodes)",
      why: `k3s reads these files from /etc/rancher/k3s/ on each node when it starts; they configure k3s itself (registries.yaml: the registry mirror images are pulled through), not Kubernetes objects, so Argo CD cannot apply them.`,
      action: {
        type: "manual",
        message: `on every node: copy ${files} into /etc/rancher/k3s/ (e.g. \`scp ${inputs.nodeFiles[0]} <node>:/tmp/ && ssh <node> sudo install -m 600 /tmp/${inputs.nodeFiles[0]!.split("/").pop()} /etc/rancher/k3s/\`), then \`sudo systemctl restart k3s\` (k3s-agent on workers)`,
      },
      hint: "",
    });
  }

  steps.push({
    id: "namespace",
    title: `create namespace ${ns} and Argo CD's empty argocd-secret`,
    why:
      `Argo CD and its Applications live in ${ns}. argocd-server exits when argocd-secret is missing and then fills it in itself; berth commits no plaintext Secret, ` +
      "so the empty one of Argo CD's install.yaml is applied here (as argo-helm's configs.secret.createSecret: false expects). Applied, not created, and server-side apply owns no data: a re-run changes nothing and leaves argocd-server's keys alone.",
    action: {
      type: "run",
      commands: [{ ...kubectl("apply", "--server-side", "--field-manager", BERTH_FIELD_MANAGER, "-f", "-"), stdin: { source: "text", label: `Namespace ${ns}, Secret ${ns}/argocd-secret (no data)`, text: namespaceAndArgocdSecret(ns) } }],
    },
    hint: `check that the context's user may create namespaces and Secrets (\`kubectl --context ${context} auth can-i create namespaces\`)`,
  });

  if (sealer) {
    const certFile = layout.sealingCert(cluster.name);
    if (inputs.sealingKey) {
      const k = inputs.sealingKey;
      steps.push({
        id: "sealing-key",
        title: `install the sealing key: Secret ${sealer.namespace}/${k.secretName} from ${k.keyFile}`,
        why:
          `installed before Argo CD exists, so the sealed-secrets controller finds this key when it first starts and never generates its own: ` +
          `the key matches ${certFile} (${k.fingerprint.slice(0, 12)}), so the ${inputs.sealedSecrets} committed SealedSecrets open. Server-side apply keeps the key out of any last-applied annotation.`,
        action: {
          type: "run",
          commands: [{ ...kubectl("apply", "--server-side", "--field-manager", BERTH_FIELD_MANAGER, "-f", "-"), stdin: { source: "sealing-key", label: `Secret ${sealer.namespace}/${k.secretName} (from --key; never printed)` } }],
        },
        hint: `check that the context's user may create Secrets in ${sealer.namespace}`,
      });
    } else {
      const message =
        `no --key: the sealed-secrets controller will generate a key of its own when Argo CD installs it, and the ${inputs.sealedSecrets} SealedSecrets committed under ${layout.secretsClusterDir(cluster.name)}/ ` +
        `(sealed for ${certFile}) will not open. Pass --key <the private key from \`berth keys generate --cluster ${cluster.name}\`>, ` +
        `or after bootstrap fetch the new certificate (kubeseal --fetch-cert > ${certFile}) and reseal every secret (berth secrets status --cluster ${cluster.name} lists them).`;
      notes.push(message);
      steps.push({ id: "sealing-key", title: "install the sealing key: skipped (no --key)", why: "the key must exist before the controller starts.", action: { type: "warn", message }, hint: "" });
    }
  }

  if (inputs.repoCredentials && inputs.repoCredentials.names.length > 0) {
    const names = inputs.repoCredentials.names;
    steps.push({
      id: "repo-credentials",
      title: `give Argo CD its repository credentials: Secret${names.length === 1 ? "" : "s"} ${names.map((n) => `${ns}/${n}`).join(", ")}, opened in memory from ${layout.secretsNamespaceDir(cluster.name, ns)}/ with --key`,
      why:
        `Argo CD's first fetch of ${cluster.spec.repo.url} needs the credential, and the sealed-secrets controller only arrives through that fetch. Bootstrap already holds the cluster's key, ` +
        `so it opens the committed SealedSecrets itself (no second hand-over, no controller installed outside Argo CD) and applies the Secrets from standard input, marked ${"sealedsecrets.bitnami.com/managed"}: "true" so the controller adopts them when it syncs their SealedSecrets.`,
      action: {
        type: "run",
        commands: [{ ...kubectl("apply", "--server-side", "--field-manager", BERTH_FIELD_MANAGER, "-f", "-"), stdin: { source: "repo-credentials", label: `Secret${names.length === 1 ? "" : "s"} ${names.join(", ")} (opened with --key; never printed)` } }],
      },
      hint: `check that the context's user may create Secrets in ${ns}`,
    });
  }

  // Argo CD, from exactly what its own Application renders (no drift when it takes itself over).
  const req = renderRequest(clusterPlan, argocd, inputs.root);
  const rs = req.source;
  if (rs.type !== "helm-remote" && rs.type !== "helm-local") throw new Error("unreachable: Argo CD source is a chart");
  const chart: HelmChart = rs.type === "helm-local" ? { kind: "local", dir: relative(inputs.root, rs.chartDir) } : remoteChart(rs.repo, rs.chart, rs.version);
  const valueFiles = rs.valueFiles.map((f) => relative(inputs.root, f).split("\\").join("/"));
  const helmArgs = helmTemplateArgs(
    { chart, releaseName: rs.releaseName, namespace: req.namespace, kubeVersion: req.kubeVersion, apiVersions: req.apiVersions, valueFiles, values: rs.values },
    Object.keys(rs.values).length > 0 ? INLINE_VALUES : undefined,
  );
  const chartName = rs.type === "helm-remote" ? `${rs.chart} ${rs.version}` : chart.kind === "local" ? chart.dir : "";
  const app = argocd.app!.name;
  steps.push({
    id: "argocd-render",
    title: `render Argo CD (chart ${chartName}) with its Application's values`,
    why:
      `the same chart, version, release name (${rs.releaseName}), namespace, value files (${valueFiles.join(", ") || "none"}) and inline values as ${layout.layerFile(cluster.name, argocd.layer)}, ` +
      "so Argo CD finds nothing to change when it takes itself over. helm never talks to the cluster, so no Helm release is recorded.",
    action: { type: "render", command: { tool: "helm", args: helmArgs }, inlineValues: rs.values },
    hint: `check that ${rs.type === "helm-remote" ? rs.repo : "the chart"} is reachable, or run \`berth render --cluster ${cluster.name} --app ${app}\` to see helm's error`,
  });
  const ssa = (...extra: string[]) => kubectl("apply", "--server-side", "--force-conflicts", "--field-manager", ARGOCD_FIELD_MANAGER, ...extra, "-f", "-");
  steps.push({
    id: "argocd-crds",
    title: "apply Argo CD's CRDs (server-side)",
    why: "server-side apply, because the ApplicationSet CRD is larger than the 256 KiB last-applied annotation of client-side apply; under Argo CD's own field manager, so it owns these fields once it syncs itself.",
    action: { type: "run", commands: [{ ...ssa(), stdin: { source: "rendered", label: "the CRDs rendered by step argocd-render", part: "crds" } }] },
    hint: `check that the context's user may create CustomResourceDefinitions (cluster-admin)`,
  });
  steps.push({
    id: "argocd-crds-established",
    title: "wait until the CRDs are established",
    why: "Applications and AppProjects can only be applied once the API server serves their CRDs.",
    action: { type: "wait-crds", command: kubectl("wait", "--for", "condition=Established", "--timeout", "60s") },
    hint: `look at the CRDs: \`kubectl --context ${context} get crd -l app.kubernetes.io/part-of=argocd\``,
  });
  steps.push({
    id: "argocd-install",
    title: `install Argo CD into ${ns} (server-side apply, no Helm release)`,
    why: `kubectl apply rather than helm install: no Helm release state is left behind, so Argo CD adopts every resource as its own when its Application ${argocd.id} syncs.`,
    action: { type: "run", commands: [{ ...ssa("--namespace", ns), stdin: { source: "rendered", label: "the other resources rendered by step argocd-render", part: "install" } }] },
    hint: `look at the failing resource with \`kubectl --context ${context} -n ${ns} get all\``,
  });
  steps.push({
    id: "argocd-ready",
    title: "wait for Argo CD's server, repo-server and application controller (and every other workload rendered) to be ready",
    why: "the root Application is only reconciled once the application controller and repo-server run.",
    action: { type: "rollout", command: kubectl("rollout", "status", "--namespace", ns, "--timeout", TIME_LEFT) },
    hint: `look at the pods: \`kubectl --context ${context} -n ${ns} get pods\` and \`kubectl --context ${context} -n ${ns} describe pod <pod>\` (image pulls, memory limits, pending scheduling)`,
  });

  const dir = layout.generatedDir(cluster.name);
  steps.push({
    id: "root",
    title: `apply the root's AppProject and the root Application (${layout.rootFile(cluster.name)})`,
    why: `from here Argo CD reconciles ${cluster.spec.repo.url} at ${cluster.spec.repo.revision ?? "main"}: the root, in project ${ROOT_PROJECT} (Namespaces, AppProjects and Applications only), syncs ${dir}/ (itself included), wave by wave. Applied with kubectl apply as Argo CD itself applies it, so it adopts both unchanged.`,
    action: { type: "run", commands: [kubectl("apply", "-f", layout.rootFile(cluster.name))] },
    hint: "check that the Argo CD CRDs are established",
  });

  const expected: ExpectedApp[] = [
    { name: ROOT_APPLICATION },
    ...instances.map((i) => ({ name: i.id, wave: waves.get(i.id)! })).sort((a, b) => a.wave - b.wave || (a.name < b.name ? -1 : 1)),
  ];
  steps.push({
    id: "watch",
    title: `watch until all ${expected.length} Applications are Synced and Healthy (at most ${formatDuration(inputs.timeoutMs)} in all)`,
    why: "one line per change; on timeout, what is stuck and why, earliest wave first, since later waves wait on earlier ones.",
    action: { type: "watch", command: kubectl("get", "applications.argoproj.io", "--namespace", ARGOCD_NAMESPACE, "-o", "json"), expected, repo: { url: cluster.spec.repo.url, access: cluster.spec.repo.access ?? "public", cluster: cluster.name } },
    hint: `look at the Applications: \`kubectl --context ${context} -n ${ARGOCD_NAMESPACE} get applications\``,
  });

  return { cluster: cluster.name, profile: cluster.profile, context, kubernetesVersion: cluster.spec.kubernetes.version, timeoutMs: inputs.timeoutMs, steps, notes };
}

/** The commands that read the live values of the identity cluster.yaml records (none when it records none). */
export function identityChecks(cluster: Cluster, context: string): IdentityCheck[] {
  const id = cluster.spec.identity ?? {};
  const out: IdentityCheck[] = [];
  if (id.apiServer !== undefined) {
    out.push({ field: "apiServer", expected: id.apiServer, command: { tool: "kubectl", args: ["config", "view", "--minify", "--context", context, "-o", "jsonpath={.clusters[0].cluster.server}"] } });
  }
  if (id.kubeSystemUID !== undefined) {
    out.push({ field: "kubeSystemUID", expected: id.kubeSystemUID, command: { tool: "kubectl", args: ["--context", context, "get", "namespace", "kube-system", "-o", "jsonpath={.metadata.uid}", "--request-timeout", "20s"] } });
  }
  return out;
}

/** The namespace and Argo CD's empty argocd-secret, as one stream for one apply. */
function namespaceAndArgocdSecret(ns: string): string {
  const secret = { apiVersion: "v1", kind: "Secret", type: "Opaque", metadata: { name: "argocd-secret", namespace: ns, labels: { "app.kubernetes.io/name": "argocd-secret", "app.kubernetes.io/part-of": "argocd" } } };
  return `${toYaml({ apiVersion: "v1", kind: "Namespace", metadata: { name: ns } })}---\n${toYaml(secret)}`;
}
