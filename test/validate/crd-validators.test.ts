import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { crdValidatorsModuleSource } from "../../generator/validate/crds/generate-validators.js";
import { PRECOMPILED, PRECOMPILED_KINDS } from "../../generator/validate/crds/precompiled.js";
import { AJV_OPTIONS, ANY_FORMATS, strictSchemaOf } from "../../generator/validate/crd-strict.js";

describe("the CRD validators generated ahead of time", () => {
  // Generated so that no validate compiles the large Argo CD schemas; they must be what ajv
  // generates from the vendored CRDs now. Regenerate with `npx vitest run test/validate/crd-validators.test.ts -u`.
  it("generator/validate/crds/validators.generated.ts is ajv's code for the vendored CRDs", async () => {
    await expect(crdValidatorsModuleSource()).toMatchFileSnapshot("../../generator/validate/crds/validators.generated.ts");
  });

  it("answer as validators compiled at run time do, errors included", () => {
    const ajv = new Ajv({ ...AJV_OPTIONS });
    for (const f of ANY_FORMATS) ajv.addFormat(f, true);
    const objects: Record<string, unknown>[] = [
      { apiVersion: "argoproj.io/v1alpha1", kind: "Application", metadata: { name: "a", namespace: "argocd" }, spec: { project: "p", destination: { server: "https://kubernetes.default.svc" }, source: { repoURL: "r", path: "x" } } },
      { apiVersion: "argoproj.io/v1alpha1", kind: "Application", metadata: { name: "a", bogus: 1 }, spec: { project: 3, destination: {}, source: { path: "x", helm: { valueFiles: "no" } }, typo: true } },
      { apiVersion: "argoproj.io/v1alpha1", kind: "AppProject", metadata: { name: "p" }, spec: { sourceRepos: ["*"], destinations: [{ server: "s", namespace: "n" }], description: "x".repeat(300) } },
      { apiVersion: "bitnami.com/v1alpha1", kind: "SealedSecret", metadata: { name: "s" }, spec: { encryptedData: { a: "b" }, template: { type: 1 } } },
    ];
    for (const key of Object.values(PRECOMPILED_KINDS)) {
      const runtime = ajv.compile(strictSchemaOf(key)!);
      const generated = PRECOMPILED[key] as typeof runtime;
      expect(typeof generated).toBe("function");
      for (const o of objects) {
        expect(generated(o)).toBe(runtime(o));
        expect(generated.errors ?? null).toEqual(runtime.errors ?? null);
      }
    }
  });
});
