import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { REPO_ROOT } from "../helpers/example-fleet.js";

const json = (p: string) => JSON.parse(readFileSync(join(REPO_ROOT, p), "utf8")) as { engines?: { node?: string } };

describe("the Node versions berth runs on", () => {
  it("declares the true floor: what vitest's vite needs (20.19 on 20, which also has zlib.crc32 from 20.15)", () => {
    const ours = json("package.json").engines?.node;
    // The floor is vite's own range, read from the installed package, not copied by hand.
    expect(ours).toBe(json("node_modules/vite/package.json").engines?.node);
    expect(ours).toMatch(/^\^20\.19\.0 \|\| >=22\.\d+\.0$/);
    expect(json("package-lock.json") as unknown).toMatchObject({ packages: { "": { engines: { node: ours } } } });
  });

  it("tests on Node 20 (the floor), 22 and 24 in CI, and runs the fleet gate and previews on a supported line (24)", () => {
    const ci = parse(readFileSync(join(REPO_ROOT, ".github/workflows/ci.yml"), "utf8")) as {
      jobs: { test: { strategy?: { matrix?: { node?: number[] } }; steps: { uses?: string; with?: { "node-version"?: unknown } }[] } };
    };
    expect(ci.jobs.test.strategy?.matrix?.node).toEqual([20, 22, 24]);
    const setup = ci.jobs.test.steps.find((s) => s.uses?.startsWith("actions/setup-node@"));
    expect(setup?.with?.["node-version"]).toBe("${{ matrix.node }}");
    // Node 20 left upstream support in April 2026: only the floor's test job still runs it.
    for (const file of ["ci.yml", "preview.yml"]) {
      const wf = parse(readFileSync(join(REPO_ROOT, ".github/workflows", file), "utf8")) as { jobs: Record<string, { steps: { uses?: string; with?: { "node-version"?: unknown } }[] }> };
      for (const [name, job] of Object.entries(wf.jobs)) {
        const v = job.steps.find((s) => s.uses?.startsWith("actions/setup-node@"))?.with?.["node-version"];
        if (v !== undefined && !(file === "ci.yml" && name === "test")) expect(v, `${file} ${name}`).toBe(24);
      }
    }
  });
});
