import { isMap, isScalar, LineCounter, parseDocument, type Node } from "yaml";
import { fail, ok, type Diagnostic, type Result } from "../errors.js";
import {
  buildSealedSecret,
  mergeSealedSecret,
  sealValue,
  SEALED_WITH_ANNOTATION,
  type ParsedSealedSecret,
  type SealingCertificate,
  type SealingScope,
} from "../sealer/index.js";
import { toYaml } from "../yaml/canonical.js";
import { shortFingerprint } from "./cluster-certificate.js";
import { compare } from "./consumers.js";
import { updateYamlText } from "./document.js";
import type { SealInput } from "./inputs.js";

/** One file `berth seal` writes: the cluster's certificate and what is already there. */
export interface SealTarget {
  cluster: string;
  /** Repository-relative path of the SealedSecret file. */
  file: string;
  cert: SealingCertificate;
  existing?: { text: string; parsed: ParsedSealedSecret };
}

export interface SealRequest {
  namespace: string;
  name: string;
  /** --scope; defaults to the existing file's scope, else strict. */
  scope?: SealingScope;
  /** --type; defaults to the existing file's type, else `defaultType`, else Opaque. */
  type?: string;
  /** The type the consuming apps declare, used for a new file without --type. */
  defaultType?: string;
  inputs: readonly SealInput[];
  randomBytes?: (n: number) => Buffer;
}

export interface SealedFilePlan {
  cluster: string;
  file: string;
  content: string;
  scope: SealingScope;
  type: string;
  /** Keys sealed by this run, sorted. */
  sealed: string[];
  /** Keys already in the file that keep their ciphertext, sorted. */
  kept: string[];
}

const DEFAULT_TYPE = "Opaque";

/**
 * Seals the inputs for one cluster and merges them into the existing file, if any: pure apart from
 * the randomness of the encryption. Existing items keep their ciphertext byte for byte.
 */
export function planSeal(target: SealTarget, request: SealRequest): Result<SealedFilePlan> {
  const { existing, cert, file } = target;
  const { namespace, name } = request;
  const scope = request.scope ?? existing?.parsed.scope ?? "strict";
  const existingType = existing ? (existing.parsed.secret.spec.template?.type ?? DEFAULT_TYPE) : undefined;
  const type = request.type ?? existingType ?? request.defaultType ?? DEFAULT_TYPE;
  const sealedKeys = request.inputs.map((i) => i.key).sort(compare);
  const kept = existing ? Object.keys(existing.parsed.secret.spec.encryptedData).filter((k) => !sealedKeys.includes(k)).sort(compare) : [];

  const diagnostics: Diagnostic[] = [];
  if (existing && existingType !== type) {
    diagnostics.push({
      file,
      ...positionOf(existing.text, ["spec", "template", "type"]),
      message: `the existing SealedSecret has type ${existingType}, but --type ${type} was requested`,
      hint: `seal with --type ${existingType}, or delete ${file} and seal every value again with the new type`,
    });
  }
  if (existing && kept.length > 0 && existing.parsed.sealedWith !== cert.fingerprint) {
    const sealedWith = existing.parsed.sealedWith;
    diagnostics.push({
      file,
      ...positionOf(existing.text, ["metadata", "annotations", SEALED_WITH_ANNOTATION]),
      message:
        `the existing values were sealed with ${sealedWith ? `certificate ${shortFingerprint(sealedWith)}` : "an unknown certificate (no berth.dev/sealed-with annotation)"}, ` +
        `not with cluster "${target.cluster}"'s current certificate ${shortFingerprint(cert.fingerprint)}; ` +
        `sealing only ${sealedKeys.join(", ")} would leave ${kept.join(", ")} on the old certificate with no way to tell`,
      hint: `re-seal every key in one run (also give a value for ${kept.join(", ")}), or delete ${file} and seal all values again`,
    });
  }
  if (diagnostics.length > 0) return fail(diagnostics);

  const encryptedData: Record<string, string> = {};
  for (const input of request.inputs) {
    encryptedData[input.key] = sealValue({ cert, namespace, name, scope, value: input.value, randomBytes: request.randomBytes });
  }

  let content: string;
  if (existing) {
    const merged = mergeSealedSecret(existing.parsed, { name, namespace, scope, type, newEncryptedData: encryptedData, fingerprint: cert.fingerprint });
    if (!merged.ok) return merged;
    content = updateYamlText(existing.text, merged.value as unknown as Record<string, unknown>);
  } else {
    content = toYaml(buildSealedSecret({ name, namespace, scope, type, encryptedData, certFingerprint: cert.fingerprint }));
  }
  return ok({ cluster: target.cluster, file, content, scope, type, sealed: sealedKeys, kept });
}

/** Line and column of the node at `path` in a YAML text, or of its deepest existing ancestor. */
export function positionOf(text: string, path: readonly string[]): { line: number; col: number } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  let node: unknown = doc.contents;
  let best: Node | undefined = undefined;
  for (const seg of path) {
    if (!isMap(node)) break;
    const pair = node.items.find((p) => isScalar(p.key) && p.key.value === seg);
    if (!pair) break;
    best = (pair.value as Node | null) ?? (pair.key as Node);
    node = pair.value;
  }
  const offset = best?.range?.[0];
  return offset === undefined ? { line: 0, col: 0 } : lineCounter.linePos(offset);
}
