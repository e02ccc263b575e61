import { describe, expect, it } from "vitest";
import { appSchema } from "../../generator/model/schema/app.schema.js";
import { clusterSchema } from "../../generator/model/schema/cluster.schema.js";
import { validatorsModuleSource } from "../../generator/model/schema/generate-validators.js";

describe("published JSON Schemas", () => {
  // Editors validate clusters/*/cluster.yaml and apps/*/app.yaml against these files
  // (yaml-language-server comments); they must match the schemas berth validates with.
  // Update them with `npx vitest run test/model/schemas.test.ts -u`.
  it("generator/schemas/cluster.schema.json matches the source schema", async () => {
    await expect(`${JSON.stringify(clusterSchema, null, 2)}\n`).toMatchFileSnapshot("../../generator/schemas/cluster.schema.json");
  });
  it("generator/schemas/app.schema.json matches the source schema", async () => {
    await expect(`${JSON.stringify(appSchema, null, 2)}\n`).toMatchFileSnapshot("../../generator/schemas/app.schema.json");
  });
});

describe("the validators berth checks cluster.yaml and app.yaml with", () => {
  // Generated ahead of time so that no run compiles the schemas; they must be what ajv generates
  // from the source schemas now. Regenerate with `npx vitest run test/model/schemas.test.ts -u`.
  it("generator/model/schema/validators.generated.ts is ajv's code for the source schemas", async () => {
    await expect(validatorsModuleSource()).toMatchFileSnapshot("../../generator/model/schema/validators.generated.ts");
  });
});
