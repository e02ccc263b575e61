import { strictCrdProblems, VENDORED_KINDS } from "../crd-strict.js";
import type { RenderedObject } from "./rendered-objects.js";

type Validator = (obj: Record<string, unknown>) => string[];

const cache = new Map<string, Promise<Validator | undefined>>();

const GROUP = /^([a-z0-9]([a-z0-9.-]*[a-z0-9])?\/)?v[0-9]+((alpha|beta)[0-9]+)?$/;
const KIND = /^[A-Z][A-Za-z0-9]*$/;

/**
 * The kubernetes-models validator of a built-in kind (compiled from the Kubernetes OpenAPI
 * schemas), loaded on first use: `kubernetes-models/<apiVersion>/<Kind>`. Undefined for a kind
 * it does not know (a custom resource). apiVersion and kind are checked before they become a
 * module path.
 */
function builtIn(apiVersion: string, kind: string): Promise<Validator | undefined> {
  const key = `${apiVersion}/${kind}`;
  let v = cache.get(key);
  if (!v) {
    v = (async () => {
      if (!GROUP.test(apiVersion) || !KIND.test(kind)) return undefined;
      try {
        const mod = (await import(/* @vite-ignore */ `kubernetes-models/${apiVersion}/${kind}`)) as Record<string, new (d: unknown) => { validate(): void }>;
        const Model = mod[kind];
        if (!Model) return undefined;
        return (obj: Record<string, unknown>) => {
          try {
            new Model(obj).validate();
            return [];
          } catch (e) {
            const errors = (e as { errors?: { instancePath?: string; message?: string }[] }).errors;
            if (!errors) return [String((e as Error).message)];
            return errors.map((x) => `${(x.instancePath ?? "").slice(1).replace(/\//g, ".") || "(root)"}: ${x.message ?? "is invalid"}`);
          }
        };
      } catch {
        return undefined;
      }
    })();
    cache.set(key, v);
  }
  return v;
}


/**
 * Schema problems of a rendered object: built-in kinds against the Kubernetes schemas; Argo CD,
 * Sealed Secrets and Gateway API objects against their vendored CRDs (generator/validate/crds),
 * strictly. Other custom resources are checked against the CRDs the fleet's renders install
 * (CrdSchemas), or for shape only.
 */
export async function schemaProblems(o: RenderedObject): Promise<string[]> {
  const key = `${o.apiVersion}/${o.kind}`;
  if (VENDORED_KINDS.has(key)) return strictCrdProblems(o.body);
  const v = await builtIn(o.apiVersion, o.kind);
  return v ? [...new Set(v(o.body))] : [];
}
