import * as generated from "./validators.generated.js";

/** The kinds whose validators are generated ahead of time (generate-validators.ts), and the export holding each. */
export const PRECOMPILED_KINDS = {
  application: "argoproj.io/v1alpha1/Application",
  appproject: "argoproj.io/v1alpha1/AppProject",
  sealedsecret: "bitnami.com/v1alpha1/SealedSecret",
} as const;

/** "group/version/Kind" → its generated validator. */
export const PRECOMPILED: Readonly<Record<string, unknown>> = Object.fromEntries(Object.entries(PRECOMPILED_KINDS).map(([name, key]) => [key, (generated as Record<string, unknown>)[name]]));
