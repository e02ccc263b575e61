import { afterAll, describe, expect, it } from "vitest";
import { fixtureFleet } from "../helpers/fleet-fixture.js";
import { berth, makeRepo, removeRepo } from "../helpers/repo.js";

/** `--format json` (and `-o json`) wherever a command prints a table or a report (issue 25, item 16). */
const root = makeRepo(fixtureFleet());
afterAll(() => removeRepo(root));

async function json(...args: string[]): Promise<unknown> {
  const run = await berth(root, ...args);
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout);
}

describe("--format json and -o json", () => {
  it("fleet: the table's rows", async () => {
    const rows = await json("fleet", "-o", "json");
    expect(rows).toContainEqual({ system: "shop", cluster: "dev", namespace: "shop-staging", apps: ["shop-staging"] });
    expect(rows).toContainEqual({ system: "postgres", cluster: "prod", namespace: "data", apps: ["postgres"] });
    expect(await json("fleet", "prod", "--format", "json")).toEqual((rows as { cluster: string }[]).filter((r) => r.cluster === "prod"));
    // The default stays the Markdown table.
    expect((await berth(root, "fleet")).stdout).toMatch(/^\| system \| cluster \|/);
  });

  it("graph: nodes with layer, wave and namespace; dependsOn edges", async () => {
    const graph = (await json("graph", "dev", "-o", "json")) as { cluster: string; nodes: { id: string; layer: string; wave: number; namespace: string }[]; edges: { from: string; to: string }[] };
    expect(graph.cluster).toBe("dev");
    // In sync order: layer by layer, by wave within one.
    const ids = graph.nodes.map((n) => n.id);
    expect(ids.slice(0, 2)).toEqual(["argo-cd", "sealed-secrets"]);
    expect(ids.indexOf("postgres")).toBeLessThan(ids.indexOf("metrics"));
    expect(ids.at(-1)).toBe("shop-staging");
    expect(graph.nodes.find((n) => n.id === "shop-staging")).toMatchObject({ layer: "apps", namespace: "shop-staging" });
    expect(graph.edges).toContainEqual({ from: "postgres", to: "shop-staging" });
    expect(graph.edges).toContainEqual({ from: "postgres", to: "metrics" });
  });

  it("secrets status: the table's rows and notes with the findings, one object", async () => {
    // The fixture commits no certificates: every secret is stale (exit 1).
    const run = await berth(root, "secrets", "status", "-o", "json");
    expect(run.code).toBe(1);
    const status = JSON.parse(run.stdout) as { secrets: { cluster: string; secret: string; state: string; findings: { state: string; text: string }[] }[]; notes: string[]; findings: { file: string; severity: string }[] };
    expect(status.secrets.map((r) => `${r.cluster} ${r.state} ${r.secret}`)).toEqual(["dev stale data/postgres-credentials", "dev stale shop-staging/shop-db", "prod stale data/postgres-credentials", "prod stale shop-prod/shop-db"]);
    expect(status.secrets[0]!.findings[0]!.text).toContain("reseal every key: berth seal --cluster dev --namespace data --name postgres-credentials");
    expect(status.notes).toContain("dev: no certificate at clusters/dev/sealing-cert.pem; nothing can be sealed for this cluster");
    expect(status.findings).toHaveLength(4);
    expect(status.findings[0]).toMatchObject({ file: "secrets/dev/data/postgres-credentials.yaml", severity: "error" });
    // The human table goes to standard error, as with the other findings commands.
    expect(run.stderr).toMatch(/^CLUSTER +STATE +SECRET +SEALED WITH +DETAIL$/m);
  });

  it("render: the rendered objects per app (real helm and kubectl)", async () => {
    const run = await berth(root, "render", "dev", "--app", "metrics", "--app", "shop", "-o", "json");
    expect(run.code, run.stderr).toBe(0);
    const apps = JSON.parse(run.stdout) as { cluster: string; app: string; wave: number; namespace: string; objects: { kind: string; metadata: { name: string }; data: Record<string, string> }[] }[];
    expect(apps.map((a) => [a.cluster, a.app, a.namespace])).toEqual([["dev", "metrics", "monitoring"], ["dev", "shop-staging", "shop-staging"]]);
    expect(apps[0]!.objects).toEqual([{ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "metrics" }, data: { a: "b" } }]);
    expect(apps[1]!.objects[0]).toMatchObject({ kind: "ConfigMap", metadata: { name: "shop" }, data: { env: "staging" } });
  });

  it("validate: -o is --format's short form on the findings commands", async () => {
    const findings = await json("validate", "-o", "json");
    expect(findings).toEqual([]);
    const bad = await berth(root, "fleet", "-o", "yaml");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("argument 'yaml' is invalid. Allowed choices are markdown, json.");
  });
});
