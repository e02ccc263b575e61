#!/usr/bin/env node
// `node scripts/refresh-argocd-pin.js`: after generator/pins/argo-cd.json names another Argo CD
// release, brings what follows it up to that release, read from its Go module (`go mod download`
// fetches it once, with the Go toolchain the pin file names; the e2e builds the same module):
// - the vendored Application and AppProject schemas in generator/validate/crds/;
// - the example fleet's apps/argo-cd/chart: Argo CD's own manifests/install.yaml, split into
//   files/crds.yaml and files/install.yaml (less argocd-cm and argocd-cmd-params-cm, which the
//   chart templates from configs.cm and configs.params, and less the empty notifications Secret
//   berth seals when needed), and Chart.yaml's versions.
// the copy of hack/tool-versions.sh is refreshed too; e2e/tools/argo-cd/go.mod is updated by hand (see
// e2e/tools/build.sh); test/pins/argocd-pins.test.ts fails until every one agrees.
// berth validates generated Argo CD objects against these schemas only, so they must be the
// pinned Argo CD's: a newer CRD accepts fields the pinned controller silently drops.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse, parseDocument } from "yaml";
import { desiredStateSchema, goModuleDir } from "./go-module-crds.js";

const pins = JSON.parse(readFileSync(new URL("../generator/pins/argo-cd.json", import.meta.url), "utf8"));
const version = pins.argoCd;
const out = fileURLToPath(new URL("../generator/validate/crds/", import.meta.url));
const env = { ...process.env, GOTOOLCHAIN: pins.goToolchain, GOFLAGS: "-mod=mod" };
const module = { Dir: goModuleDir(`github.com/argoproj/argo-cd/v3@${version}`, env) };

for (const [file, name] of [["application-crd.yaml", "application.json"], ["appproject-crd.yaml", "appproject.json"]]) {
  const crd = parse(readFileSync(join(module.Dir, "manifests", "crds", file), "utf8"));
  const served = crd.spec.versions.find((v) => v.storage);
  const entry = { release: version, group: crd.spec.group, version: served.name, kind: crd.spec.names.kind, schema: desiredStateSchema(served.schema.openAPIV3Schema) };
  writeFileSync(join(out, name), JSON.stringify(entry));
}
process.stdout.write(`generator/validate/crds: Application and AppProject from Argo CD ${version}\n`);

// The example fleet's Argo CD chart. Documents are copied as Argo CD wrote them (not re-serialised).
const chart = fileURLToPath(new URL("../apps/argo-cd/chart/", import.meta.url));
const install = readFileSync(join(module.Dir, "manifests", "install.yaml"), "utf8");
const crds = [];
const rest = [];
for (const text of install.split(/^---$/m)) {
  const body = text.replace(/^\n/, "").replace(/^# This is an auto-generated file\. DO NOT EDIT\n/, "");
  const o = parseDocument(body).toJS();
  if (!o?.kind) continue;
  if (o.kind === "CustomResourceDefinition") crds.push(body);
  else if (o.kind === "ConfigMap" && ["argocd-cm", "argocd-cmd-params-cm"].includes(o.metadata.name)) continue;
  // No Secret is committed, not even an empty one (a plaintext Secret in Git is what berth
  // refuses). install.yaml's empty argocd-notifications-secret: the notifications controller
  // reads a missing one as empty (notifications-engine pkg/api/factory.go), and berth seals it
  // when `notify:` needs a token. Its empty argocd-secret: argocd-server v3.6.2 exits "secret
  // argocd-secret not found" without it (InitializeSettings reads the admin account before it
  // writes server.secretkey), so `berth bootstrap` applies it empty before installing Argo CD, as
  // argo-helm's configs.secret.createSecret: false expects; its data stays argocd-server's.
  else if (o.kind === "Secret" && ["argocd-secret", "argocd-notifications-secret"].includes(o.metadata.name)) continue;
  else rest.push(body);
}
mkdirSync(join(chart, "files"), { recursive: true });
const header = `# Argo CD ${version}'s manifests/install.yaml (written by scripts/refresh-argocd-pin.js; do not edit)\n`;
writeFileSync(join(chart, "files", "crds.yaml"), header + crds.join("---\n"));
writeFileSync(join(chart, "files", "install.yaml"), header + rest.join("---\n"));
const chartYaml = readFileSync(join(chart, "Chart.yaml"), "utf8")
  .replace(/^version: .*$/m, `version: ${version.slice(1)}`)
  .replace(/^appVersion: .*$/m, `appVersion: ${version}`);
writeFileSync(join(chart, "Chart.yaml"), chartYaml);
copyFileSync(join(module.Dir, "hack", "tool-versions.sh"), fileURLToPath(new URL("../generator/pins/argo-cd-tool-versions.sh", import.meta.url)));
process.stdout.write(`apps/argo-cd/chart: ${crds.length} CRDs and ${rest.length} other objects of Argo CD ${version}'s install.yaml\n`);
