import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ARGOCD_PIN } from "../../generator/pins/argo-cd.js";

const REPO_ROOT = join(import.meta.dirname, "..", "..");
const read = (p: string) => readFileSync(join(REPO_ROOT, p), "utf8");
const V = ARGOCD_PIN.argoCd;

/** `require`d module versions of a wrapper go.mod, by module path. */
function goRequires(file: string): Map<string, string> {
  return new Map([...read(file).matchAll(/^\s*(?:require\s+)?([a-z0-9.\-/]+\.[a-z]+\/[^\s]+)\s+(v\S+)(?:\s*\/\/.*)?$/gm)].map((m) => [m[1]!, m[2]!]));
}

/**
 * generator/pins/argo-cd.json names the Argo CD release; every other pin follows it. Each case
 * fails when one of them is moved alone.
 */
describe("one Argo CD release everywhere", () => {
  it("names a release and the Go toolchain its go.mod needs", () => {
    expect(V).toMatch(/^v3\.\d+\.\d+$/);
    expect(ARGOCD_PIN.goToolchain).toMatch(/^go1\.\d+\.\d+$/);
  });

  it("validate checks against that release's Application and AppProject CRDs", () => {
    for (const f of ["application.json", "appproject.json"]) expect(JSON.parse(read(`generator/validate/crds/${f}`)).release, f).toBe(V);
  });

  it("the example fleet's argo-cd app (which bootstrap installs) is that release's install.yaml", () => {
    const app = parse(read("apps/argo-cd/app.yaml"));
    expect(app.source).toEqual({ type: "chart", path: "chart" });
    expect(parse(read("apps/argo-cd/chart/Chart.yaml")).appVersion).toBe(V);
    for (const f of ["crds.yaml", "install.yaml"]) expect(read(`apps/argo-cd/chart/files/${f}`).split("\n")[0]).toBe(`# Argo CD ${V}'s manifests/install.yaml (written by scripts/refresh-argocd-pin.js; do not edit)`);
    const images = new Set([...read("apps/argo-cd/chart/files/install.yaml").matchAll(/image: (quay\.io\/argoproj\/argocd:\S+)/g)].map((m) => m[1]));
    expect([...images]).toEqual([`quay.io/argoproj/argocd:${V}`]);
  });

  it("the e2e builds that release, with the toolchain and the repo-server's helm and kustomize", () => {
    const argo = goRequires("e2e/tools/argo-cd/go.mod");
    expect(argo.get("github.com/argoproj/argo-cd/v3")).toBe(V);
    // From 3.4 on, the nested gitops-engine module is required at the same tag.
    expect(argo.get("github.com/argoproj/argo-cd/gitops-engine/v3")).toBe(V);
    expect(goRequires("e2e/tools/helm/go.mod").get("helm.sh/helm/v4")).toBe(`v${ARGOCD_PIN.repoServer.helm}`);
    expect(goRequires("e2e/tools/kustomize/go.mod").get("sigs.k8s.io/kustomize/kustomize/v5")).toBe(`v${ARGOCD_PIN.repoServer.kustomize}`);
    const build = read("e2e/tools/build.sh");
    // build.sh takes every version from the pin file, and names none itself.
    expect(build).toContain('pins="$here/../../generator/pins/argo-cd.json"');
    expect(build).toContain("common.version=${ARGOCD_VERSION#v}");
    expect(build).toContain("export GOTOOLCHAIN=${GOTOOLCHAIN_OVERRIDE:-$(pin goToolchain)}");
    expect(build).not.toMatch(/common\.version=\d|version\.version=v\d|provenance\.version=v\d/);
    expect(parse(read("e2e/fixtures/fleet/apps/argo-cd/chart/Chart.yaml")).appVersion).toBe(V);
  });

  it("the docs name the release and the toolchain", () => {
    const doc = read("docs/upgrading-argo-cd.md");
    expect(doc).toContain(`Argo CD ${V}`);
    expect(doc).toContain(`GOTOOLCHAIN=${ARGOCD_PIN.goToolchain}`);
    expect(read("docs/e2e.md")).toContain(`GOTOOLCHAIN=${ARGOCD_PIN.goToolchain}`);
  });
});
