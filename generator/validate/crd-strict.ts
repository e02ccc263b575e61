import { createRequire } from "node:module";
import type { Ajv, ValidateFunction } from "ajv";
import application from "./crds/application.json" with { type: "json" };
import appproject from "./crds/appproject.json" with { type: "json" };
import sealedsecret from "./crds/sealedsecret.json" with { type: "json" };
import gatewayApi from "./crds/gateway-api.json" with { type: "json" };
import { PRECOMPILED } from "./crds/precompiled.js";

/**
 * Validates generated objects against the upstream CRD schemas (vendored in ./crds, descriptions
 * and status removed; Application and AppProject from the Argo CD release berth pins, see
 * generator/pins/argo-cd.json and scripts/refresh-argocd-pin.js; the Gateway API's standard channel
 * from scripts/refresh-gateway-api-crds.js) with unknown fields forbidden.
 * Kubernetes itself prunes unknown fields silently, so a misspelled field would otherwise vanish at apply time without a word.
 */
const CRDS = [application, appproject, sealedsecret, ...gatewayApi] as unknown as Crd[];

/** "group/version/Kind" of every vendored CRD. */
export const VENDORED_KINDS: ReadonlySet<string> = new Set(CRDS.map((c) => `${c.group}/${c.version}/${c.kind}`));

const OBJECT_META = {
  type: "object",
  additionalProperties: false,
  required: ["name"],
  properties: {
    name: { type: "string" },
    namespace: { type: "string" },
    labels: { type: "object", additionalProperties: { type: "string" } },
    annotations: { type: "object", additionalProperties: { type: "string" } },
    finalizers: { type: "array", items: { type: "string" } },
  },
};

interface Crd {
  group: string;
  version: string;
  kind: string;
  schema: Record<string, unknown>;
}

const BY_KIND = new Map(CRDS.map((c) => [`${c.group}/${c.version}/${c.kind}`, c]));
let ajv: Ajv | undefined;
const validators = new Map<string, ValidateFunction>();

/** The options every validator is compiled with, at run time here and ahead of time (crds/generate-validators.ts). */
export const AJV_OPTIONS = { allErrors: true, strict: false, logger: false } as const;
/** Formats Kubernetes schemas name; any value passes (the API server checks them). */
export const ANY_FORMATS = ["int32", "int64", "byte", "date-time"] as const;

/** The schema a kind's objects are checked against: the CRD's, objects closed, metadata berth's. */
export function strictSchemaOf(key: string): Record<string, unknown> | undefined {
  const crd = BY_KIND.get(key);
  if (!crd) return undefined;
  const schema = closeObjects(crd.schema) as Record<string, unknown>;
  (schema.properties as Record<string, unknown>).metadata = OBJECT_META;
  return schema;
}

/**
 * The validator of one kind: generated ahead of time for the kinds every fleet has (Application,
 * AppProject, SealedSecret: compiling Application's schema alone took ~130 ms of every validate),
 * otherwise compiled the first time an object of that kind is checked: a fleet pays only for the
 * kinds it has (the Gateway API's schemas alone are a dozen large ones).
 */
function validatorOf(key: string): ValidateFunction | undefined {
  const known = validators.get(key) ?? (PRECOMPILED[key] as ValidateFunction | undefined);
  if (known) return known;
  const schema = strictSchemaOf(key);
  if (!schema) return undefined;
  if (!ajv) {
    // Required only here: the kinds every fleet has are validated by generated code, and loading
    // ajv's compiler was a fortieth of a validate that never compiles a schema.
    const { Ajv: AjvClass } = createRequire(import.meta.url)("ajv") as typeof import("ajv");
    ajv = new AjvClass({ ...AJV_OPTIONS });
    for (const f of ANY_FORMATS) ajv.addFormat(f, true);
  }
  const validate = ajv.compile(schema);
  validators.set(key, validate);
  return validate;
}

/** Adds `additionalProperties: false` to every object schema that lists its properties. */
function closeObjects(s: unknown): unknown {
  if (Array.isArray(s)) return s.map(closeObjects);
  if (s === null || typeof s !== "object") return s;
  const o: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s)) o[k] = closeObjects(v);
  if (o.properties && !o["x-kubernetes-preserve-unknown-fields"] && o.additionalProperties === undefined) o.additionalProperties = false;
  return o;
}

/** Problems of one object against its CRD, as `path: message` strings; empty when valid. */
export function strictCrdProblems(obj: { apiVersion?: unknown; kind?: unknown }): string[] {
  const validate = validatorOf(`${String(obj.apiVersion)}/${String(obj.kind)}`);
  if (!validate) return [`no vendored CRD schema for ${String(obj.apiVersion)} ${String(obj.kind)}`];
  if (validate(obj)) return [];
  return (validate.errors ?? []).map((e) => {
    const at = e.instancePath.slice(1).replace(/\//g, ".") || "(root)";
    if (e.keyword === "additionalProperties") {
      return `${at}: unknown field "${(e.params as { additionalProperty: string }).additionalProperty}"`;
    }
    return `${at}: ${e.message ?? "is invalid"}`;
  });
}
