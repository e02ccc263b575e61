import { describe, expect, it } from "vitest";
import { fakeWorld } from "./fake-tools.js";
import { allHealthy, bootstrap, cli, commandLines, REPO } from "./helpers.js";

/**
 * The plan (--dry-run), the context guard, and a k3s cluster (the Pi of the example fleet, read-only),
 * driven through recording kind/kubectl/helm executables (fake-tools.ts).
 */
describe("berth bootstrap --dry-run", () => {
  it("prints the kind plan for the laptop: kind config, key warning, every command, and runs nothing", async () => {
    const world = fakeWorld();
    try {
      const r = await cli(world, REPO, ["bootstrap", "--cluster", "laptop", "--dry-run"]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.log).toEqual([]);
      await expect(r.stdout).toMatchFileSnapshot("golden/laptop-dry-run.txt");
    } finally {
      world.remove();
    }
  });

  it("prints the k3s plan for the Pi with the node files to install by hand", async () => {
    const world = fakeWorld();
    try {
      const r = await cli(world, REPO, ["bootstrap", "--cluster", "pi", "--context", "k3s-pi", "--trust-context", "--dry-run", "--timeout", "20m"]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.log).toEqual([]);
      await expect(r.stdout).toMatchFileSnapshot("golden/pi-dry-run.txt");
    } finally {
      world.remove();
    }
  });

  it("without --context on k3s: the plan shows a placeholder and says --context is needed to run it", async () => {
    const world = fakeWorld();
    try {
      const r = await cli(world, REPO, ["bootstrap", "--cluster", "pi", "--dry-run"]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain("kubectl --context <context of pi> apply -f clusters/pi/argocd/root.yaml");
      expect(r.stdout).toContain(`note: to run this plan, pass --context: the kube context of cluster pi, named "pi" unless cluster.yaml records the cluster's identity`);
    } finally {
      world.remove();
    }
  });
});

describe("berth bootstrap refuses a context that is not the cluster's, before anything runs", () => {
  const cases: [string, string[], RegExp][] = [
    ["kind, another context", ["--cluster", "laptop", "--context", "kind-pi"], /--context kind-pi is not kind cluster "laptop"'s context: kind names it kind-laptop[\s\S]*fix: omit --context/],
    ["k3s, no --context", ["--cluster", "pi"], /clusters\/pi\/cluster\.yaml:\d+:\d+: cluster "pi" has profile k3s: pass its kube context explicitly[\s\S]*kubectl config rename-context <context> pi/],
    ["k3s, a context naming another cluster", ["--cluster", "pi", "--context", "kind-laptop"], /--context kind-laptop is not named "pi", and clusters\/pi\/cluster\.yaml records no identity[\s\S]*kubectl config rename-context kind-laptop pi[\s\S]*--trust-context/],
    ["k3s, a context merely containing the letters", ["--cluster", "pi", "--context", "spinnaker"], /--context spinnaker is not named "pi"/],
    ["k3s, a context that merely contains the name (pi-prod)", ["--cluster", "pi", "--context", "pi-prod"], /--context pi-prod is not named "pi"/],
    ["cloud, the k3s default context", ["--cluster", "cloud", "--context", "default"], /--context default is not named "cloud"/],
  ];
  for (const [name, args, message] of cases) {
    it(name, async () => {
      const world = fakeWorld({ contexts: ["kind-laptop", "kind-pi", "default", "spinnaker"], kindClusters: ["laptop", "pi"] });
      try {
        const r = await cli(world, REPO, ["bootstrap", ...args]);
        expect(r.code).toBe(1);
        expect(r.stderr).toMatch(message);
        expect(r.stdout).toBe("");
        expect(r.log).toEqual([]);
      } finally {
        world.remove();
      }
    });
  }

  it("a --context missing from the kubeconfig stops at the context check, before any change", async () => {
    const world = fakeWorld({ contexts: ["kind-laptop"] });
    try {
      const r = await cli(world, REPO, ["bootstrap", "--cluster", "pi", "--context", "pi"]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/kube context pi is not in your kubeconfig \(`kubectl config get-contexts` lists: kind-laptop\); nothing was changed on any cluster/);
      expect(commandLines(r.log, world)).toEqual(["kubectl config get-contexts -o name"]);
    } finally {
      world.remove();
    }
  });
});

describe("berth bootstrap on k3s (pi)", () => {
  it("runs exactly these commands: no kind, the given context, the key skipped with a warning, the node files as a to-do", async () => {
    const world = fakeWorld({ contexts: ["pi", "kind-laptop"], serverVersion: "v1.29.3+k3s1", applications: [allHealthy(REPO, "pi")] });
    try {
      const r = await bootstrap(world, REPO, { cluster: "pi", context: "pi" });
      expect(r.code, r.stderr).toBe(0);
      const ctx = "kubectl --context pi";
      const ssa = `${ctx} apply --server-side --force-conflicts --field-manager argocd-controller`;
      expect(commandLines(r.log, world)).toEqual([
        "kubectl config get-contexts -o name",
        `${ctx} version -o json --request-timeout 20s`,
        `${ctx} apply --server-side --field-manager berth-bootstrap -f -`,
        "helm template --namespace argocd --kube-version 1.37.2 --include-crds -f apps/argo-cd/values.yaml -f apps/argo-cd/values-k3s.yaml -f <inline values> -- argo-cd apps/argo-cd/chart",
        `${ssa} -f -`,
        `${ctx} wait --for condition=Established --timeout 60s crd/applications.argoproj.io crd/appprojects.argoproj.io`,
        `${ssa} --namespace argocd -f -`,
        `${ctx} rollout status --namespace argocd --timeout 900s deployment/argo-cd-argocd-server`,
        `${ctx} rollout status --namespace argocd --timeout 900s deployment/argo-cd-argocd-repo-server`,
        `${ctx} rollout status --namespace argocd --timeout 900s statefulset/argo-cd-argocd-application-controller`,
        `${ctx} apply -f clusters/pi/argocd/root.yaml`,
        `${ctx} get applications.argoproj.io --namespace argocd -o json`,
      ]);
      expect(r.stderr).toContain("warning: no --key: the sealed-secrets controller will generate a key of its own when Argo CD installs it, and the 8 SealedSecrets committed under secrets/pi/ (sealed for clusters/pi/sealing-cert.pem) will not open.");
      expect(r.stdout).toContain("to do by hand: on every node: copy clusters/pi/k3s/registries.yaml into /etc/rancher/k3s/");
      expect(r.stdout).toContain("all 24 Applications are Synced and Healthy");
      // The cluster runs another Kubernetes minor than cluster.yaml says: charts were rendered for the wrong one.
      expect(r.stdout).toContain("  pi: Kubernetes v1.29.3+k3s1");
      expect(r.stderr).toContain("warning: the cluster runs Kubernetes 1.29.3 but clusters/pi/cluster.yaml says 1.37.2");
    } finally {
      world.remove();
    }
  });

  it("Argo CD that never becomes ready is exit 1 with the rollout's message", async () => {
    const world = fakeWorld({
      contexts: ["pi"],
      fail: { match: "rollout status --namespace argocd --timeout 900s deployment/argo-cd-argocd-repo-server", code: 1, stderr: 'error: timed out waiting for the condition: deployment "argo-cd-argocd-repo-server" exceeded its progress deadline' },
    });
    try {
      const r = await cli(world, REPO, ["bootstrap", "--cluster", "pi", "--context", "pi"]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("berth: bootstrap step 9/11 [argocd-ready]: Argo CD's deployment/argo-cd-argocd-repo-server did not become ready within --timeout 15m");
      expect(r.stderr).toContain("exceeded its progress deadline");
      expect(r.stderr).toContain("fix: look at the pods: `kubectl --context pi -n argocd get pods`");
      expect(r.log.some((e) => e.args.some((a) => a.endsWith("root.yaml")))).toBe(false);
    } finally {
      world.remove();
    }
  });
});
