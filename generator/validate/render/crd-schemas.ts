import { Ajv, type ValidateFunction } from "ajv";
import type { RenderedObject } from "./rendered-objects.js";

/**
 * The schemas of the CustomResourceDefinitions the fleet's renders install, by
 * "group/version/Kind": custom resources of the fleet are checked against them as the API server
 * would. Not closed (the API server prunes unknown fields rather than refusing them), so only what
 * it refuses is reported: wrong types, missing required fields, values outside an enum.
 */
export class CrdSchemas {
  private readonly schemas = new Map<string, unknown>();
  private readonly compiled = new Map<string, ValidateFunction | undefined>();
  private ajv: Ajv | undefined;

  add(objects: readonly RenderedObject[]): void {
    for (const o of objects) {
      if (o.group !== "apiextensions.k8s.io" || o.kind !== "CustomResourceDefinition") continue;
      const spec = (o.body.spec ?? {}) as { group?: unknown; names?: { kind?: unknown }; versions?: unknown };
      if (typeof spec.group !== "string" || typeof spec.names?.kind !== "string" || !Array.isArray(spec.versions)) continue;
      for (const v of spec.versions as { name?: unknown; schema?: { openAPIV3Schema?: unknown } }[]) {
        if (typeof v?.name === "string" && v.schema?.openAPIV3Schema) this.schemas.set(`${spec.group}/${v.name}/${spec.names.kind}`, v.schema.openAPIV3Schema);
      }
    }
  }

  /** Problems of a custom resource against its CRD's schema; empty when valid or when the fleet renders no CRD for it. */
  problems(o: RenderedObject): string[] {
    const key = `${o.apiVersion}/${o.kind}`;
    if (!this.compiled.has(key)) {
      const schema = this.schemas.get(key);
      let fn: ValidateFunction | undefined;
      if (schema) {
        this.ajv ??= new Ajv({ allErrors: true, strict: false, logger: false, validateFormats: false });
        try {
          fn = this.ajv.compile(withoutStatus(schema) as object);
        } catch {
          fn = undefined; // a schema ajv cannot compile is the chart's business, not a finding
        }
      }
      this.compiled.set(key, fn);
    }
    const validate = this.compiled.get(key);
    if (!validate || validate(o.body)) return [];
    return (validate.errors ?? []).map((e) => `${e.instancePath.slice(1).replace(/\//g, ".") || "(root)"}: ${e.message ?? "is invalid"} (CRD ${o.kind}.${o.group})`);
  }
}

/** A rendered object carries no status; some CRDs require fields of it. */
function withoutStatus(schema: unknown): unknown {
  if (!schema || typeof schema !== "object") return schema;
  const s = { ...(schema as Record<string, unknown>) };
  if (s.properties && typeof s.properties === "object") {
    const props = { ...(s.properties as Record<string, unknown>) };
    delete props.status;
    s.properties = props;
  }
  if (Array.isArray(s.required)) s.required = (s.required as string[]).filter((r) => r !== "status");
  return s;
}
