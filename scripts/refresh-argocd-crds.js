#!/usr/bin/env node
// `node scripts/refresh-argocd-crds.js v3.1.5`: replaces the vendored Application and AppProject
// schemas in generator/validate/crds/ with those of the given Argo CD release, read from the Go
// module cache (`go mod download` fetches the module once; the e2e builds the same module).
// berth validates generated Argo CD objects against these schemas only, so they must be the
// pinned Argo CD's: a newer CRD accepts fields the pinned controller silently drops.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

const version = process.argv[2];
if (!version || !/^v\d+\.\d+\.\d+$/.test(version)) {
  process.stderr.write("usage: node scripts/refresh-argocd-crds.js vX.Y.Z (the Argo CD release berth pins)\n");
  process.exit(2);
}
const out = fileURLToPath(new URL("../generator/validate/crds/", import.meta.url));
const module = JSON.parse(execFileSync("go", ["mod", "download", "-json", `github.com/argoproj/argo-cd/v3@${version}`], { encoding: "utf8" }));
if (!module.Dir) throw new Error(`go mod download gave no Dir: ${module.Error ?? "unknown error"}`);

/** Descriptions are documentation, not constraints; dropping them keeps the files small. */
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

for (const [file, name] of [["application-crd.yaml", "application.json"], ["appproject-crd.yaml", "appproject.json"]]) {
  const crd = parse(readFileSync(join(module.Dir, "manifests", "crds", file), "utf8"));
  const served = crd.spec.versions.find((v) => v.storage);
  const schema = structuredClone(served.schema.openAPIV3Schema);
  // berth generates desired state only; the controller owns status.
  delete schema.properties.status;
  const entry = { group: crd.spec.group, version: served.name, kind: crd.spec.names.kind, schema: strip(schema) };
  writeFileSync(join(out, name), JSON.stringify(entry));
}
writeFileSync(join(out, "VERSION"), `${version}\n`);
process.stdout.write(`generator/validate/crds: Application and AppProject from Argo CD ${version}\n`);
