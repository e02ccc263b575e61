export { parseSealingCertificate, type SealingCertificate } from "./sealing-certificate.js";
export { sealValue, sealingLabel } from "./seal.js";
export {
  buildSealedSecret,
  scopeAnnotations,
  scopeFromAnnotations,
  CLUSTER_WIDE_ANNOTATION,
  NAMESPACE_WIDE_ANNOTATION,
  SEALED_SECRET_API_VERSION,
  SEALED_SECRET_KIND,
  SEALED_WITH_ANNOTATION,
  SEALING_SCOPES,
  type SealedSecret,
  type SealedSecretTemplateMetadata,
  type SealingScope,
} from "./sealed-secret.js";
export { mergeSealedSecret } from "./merge.js";
export { parseSealedSecretFile, type ParsedSealedSecret, type SourcePosition } from "./parse-sealed-secret.js";
export { checkDnsLabel, checkDnsSubdomain, checkSecretKey } from "./names.js";
export { checkSealedValue } from "./sealed-value.js";
export {
  generateSealingKeyPair,
  sealingKeySecret,
  SEALING_KEY_LABEL,
  type SealingKeyPair,
  type SealingKeySecret,
} from "./keys.js";
export { openSealedValue } from "./unseal.js";
