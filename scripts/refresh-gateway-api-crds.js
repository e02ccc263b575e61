#!/usr/bin/env node
// `node scripts/refresh-gateway-api-crds.js`: vendors the Gateway API's standard-channel CRD schemas
// (every served version) into generator/validate/crds/gateway-api.json, for `berth validate` to check
// the Gateways, HTTPRoutes and TLSRoutes of a fleet strictly, as it does Argo CD's objects. The
// release is the one the example fleet's envoy-gateway chart installs (Envoy Gateway v1.9.1 bundles
// Gateway API v1.6.1; its go.mod requires sigs.k8s.io/gateway-api at that version); the CRDs
// are read from that Go module (`go mod download`), whose config/crd/standard/ holds them.
// The CRDs come from a chart berth usually cannot render offline (a remote OCI chart), so without
// this copy validate would know the kinds only by shape.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";

const RELEASE = "v1.6.1";
const KINDS = ["Gateway", "GatewayClass", "HTTPRoute", "GRPCRoute", "TLSRoute", "ReferenceGrant", "ListenerSet", "BackendTLSPolicy"];
const module = JSON.parse(execFileSync("go", ["mod", "download", "-json", `sigs.k8s.io/gateway-api@${RELEASE}`], { encoding: "utf8" }));
if (!module.Dir) throw new Error(`go mod download gave no Dir: ${module.Error ?? "unknown error"}`);

/** Descriptions are documentation, not constraints; dropping them keeps the file small. */
function strip(node) {
  if (Array.isArray(node)) return node.map(strip);
  if (node === null || typeof node !== "object") return node;
  const o = {};
  for (const k of Object.keys(node).sort()) {
    if (k === "description" && typeof node[k] === "string") continue;
    o[k] = strip(node[k]);
  }
  return o;
}

const dir = join(module.Dir, "config", "crd", "standard");
const crds = [];
for (const file of readdirSync(dir).sort()) {
  for (const doc of parseAllDocuments(readFileSync(join(dir, file), "utf8"))) {
    const crd = doc.toJS();
    if (crd?.kind !== "CustomResourceDefinition" || !KINDS.includes(crd.spec.names.kind)) continue;
    for (const v of crd.spec.versions) {
      if (!v.served) continue;
      const schema = structuredClone(v.schema.openAPIV3Schema);
      // berth generates desired state only; the controllers own status.
      delete schema.properties.status;
      if (Array.isArray(schema.required)) schema.required = schema.required.filter((r) => r !== "status");
      crds.push({ release: RELEASE, group: crd.spec.group, version: v.name, kind: crd.spec.names.kind, schema: strip(schema) });
    }
  }
}
crds.sort((a, b) => (a.kind + a.version < b.kind + b.version ? -1 : 1));
writeFileSync(new URL("../generator/validate/crds/gateway-api.json", import.meta.url), JSON.stringify(crds));
process.stdout.write(`generator/validate/crds/gateway-api.json: ${crds.map((c) => `${c.kind} ${c.version}`).join(", ")} (Gateway API ${RELEASE}, standard channel)\n`);
