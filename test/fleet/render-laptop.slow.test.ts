import { describe, expect, it } from "vitest";
import { berth } from "../helpers/repo.js";
import { ROOT } from "./fixture.js";
import { parseAllDocuments } from "yaml";

type K8s = { kind?: string; metadata?: { name?: string; annotations?: Record<string, string> }; spec?: Record<string, any> };

describe("berth render --cluster laptop", () => {
  it("shows the headless collab Service, the migration hook Jobs, the passthrough TLSRoute and the Certificate", async () => {
    const run = await berth(ROOT, "render", "--cluster", "laptop", "--app", "coalesce-collab-server", "everything-order", "everything-customer", "synapse-stack");
    // Only the tools used and the bundled helm's minor drift from the pinned Argo CD's (tool-pins.test.ts).
    expect(run.stderr.split("\n").filter((l) => l && !/^rendered with helm |^warning: helm \S+ differs from the /.test(l))).toEqual([]);
    expect(run.code).toBe(0);
    const objs = parseAllDocuments(run.stdout).map((d) => d.toJS() as K8s).filter((o) => o?.kind);
    const headless = objs.find((o) => o.kind === "Service" && o.spec?.clusterIP === "None");
    expect(headless?.metadata?.name).toContain("collab");
    const hooks = objs.filter((o) => o.kind === "Job" && o.metadata?.annotations?.["helm.sh/hook"] === "pre-install,pre-upgrade");
    expect(hooks.map((j) => j.metadata?.name).sort()).toEqual(["customer-migration", "order-migration"]);
    const route = objs.find((o) => o.kind === "TLSRoute")!;
    expect(route.spec?.hostnames).toEqual(["optic.localhost"]);
    expect(route.spec?.rules[0].backendRefs).toEqual([{ name: "synapse-optic", port: 4443 }]);
    expect(objs.some((o) => o.kind === "Certificate" && o.metadata?.name === "synapse-optic")).toBe(true);
  });
});
