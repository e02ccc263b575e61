import { it } from "vitest";
import { renderApp } from "../../../generator/render/render.js";
import { bundledTools, tempDir } from "../helpers.js";
import { writeDemoChart } from "../fixtures.js";
import { run } from "../../../generator/render/exec.js";
import { hermeticEnv } from "../../../generator/render/env.js";
it("t", async () => {
  const tools = await bundledTools();
  const d = tempDir("bench"); writeDemoChart(d + "/c");
  let t = Date.now();
  for (let i = 0; i < 10; i++) await renderApp({ app: "a", namespace: "n", kubeVersion: "1.30.0", apiVersions: [], source: { type: "helm-local", chartDir: d + "/c", releaseName: "r", valueFiles: [], values: { a: 1 } } }, tools);
  console.log("render x10", Date.now() - t);
  t = Date.now();
  for (let i = 0; i < 10; i++) await run(tools.helm, ["template", "r", d + "/c"], { env: hermeticEnv(d + "/h") });
  console.log("raw x10", Date.now() - t);
});
