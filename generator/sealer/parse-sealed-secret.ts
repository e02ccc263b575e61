import { isMap, isScalar, LineCounter, parseAllDocuments, type Node, type Pair, type YAMLMap } from "yaml";
import { fail, ok, type Diagnostic, type Result } from "../errors.js";
import { checkDnsLabel, checkDnsSubdomain, checkSecretKey } from "./names.js";
import { checkSealedValue } from "./sealed-value.js";
import {
  CLUSTER_WIDE_ANNOTATION,
  NAMESPACE_WIDE_ANNOTATION,
  SEALED_SECRET_API_VERSION,
  SEALED_SECRET_KIND,
  SEALED_WITH_ANNOTATION,
  scopeFromAnnotations,
  type SealedSecret,
  type SealingScope,
} from "./sealed-secret.js";

export interface SourcePosition {
  line: number;
  col: number;
}

/** A SealedSecret read from the repository, with the places later diagnostics point at. */
export interface ParsedSealedSecret {
  file: string;
  secret: SealedSecret;
  scope: SealingScope;
  /** The berth.dev/sealed-with fingerprint, when berth wrote the file. */
  sealedWith: string | undefined;
  positions: {
    name: SourcePosition;
    namespace: SourcePosition;
    /** The effective scope annotation, or the metadata key when the object is strict. */
    scope: SourcePosition;
    keys: ReadonlyMap<string, SourcePosition>;
  };
}

const SHAPE_HINT =
  `a sealed-secret file holds exactly one object with apiVersion ${SEALED_SECRET_API_VERSION} and kind ${SEALED_SECRET_KIND}`;

interface Ctx {
  at(node: unknown): SourcePosition;
  report(where: SourcePosition, message: string, hint?: string): void;
}

/** Parses and checks one SealedSecret file; every problem is reported with file:line:col. */
export function parseSealedSecretFile(text: string, file: string): Result<ParsedSealedSecret> {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: false });
  const diagnostics: Diagnostic[] = [];
  const ctx: Ctx = {
    at: (node) => {
      const range = (node as Node | null | undefined)?.range;
      return range ? lineCounter.linePos(range[0]) : { line: 0, col: 0 };
    },
    report: (where, message, hint) =>
      void diagnostics.push({ file, line: where.line, col: where.col, message, ...(hint ? { hint } : {}) }),
  };

  for (const doc of docs) {
    for (const e of doc.errors) {
      ctx.report(lineCounter.linePos(e.pos[0]), `not valid YAML: ${e.message}`, "fix the YAML syntax");
    }
  }
  if (diagnostics.length > 0) return fail(diagnostics);

  const objects = docs.filter((d) => d.contents !== null);
  const doc = objects[0];
  if (!doc) {
    ctx.report({ line: 0, col: 0 }, "the file holds no object", SHAPE_HINT);
    return fail(diagnostics);
  }
  if (objects.length > 1) {
    const found = `expected one SealedSecret, found ${objects.length} YAML documents`;
    ctx.report(ctx.at(objects[1]?.contents), found, SHAPE_HINT);
    return fail(diagnostics);
  }
  const root = doc.contents;
  if (!isMap(root)) {
    ctx.report(ctx.at(root), "expected a SealedSecret object (a YAML mapping)", SHAPE_HINT);
    return fail(diagnostics);
  }
  if (!hasSealedSecretKind(ctx, root)) return fail(diagnostics);

  const metadataPair = entry(root, "metadata");
  if (!isMap(metadataPair?.value)) {
    ctx.report(ctx.at(metadataPair?.key ?? root), "metadata must be a mapping with name and namespace", SHAPE_HINT);
    return fail(diagnostics);
  }
  const metadata = readMetadata(ctx, metadataPair);
  const keys = readEncryptedData(ctx, root);
  if (diagnostics.length > 0) return fail(diagnostics);

  const secret = doc.toJS() as SealedSecret;
  const annotations = secret.metadata.annotations;
  return ok({
    file,
    secret,
    scope: scopeFromAnnotations(annotations),
    sealedWith: annotations?.[SEALED_WITH_ANNOTATION],
    positions: { ...metadata, keys },
  });
}

function hasSealedSecretKind(ctx: Ctx, root: YAMLMap): boolean {
  const apiVersion = entry(root, "apiVersion")?.value;
  const kind = entry(root, "kind")?.value;
  if (scalarString(apiVersion) === SEALED_SECRET_API_VERSION && scalarString(kind) === SEALED_SECRET_KIND) {
    return true;
  }
  const found = [apiVersion, kind].map((n) => String(isScalar(n) ? n.value : "<none>")).join(" ");
  const message = `expected a ${SEALED_SECRET_API_VERSION} ${SEALED_SECRET_KIND}, found ${found}`;
  ctx.report(ctx.at(apiVersion ?? kind ?? root), message, SHAPE_HINT);
  return false;
}

type MetadataPositions = Omit<ParsedSealedSecret["positions"], "keys">;

function readMetadata(ctx: Ctx, metadataPair: Pair): MetadataPositions {
  const metadata = metadataPair.value as YAMLMap;
  const field = (key: "name" | "namespace", check: (v: string) => string | undefined): SourcePosition => {
    const node = entry(metadata, key)?.value;
    const where = ctx.at(node ?? metadataPair.key);
    const value = scalarString(node);
    if (value === undefined) {
      ctx.report(where, `metadata.${key} must be a string`, `set metadata.${key}; the sealing label depends on it`);
    } else {
      const problem = check(value);
      if (problem) ctx.report(where, `metadata.${key} "${value}" ${problem}`, `use a valid Kubernetes ${key}`);
    }
    return where;
  };
  const name = field("name", checkDnsSubdomain);
  const namespace = field("namespace", checkDnsLabel);

  let scope = ctx.at(metadataPair.key);
  const annotations = entry(metadata, "annotations")?.value ?? null;
  if (annotations === null) return { name, namespace, scope };
  if (!isMap(annotations)) {
    ctx.report(ctx.at(annotations), "metadata.annotations must be a mapping of strings");
    return { name, namespace, scope };
  }
  for (const pair of annotations.items) {
    const key = scalarString(pair.key) ?? "?";
    const value = scalarString(pair.value);
    if (value === undefined) {
      ctx.report(ctx.at(pair.value ?? pair.key), `annotation ${key} must be a string`, 'quote the value, e.g. "true"');
    } else if (isScopeAnnotation(key) && value !== "true" && value.toLowerCase() === "true") {
      const message = `annotation ${key} is "${value}"; the controller only honours exactly "true"`;
      ctx.report(ctx.at(pair.value), message, 'write "true" in lowercase');
    }
  }
  const clusterWide = entry(annotations, CLUSTER_WIDE_ANNOTATION);
  const namespaceWide = entry(annotations, NAMESPACE_WIDE_ANNOTATION);
  const effective =
    scalarString(clusterWide?.value) === "true"
      ? clusterWide
      : scalarString(namespaceWide?.value) === "true"
        ? namespaceWide
        : undefined;
  if (effective) scope = ctx.at(effective.key);
  return { name, namespace, scope };
}

function readEncryptedData(ctx: Ctx, root: YAMLMap): Map<string, SourcePosition> {
  const keys = new Map<string, SourcePosition>();
  const specPair = entry(root, "spec");
  const spec = specPair?.value;
  if (!isMap(spec)) {
    ctx.report(ctx.at(specPair?.key ?? root), "spec must be a mapping holding encryptedData", SHAPE_HINT);
    return keys;
  }
  const data = entry(spec, "data");
  if (data && data.value !== null) {
    const hint = "re-seal the values into spec.encryptedData and remove spec.data";
    ctx.report(ctx.at(data.key), "spec.data (the deprecated whole-Secret format) is not supported", hint);
  }
  const template = entry(spec, "template")?.value ?? null;
  if (template !== null && !isMap(template)) ctx.report(ctx.at(template), "spec.template must be a mapping");

  const encryptedPair = entry(spec, "encryptedData");
  const encrypted = encryptedPair?.value;
  if (!isMap(encrypted)) {
    const hint = "seal at least one value into spec.encryptedData";
    ctx.report(ctx.at(encryptedPair?.key ?? specPair?.key), "spec.encryptedData is missing or not a mapping", hint);
    return keys;
  }
  for (const pair of encrypted.items) {
    const key = scalarString(pair.key);
    const where = ctx.at(pair.key);
    if (key === undefined) {
      ctx.report(where, "encryptedData keys must be strings");
      continue;
    }
    keys.set(key, where);
    const keyProblem = checkSecretKey(key);
    if (keyProblem) {
      ctx.report(where, `encryptedData key "${key}" ${keyProblem}`, "rename the item; Kubernetes rejects such Secret keys");
    }
    const value = scalarString(pair.value);
    const valueProblem = value === undefined ? "must be a string" : checkSealedValue(value);
    if (valueProblem) {
      ctx.report(ctx.at(pair.value ?? pair.key), `encryptedData.${key} ${valueProblem}`, "re-seal the value");
    }
  }
  return keys;
}

function isScopeAnnotation(key: string): boolean {
  return key === CLUSTER_WIDE_ANNOTATION || key === NAMESPACE_WIDE_ANNOTATION;
}

function entry(map: YAMLMap, key: string): Pair | undefined {
  return map.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === key) as Pair | undefined;
}

function scalarString(node: unknown): string | undefined {
  return isScalar(node) && typeof node.value === "string" ? node.value : undefined;
}
