// Shared by the scripts that vendor CRD schemas from a Go module (refresh-argocd-pin.js,
// refresh-gateway-api-crds.js): the module's folder, and a schema as berth validates against it.
import { execFileSync } from "node:child_process";

/** The folder of `module@version` in the module cache, downloaded once (`go mod download`). */
export function goModuleDir(moduleAtVersion, env = process.env) {
  const module = JSON.parse(execFileSync("go", ["mod", "download", "-json", moduleAtVersion], { encoding: "utf8", env }));
  if (!module.Dir) throw new Error(`go mod download gave no Dir: ${module.Error ?? "unknown error"}`);
  return module.Dir;
}

/** Descriptions are documentation, not constraints; dropping them keeps the files small. */
export function stripDescriptions(node) {
  if (Array.isArray(node)) return node.map(stripDescriptions);
  if (node === null || typeof node !== "object") return node;
  const o = {};
  for (const k of Object.keys(node).sort()) {
    if (k === "description" && typeof node[k] === "string") continue;
    o[k] = stripDescriptions(node[k]);
  }
  return o;
}

/** A served version's schema without status: berth generates desired state only; the controllers own status. */
export function desiredStateSchema(openAPIV3Schema) {
  const schema = structuredClone(openAPIV3Schema);
  delete schema.properties.status;
  if (Array.isArray(schema.required)) schema.required = schema.required.filter((r) => r !== "status");
  return stripDescriptions(schema);
}
