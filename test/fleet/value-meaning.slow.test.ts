import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { HELM_YAML } from "../../generator/yaml/helm-schema.js";
import { fixtureFleet } from "../helpers/fleet-fixture.js";
import { berth, makeRepo, removeRepo } from "../helpers/repo.js";
import { bundledTools, docs, helmCli } from "../render/helpers.js";
import { generatedDocument } from "../helpers/generated.js";

// Inline values as a user writes them in cluster.yaml. Helm and Argo CD read YAML 1.1 (go-yaml v2):
// berth must read them the same way and write them so that Argo CD reads the same values back.
const INLINE = `    values:
      quotedOn: "on"
      bareOn: on
      quotedNo: "NO"
      quotedY: "y"
      quotedOff: "Off"
      quotedBin: "0b101"
      quotedUnderscore: "1_000"
      quotedOctal: "0o17"
      bareOctal: 0o17
      date: 2001-12-14
      big: 12345678901234567890
      "<<": { merged: no }
`;

const MEANING = {
  quotedOn: "on",
  bareOn: true,
  quotedNo: "NO",
  quotedY: "y",
  quotedOff: "Off",
  quotedBin: "0b101",
  quotedUnderscore: "1_000",
  quotedOctal: "0o17",
  bareOctal: 15,
  date: "2001-12-14",
  big: 12345678901234567890n,
  "<<": { merged: false },
};

let root: string;
beforeAll(() => {
  const tree = fixtureFleet();
  tree["clusters/dev/cluster.yaml"] = tree["clusters/dev/cluster.yaml"]!.replace("    values: { replicas: 1 }\n", INLINE);
  tree["apps/shop/chart/templates/kinds.yaml"] = `apiVersion: v1
kind: ConfigMap
metadata: { name: kinds }
data:
${Object.keys(MEANING)
  .filter((k) => k !== "<<")
  .map((k) => `  ${k}: {{ printf "%s %v" (kindOf .Values.${k}) .Values.${k} | quote }}`)
  .join("\n")}
  merge: {{ hasKey .Values "<<" | quote }}
`;
  root = makeRepo(tree);
});
afterAll(() => removeRepo(root));

describe("values mean the same to berth as to Helm and Argo CD", () => {
  it("reads inline values with YAML 1.1 rules and writes them so a YAML 1.1 reader gets the same values", async () => {
    const run = await berth(root, "generate");
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const text = generatedDocument(readFileSync(join(root, "clusters/dev/argocd/apps.yaml"), "utf8"), "Application", "shop-staging");
    for (const line of ['quotedOn: "on"', "bareOn: true", 'quotedNo: "NO"', 'quotedY: "y"', 'quotedOff: "Off"', 'quotedBin: "0b101"', 'quotedUnderscore: "1_000"', 'quotedOctal: "0o17"', "bareOctal: 15", 'date: "2001-12-14"', "big: 12345678901234567890", '"<<":']) {
      expect(text).toContain(`        ${line}`);
    }
    const app = parseAllDocuments(text, HELM_YAML)[0]!.toJS() as { spec: { source: { helm: { valuesObject: Record<string, unknown> } } } };
    expect(app.spec.source.helm.valuesObject).toMatchObject(MEANING);
  });

  it("berth render hands helm the values Argo CD will", async () => {
    const tools = await bundledTools();
    const run = await berth(root, "render", "--cluster", "dev", "--app", "shop");
    // Only the tools used and the bundled helm's minor drift from the pinned Argo CD's (tool-pins.test.ts).
    expect(run.stderr.split("\n").filter((l) => l && !/^rendered with helm |^warning: helm \S+ differs from the /.test(l))).toEqual([]);
    expect(run.code).toBe(0);
    const rendered = docs(run.stdout).find((o) => o.kind === "ConfigMap" && o.metadata.name === "kinds")!.data;
    // Argo CD gives helm the Application's valuesObject as a values file: render the chart that way.
    await berth(root, "generate");
    const app = parse(generatedDocument(readFileSync(join(root, "clusters/dev/argocd/apps.yaml"), "utf8"), "Application", "shop-staging"), HELM_YAML) as { spec: { source: { helm: { valuesObject: unknown } } } };
    const { toYaml } = await import("../../generator/yaml/canonical.js");
    writeFileSync(join(root, "argo-values.yaml"), toYaml(app.spec.source.helm.valuesObject));
    const direct = docs(await helmCli(tools, ["template", "shop", "apps/shop/chart", "-f", "apps/shop/values.yaml", "-f", "apps/shop/values-staging.yaml", "-f", "argo-values.yaml"], root)).find((o) => o.metadata?.name === "kinds")!.data;
    expect(rendered).toEqual(direct);
    expect(rendered).toMatchObject({ quotedOn: "string on", bareOn: "bool true", quotedBin: "string 0b101", bareOctal: "float64 15", date: "string 2001-12-14", merge: "true" });
  });
});
