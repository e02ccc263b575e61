import { describe, expect, it } from "vitest";
import { exampleFleetRoot } from "../helpers/example-fleet.js";
import { berth } from "../helpers/repo.js";

const repoRoot = exampleFleetRoot();

describe("the example fleet in this repository", () => {
  it("has committed generated output that is up to date", async () => {
    const run = await berth(repoRoot, "generate", "--check");
    expect(run.stdout + run.stderr).toMatch(/generated output is up to date/);
    expect(run.code).toBe(0);
  });

  it("draws each cluster as a Mermaid graph", async () => {
    const run = await berth(repoRoot, "graph", "--cluster", "pi");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^```mermaid\nflowchart LR\n {2}subgraph platform\n/);
    expect(run.stdout).toContain("argo_cd[\"argo-cd<br/>wave 0 · argocd\"]");
  });
});
