import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import { hermeticEnv } from "../../generator/exec/env.js";
import { run } from "../../generator/exec/spawn.js";
import { berth } from "../helpers/repo.js";
import { bundledTools, removeDir, tempDir } from "../render/helpers.js";
import { importRepo, SEED_003 } from "./helpers.js";
import { generatedDocument } from "../helpers/generated.js";

const cleanup: string[] = [];
afterAll(() => cleanup.forEach(removeDir));

describe("an imported local-chart release", () => {
  it("renders with berth exactly as `helm template` renders the helmfile's chart, values and release name", async () => {
    const root = importRepo();
    cleanup.push(root);
    // With a prefix the app is everything-server while the Helm release stays `server`.
    const imported = await berth(root, "import", "helmfile", "legacy/k8s/helmfile-apps.yaml", "--cluster", "pi", "--environment", "staging", "--prefix", "everything-");
    expect(imported.code).toBe(0);
    const rendered = await berth(root, "render", "--cluster", "pi", "--app", "everything-server");
    // Only render's report of the tools it used (and how they differ from Argo CD's repo-server's).
    expect(rendered.stderr.split("\n").filter((l) => l !== "" && !/^rendered with helm |^warning: helm \S+ differs from/.test(l))).toEqual([]);
    expect(rendered.code).toBe(0);

    const tools = await bundledTools();
    const home = tempDir("helm-home");
    cleanup.push(home);
    const values = ["values/apps/server/common.yaml", "values/apps/server/staging.yaml"].flatMap((f) => ["-f", join(SEED_003, f)]);
    const helm = await run(tools.helm, ["template", "server", join(SEED_003, "charts/server"), "--namespace", "staging", "--kube-version", "1.31.4", ...values], { env: hermeticEnv(home) });
    expect(helm.stderr).toBe("");
    expect(helm.code).toBe(0);

    // Argo CD gets the same release name.
    expect((await berth(root, "generate")).code).toBe(0);
    const application = parse(generatedDocument(readFileSync(join(root, "clusters/pi/argocd/apps.yaml"), "utf8"), "Application", "everything-server"));
    expect(application.spec.source.helm.releaseName).toBe("server");

    const body = rendered.stdout.replace(/^# ---- .*\n/, "");
    expect(body).toBe(helm.stdout);
    // The values that differ per environment and the YAML 1.1 string "yes" arrived intact.
    expect(body).toContain("name: server\n");
    expect(body).toContain('value: "debug"');
    expect(body).toContain('value: "yes"');
  });
});
