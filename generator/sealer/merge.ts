import { fail, ok, type Diagnostic, type Result } from "../errors.js";
import type { ParsedSealedSecret } from "./parse-sealed-secret.js";
import {
  SEALED_WITH_ANNOTATION,
  scopeAnnotations,
  sortedRecord,
  type SealedSecret,
  type SealingScope,
} from "./sealed-secret.js";

/**
 * Adds freshly sealed values to an existing SealedSecret. Items that are not re-sealed keep their
 * ciphertext byte for byte: OAEP is randomized, so re-sealing unchanged values would rewrite every
 * line of the file on each run. Everything else in the existing object (extra template labels,
 * annotations, immutable, ...) is kept.
 */
export function mergeSealedSecret(
  existing: ParsedSealedSecret,
  update: {
    name: string;
    namespace: string;
    scope: SealingScope;
    type: string;
    newEncryptedData: Readonly<Record<string, string>>;
    fingerprint: string;
  },
): Result<SealedSecret> {
  const problems = conflicts(existing, update);
  if (problems.length > 0) return fail(problems);

  const merged = structuredClone(existing.secret);
  merged.spec.encryptedData = sortedRecord({ ...merged.spec.encryptedData, ...update.newEncryptedData });

  const template = (merged.spec.template ??= {});
  template.type = update.type;
  const templateMetadata = (template.metadata ??= {});
  templateMetadata.name = update.name;
  templateMetadata.namespace = update.namespace;
  const scoped = scopeAnnotations(update.scope);
  if (Object.keys(scoped).length > 0) {
    templateMetadata.annotations = sortedRecord({ ...templateMetadata.annotations, ...scoped });
  }

  if (Object.keys(update.newEncryptedData).length > 0) {
    const sealedWith = { [SEALED_WITH_ANNOTATION]: update.fingerprint };
    merged.metadata.annotations = sortedRecord({ ...merged.metadata.annotations, ...sealedWith });
  }
  return ok(merged);
}

function conflicts(
  existing: ParsedSealedSecret,
  update: { name: string; namespace: string; scope: SealingScope },
): Diagnostic[] {
  const { file, secret, positions } = existing;
  const out: Diagnostic[] = [];
  const reseal = `delete ${file} and seal every value again, or keep the existing`;
  if (existing.scope !== update.scope) {
    out.push({
      file,
      ...positions.scope,
      message: `the existing SealedSecret is ${existing.scope}, but ${update.scope} was requested`,
      hint: `values sealed for one scope do not unseal under another: ${reseal} scope`,
    });
  }
  if (secret.metadata.namespace !== update.namespace) {
    out.push({
      file,
      ...positions.namespace,
      message: `the existing SealedSecret is in namespace "${secret.metadata.namespace}", not "${update.namespace}"`,
      hint: `the namespace is part of the sealing label: ${reseal} namespace`,
    });
  }
  if (secret.metadata.name !== update.name) {
    out.push({
      file,
      ...positions.name,
      message: `the existing SealedSecret is named "${secret.metadata.name}", not "${update.name}"`,
      hint: `a file holds one SealedSecret: ${reseal} name`,
    });
  }
  return out;
}
