import { afterEach, describe, expect, it } from "vitest";
import { berth, makeRepo, removeRepo } from "../helpers/repo.js";
import { startChartRepoServer } from "./chart-repo-server.js";
import { removeDir, tempDir } from "./helpers.js";

const repos: string[] = [];
afterEach(() => repos.splice(0).forEach(removeRepo));

/**
 * A small fleet with one app of each local source type. The remote charts point at a port on this
 * machine where nothing listens, so helm cannot fetch them, online or not.
 */
function fleet(extra: Record<string, string> = {}): Record<string, string> {
  return {
    "clusters/dev/cluster.yaml": `profile: kind
repo: { url: https://git.example.com/fleet.git, revision: main }
kubernetes: { version: 1.31.4 }
capacity: { nodes: 1, cpu: "4", memory: 8Gi }
environments: [prod]
ingress: { domain: dev.localhost }
apps: [argo-cd, sealed-secrets, shop, web, kustom${extra["apps/extra/app.yaml"] ? ", extra" : ""}]
`,
    "apps/argo-cd/app.yaml": `layer: platform
namespace: argocd
role: argocd
source: { type: helm, repo: http://127.0.0.1:9/charts, chart: argo-cd, version: 8.5.0 }
`,
    "apps/sealed-secrets/app.yaml": `layer: platform
namespace: kube-system
role: sealed-secrets
source: { type: helm, repo: http://127.0.0.1:9/charts, chart: sealed-secrets, version: 2.17.3 }
`,
    "apps/shop/app.yaml": "layer: apps\nnamespace: shop\nsource: { type: chart }\n",
    "apps/shop/chart/Chart.yaml": "apiVersion: v2\nname: shop-chart\nversion: 0.1.0\n",
    "apps/shop/chart/templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: shop }\ndata: { log: {{ .Values.log | quote }} }\n",
    "apps/shop/values.yaml": "log: info\n",
    "apps/web/app.yaml": "layer: apps\nnamespace: web\nsource: { type: manifests, path: manifests }\n",
    "apps/web/manifests/deploy.yaml": deployment("web", "64Mi"),
    "apps/kustom/app.yaml": "layer: infra\nnamespace: kustom\nsource: { type: kustomize, path: base }\n",
    "apps/kustom/base/kustomization.yaml": "resources: [sa.yaml]\n",
    "apps/kustom/base/sa.yaml": "apiVersion: v1\nkind: ServiceAccount\nmetadata: { name: kustom }\n",
    ...extra,
  };
}

function deployment(name: string, memory: string, replicas = 2): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name} }
spec:
  replicas: ${replicas}
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec:
      containers:
        - name: ${name}
          image: nginx:1.27
          resources: { requests: { cpu: 100m, memory: ${memory} } }
`;
}

async function validateRender(tree: Record<string, string>, ...flags: string[]) {
  const root = makeRepo(tree);
  repos.push(root);
  const r = await berth(root, "validate", "--render", ...flags);
  return { ...r, out: r.stdout + r.stderr };
}

const CLUSTER_ROLE = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: { name: web-reader }\nrules: []\n";

describe("berth validate --render", () => {
  it("renders every local app, passes a fleet Argo CD would sync, and lists remote charts it could not fetch as not rendered", async () => {
    const r = await validateRender(fleet());
    expect(r.code, r.out).toBe(0);
    expect(r.stdout).toMatch(/^valid: 1 cluster, 5 apps, .*, 3 renders checked against schemas and projects \(2 remote charts not rendered\)/);
    expect(r.stderr).toContain("warning: 2 remote charts not rendered");
    expect(r.stderr).toMatch(/dev\/argo-cd: helm template failed .*connection refused/);
    // Without --render nothing is rendered and nothing is said about it.
    const plain = await berth(repos[0]!, "validate");
    expect(plain.code).toBe(0);
    expect(plain.stdout + plain.stderr).not.toContain("not rendered");
  });

  it("a chart repository that refuses the login is a problem naming the variables, not a chart left unrendered", async () => {
    const empty = tempDir("refusing-repo");
    const server = await startChartRepoServer(empty, { username: "robot", password: "canary-refusal-Pa55" });
    try {
      const port = new URL(server.url).port;
      const r = await validateRender(fleet({ "apps/sealed-secrets/app.yaml": `layer: platform\nnamespace: kube-system\nrole: sealed-secrets\nsource: { type: helm, repo: ${server.url}, chart: sealed-secrets, version: 2.17.3 }\n` }));
      expect(r.code, r.out).toBe(1);
      expect(r.out).toContain(`export BERTH_REGISTRY_127_0_0_1_${port}_USERNAME and BERTH_REGISTRY_127_0_0_1_${port}_PASSWORD`);
      expect(r.out).toMatch(/apps\/sealed-secrets\/app\.yaml:\d+:\d+: dev\/sealed-secrets: .*401/);
    } finally {
      await server.close();
      removeDir(empty);
    }
  });

  it("--strict fails when a remote chart was not rendered", async () => {
    const r = await validateRender(fleet(), "--strict");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error: 2 remote charts not rendered");
  });

  it("fails an apps-layer manifests app that renders a ClusterRole, as Argo CD's sync would, naming the file and the fix", async () => {
    const r = await validateRender(fleet({ "apps/web/manifests/role.yaml": CLUSTER_ROLE }));
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      "apps/web/manifests/role.yaml:1:1: dev/web: web renders the cluster-scoped ClusterRole web-reader, but project apps does not allow the kind rbac.authorization.k8s.io/ClusterRole",
    );
    expect(r.out).toContain("layer apps may not create rbac.authorization.k8s.io/ClusterRole: move the app (or this part of it) to the platform or infra layer");
    // The plain gate does not render, so it cannot see it.
    expect((await berth(repos[0]!, "validate")).code).toBe(0);
  });

  it("renders charts twice and names an object that differs between renders (a generated password), with the fix", async () => {
    const r = await validateRender(fleet({ "apps/shop/chart/templates/secret.yaml": "apiVersion: v1\nkind: Secret\nmetadata: { name: shop-db }\nstringData: { user: shop, password: {{ randAlphaNum 24 | quote }} }\n" }));
    expect(r.code).toBe(1);
    expect(r.out).toContain("apps/shop/chart/templates/secret.yaml:1:1: dev/shop: Secret shop-db renders differently each time (stringData.password differs between two renders), so Argo CD would show it OutOfSync forever");
    expect(r.out).toContain("existingSecret");
    expect(r.out).toContain("ignoreDifferences in apps/shop/app.yaml");
    // The ConfigMap beside it renders the same each time: not named.
    expect(r.out).not.toContain("ConfigMap shop renders differently");
  });

  it("tells an infra app that renders a Namespace to drop it from the render (berth creates it), not to move layers", async () => {
    const r = await validateRender(fleet({ "apps/kustom/base/kustomization.yaml": "resources: [sa.yaml, ns.yaml]\n", "apps/kustom/base/ns.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: kustom\n" }));
    expect(r.code).toBe(1);
    expect(r.out).toContain("dev/kustom: kustom renders the cluster-scoped Namespace kustom, but project infra does not allow the kind core/Namespace");
    expect(r.out).toContain("berth creates the namespace kustom itself and no layer may create Namespaces: drop the Namespace from the render: remove it from the kustomization's resources:, or add a patch with `$patch: delete` for it");
    expect(r.out).not.toContain("move the app");
  });

  it("tells an infra app to declare a cluster-scoped kind it renders (the layer allows it)", async () => {
    const r = await validateRender(fleet({ "apps/kustom/base/kustomization.yaml": "resources: [sa.yaml, role.yaml]\n", "apps/kustom/base/role.yaml": CLUSTER_ROLE }));
    expect(r.code).toBe(1);
    // kustomize does not say which file an object came from: the kustomization is named.
    expect(r.out).toContain("apps/kustom/base/kustomization.yaml:1:1: dev/kustom: kustom renders the cluster-scoped ClusterRole web-reader");
    expect(r.out).toContain('declare it in apps/kustom/app.yaml: clusterResources: [{group: "rbac.authorization.k8s.io", kind: ClusterRole}]');
    // Declared, it passes.
    const ok = await validateRender(
      fleet({
        "apps/kustom/app.yaml": "layer: infra\nnamespace: kustom\nsource: { type: kustomize, path: base }\nclusterResources: [{ group: rbac.authorization.k8s.io, kind: ClusterRole }]\n",
        "apps/kustom/base/kustomization.yaml": "resources: [sa.yaml, role.yaml]\n",
        "apps/kustom/base/role.yaml": CLUSTER_ROLE,
      }),
    );
    expect(ok.code, ok.out).toBe(0);
  });

  it("fails a namespaced object rendered into a namespace outside its project's destinations", async () => {
    const r = await validateRender(fleet({ "apps/web/manifests/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: stray, namespace: kube-system }\n" }));
    expect(r.code).toBe(1);
    expect(r.out).toContain("apps/web/manifests/cm.yaml:1:1: dev/web: web renders ConfigMap stray into namespace kube-system, which is not a destination of project apps (its namespaces: shop, web)");
  });

  it("fails a YAML error in a manifests folder at its file and line", async () => {
    const r = await validateRender(fleet({ "apps/web/manifests/bad.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [oops\n" }));
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/apps\/web\/manifests\/bad\.yaml:5:1: dev\/web: /);
    const indented = await validateRender(fleet({ "apps/web/manifests/bad.yaml": "apiVersion: v1\nkind: ConfigMap\ndata:\n  a: [1, 2\n  b: 3\n" }));
    expect(indented.code).toBe(1);
    expect(indented.out).toMatch(/apps\/web\/manifests\/bad\.yaml:\d+:[2-9]: dev\/web: /);
  });

  it("fails a template error in a local chart at the template's line and column", async () => {
    const r = await validateRender(fleet({ "apps/shop/chart/templates/broken.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: broken }\ndata: { x: {{ .Values.nope.missing }} }\n" }));
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/apps\/shop\/chart\/templates\/broken\.yaml:4:\d+: dev\/shop: .*nil pointer evaluating interface \{\}\.missing/);
  });

  it("renders a local chart whose values.schema.json forbids unknown properties: it gets .Values.berth only when it asks", async () => {
    const strict = JSON.stringify({ type: "object", additionalProperties: false, properties: { log: { type: "string" } } });
    expect((await validateRender(fleet({ "apps/shop/chart/values.schema.json": strict }))).code).toBe(0);
    const asks = await validateRender(fleet({ "apps/shop/chart/values.schema.json": strict, "apps/shop/app.yaml": "layer: apps\nnamespace: shop\nsource: { type: chart }\nberthValues: true\n" }));
    expect(asks.code).toBe(1);
    expect(asks.out).toMatch(/dev\/shop: .*additional properties 'berth' not allowed/);
  });

  it("checks custom resources against the CRDs the fleet renders: their scope and their schema", async () => {
    const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: widgets.example.com }
spec:
  group: example.com
  scope: Cluster
  names: { kind: Widget, plural: widgets, singular: widget, listKind: WidgetList }
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec: { type: object, required: [size], properties: { size: { type: integer } } }
`;
    const r = await validateRender(
      fleet({
        "apps/kustom/app.yaml": "layer: infra\nnamespace: kustom\nsource: { type: kustomize, path: base }\nclusterResources: [{ group: apiextensions.k8s.io, kind: CustomResourceDefinition }]\n",
        "apps/kustom/base/kustomization.yaml": "resources: [sa.yaml, crd.yaml]\n",
        "apps/kustom/base/crd.yaml": crd,
        "apps/web/manifests/widget.yaml": "apiVersion: example.com/v1\nkind: Widget\nmetadata: { name: w }\nspec: { size: big }\n",
      }),
    );
    expect(r.code).toBe(1);
    expect(r.out).toContain("apps/web/manifests/widget.yaml:1:1: dev/web: Widget w: spec.size: must be integer (CRD Widget.example.com)");
    expect(r.out).toContain("apps/web/manifests/widget.yaml:1:1: dev/web: web renders the cluster-scoped Widget w, but project apps does not allow the kind example.com/Widget");
  });

  it("fails an object the Kubernetes schemas reject", async () => {
    const r = await validateRender(fleet({ "apps/web/manifests/deploy.yaml": deployment("web", "64Mi").replace("replicas: 2", 'replicas: "two"') }));
    expect(r.code).toBe(1);
    expect(r.out).toContain("apps/web/manifests/deploy.yaml:1:1: dev/web: Deployment web: spec.replicas: must be integer");
  });

  it("counts an app without a resources: block from its render in the budget", async () => {
    const tree = fleet({ "apps/web/manifests/deploy.yaml": deployment("web", "5Gi") });
    const r = await validateRender(tree);
    expect(r.code).toBe(1);
    expect(r.out).toContain('memory requests on cluster "dev" add up to 10Gi, over its capacity of 8Gi');
    expect(r.out).toContain("largest: web 10Gi");
    // Without the render the app counts as nothing.
    expect((await berth(repos[0]!, "validate")).code).toBe(0);
  });

  it("reports a hand-written resources: block that disagrees with the render", async () => {
    const r = await validateRender(fleet({ "apps/web/app.yaml": "layer: apps\nnamespace: web\nsource: { type: manifests, path: manifests }\nresources:\n  - { workload: web, replicas: 1, cpu: 100m, memory: 64Mi }\n" }));
    expect(r.code, r.out).toBe(0);
    expect(r.stderr).toContain("warning: dev/web: apps/web/app.yaml declares resources of 64Mi memory, 100m CPU, but its render requests 128Mi, 200m CPU");
  });
  // The Gateway API CRDs come from a remote chart (envoy-gateway) that is not rendered offline:
  // validate knows them from its vendored copy (generator/validate/crds/gateway-api.json).
  const ROUTE = (hostField: string) => `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: web }
spec:
  parentRefs: [{ name: web, namespace: envoy-gateway-system }]
  ${hostField}: [web.dev.localhost]
  rules:
    - matches: [{ path: { type: PathPrefix, value: / } }]
      backendRefs: [{ name: web, port: 80 }]
`;
  const TLS_ROUTE = `apiVersion: gateway.networking.k8s.io/v1
kind: TLSRoute
metadata: { name: optic }
spec:
  parentRefs: [{ name: web, namespace: envoy-gateway-system }]
  hostnames: [optic.dev.localhost]
  rules:
    - backendRefs: [{ name: optic, port: 4443 }]
`;

  it("checks HTTPRoutes and TLSRoutes against the Gateway API's CRDs: a valid route passes, a misspelt field is named", async () => {
    const ok = await validateRender(fleet({ "apps/web/manifests/route.yaml": ROUTE("hostnames"), "apps/web/manifests/tls.yaml": TLS_ROUTE }));
    expect(ok.code, ok.out).toBe(0);
    const typo = await validateRender(fleet({ "apps/web/manifests/route.yaml": ROUTE("hostname") }));
    expect(typo.code).toBe(1);
    expect(typo.out).toMatch(/apps\/web\/manifests\/route\.yaml:\d+:\d+: dev\/web: HTTPRoute web: spec: unknown field "hostname"/);
    const port = await validateRender(fleet({ "apps/web/manifests/tls.yaml": TLS_ROUTE.replace("port: 4443", "port: 70000") }));
    expect(port.code).toBe(1);
    expect(port.out).toMatch(/TLSRoute optic: spec\.rules\.0\.backendRefs\.0\.port: must be <= 65535/);
  });
});

describe("berth validate --render on the example fleet", () => {
  it("passes offline, listing every remote chart as not rendered", async () => {
    // The built CLI in a child process, its proxy a closed port: offline even on a machine with a network.
    const { execFile } = await import("node:child_process");
    const { exampleFleetRoot, REPO_ROOT } = await import("../helpers/example-fleet.js");
    const dead = "http://127.0.0.1:9";
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, HTTPS_PROXY: dead, HTTP_PROXY: dead, https_proxy: dead, http_proxy: dead, NO_PROXY: "", no_proxy: "" };
    const r = await new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
      execFile(process.execPath, [`${REPO_ROOT}/bin/berth.js`, "-C", exampleFleetRoot(), "validate", "--render"], { env, maxBuffer: 1 << 24 }, (err, stdout, stderr) =>
        done({ code: err ? Number((err as { code?: number }).code ?? 2) : 0, stdout, stderr }),
      );
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^valid: 3 clusters, \d+ apps, \d+ generated objects, \d+ renders checked against schemas and projects \(\d+ remote charts not rendered\)/);
    expect(r.stderr).toMatch(/^warning: \d+ remote charts not rendered \(helm could not fetch them\), so not validated:$/m);
    expect(r.stderr).not.toMatch(/^error/m);
  });

});
