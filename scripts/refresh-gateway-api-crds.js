#!/usr/bin/env node
// `node scripts/refresh-gateway-api-crds.js`: vendors the Gateway API's standard-channel CRD schemas
// (every served version) into generator/validate/crds/gateway-api.json, for `berth validate` to check
// the Gateways, HTTPRoutes and TLSRoutes of a fleet strictly, as it does Argo CD's objects. The
// release is the one the example fleet's envoy-gateway chart installs (Envoy Gateway v1.9.1 bundles
// Gateway API v1.6.1; its go.mod requires sigs.k8s.io/gateway-api at that version); the CRDs
// are read from that Go module (`go mod download`), whose config/crd/standard/ holds them.
// The CRDs come from a chart berth usually cannot render offline (a remote OCI chart), so without
// this copy validate would know the kinds only by shape.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { desiredStateSchema, goModuleDir } from "./go-module-crds.js";

const RELEASE = "v1.6.1";
const KINDS = ["Gateway", "GatewayClass", "HTTPRoute", "GRPCRoute", "TLSRoute", "ReferenceGrant", "ListenerSet", "BackendTLSPolicy"];
const moduleDir = goModuleDir(`sigs.k8s.io/gateway-api@${RELEASE}`);

const dir = join(moduleDir, "config", "crd", "standard");
const crds = [];
for (const file of readdirSync(dir).sort()) {
  for (const doc of parseAllDocuments(readFileSync(join(dir, file), "utf8"))) {
    const crd = doc.toJS();
    if (crd?.kind !== "CustomResourceDefinition" || !KINDS.includes(crd.spec.names.kind)) continue;
    for (const v of crd.spec.versions) {
      if (!v.served) continue;
      crds.push({ release: RELEASE, group: crd.spec.group, version: v.name, kind: crd.spec.names.kind, schema: desiredStateSchema(v.schema.openAPIV3Schema) });
    }
  }
}
crds.sort((a, b) => (a.kind + a.version < b.kind + b.version ? -1 : 1));
writeFileSync(new URL("../generator/validate/crds/gateway-api.json", import.meta.url), JSON.stringify(crds));
process.stdout.write(`generator/validate/crds/gateway-api.json: ${crds.map((c) => `${c.kind} ${c.version}`).join(", ")} (Gateway API ${RELEASE}, standard channel)\n`);
