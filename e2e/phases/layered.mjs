// Scale: Argo CD's repo-server limit on a directory source, seen by `berth validate` before the real
// repo-server refuses it, and the move of a running cluster to `appOfApps: layered` in the order
// docs/scale.md gives (keepApplications first), with nothing deleted on the way.
import { $ } from "zx";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { CLUSTER, REPO_ROOT, commitAndPush, must } from "../harness/fleet.mjs";
import { AssertionFailure, restartWith, waitFor } from "../harness/processes.mjs";

const LIMIT_PARAM = "reposerver.max.combined.directory.manifests.size";
/** What the repo-server reads the limit from (its flag's environment variable; argocd-cmd-params-cm feeds it in a pod). */
const LIMIT_ENV = "ARGOCD_REPO_SERVER_MAX_COMBINED_DIRECTORY_MANIFESTS_SIZE";
const KEEP = "Prune=false,Delete=false";

function editYaml(file, edit) {
  const data = parse(readFileSync(file, "utf8")) ?? {};
  edit(data);
  writeFileSync(file, stringify(data));
}

/** Bytes Argo CD counts for each directory source of a generated folder: the flat root's, or the layered root's and each parent's. */
function sourceSizes(dir) {
  const files = readdirSync(dir).filter((f) => f.endsWith(".yaml"));
  const size = (f) => statSync(join(dir, f)).size;
  if (!files.includes("parents.yaml")) return { root: files.reduce((n, f) => n + size(f), 0), largestParent: 0, parents: 0 };
  const rootFiles = ["root.yaml", "projects.yaml", "namespaces.yaml", "parents.yaml"].filter((f) => files.includes(f));
  const parentFiles = files.filter((f) => !rootFiles.includes(f));
  return { root: rootFiles.reduce((n, f) => n + size(f), 0), largestParent: Math.max(0, ...parentFiles.map(size)), parents: parentFiles.length };
}

export async function layeredLayout({ fleet, kubectl, repoServer, procs, log, applications, synced, describe }) {
  const clusterFile = join(fleet.dir, `clusters/${CLUSTER}/cluster.yaml`);
  const generated = join(fleet.dir, `clusters/${CLUSTER}/argocd`);
  const children = (apps) => [...apps.values()].filter((a) => a.metadata.labels?.["berth.dev/app"] || a.metadata.name.startsWith("secrets-"));

  // 1. keepApplications first: every live child carries Prune=false,Delete=false before anything moves.
  editYaml(clusterFile, (c) => (c.keepApplications = true));
  await must(fleet.berth(["generate"]), "berth generate");
  await commitAndPush(fleet.git, "keepApplications: before the children move to parents");
  const kept = await waitFor("every child Application to carry Prune=false,Delete=false", async () => {
    const apps = await applications(kubectl);
    const c = children(apps);
    return c.length > 0 && c.every((a) => a.metadata.annotations?.["argocd.argoproj.io/sync-options"] === KEEP && synced(a)) ? apps : undefined;
  }, { timeoutMs: 240_000, intervalMs: 1000, watch: procs, onTimeout: async () => new AssertionFailure(`keepApplications did not reach every child within 240 s:\n${children(await applications(kubectl)).map((a) => `${a.metadata.name}: ${a.metadata.annotations?.["argocd.argoproj.io/sync-options"] ?? "-"}`).join("\n")}`) });
  const uids = new Map(children(kept).map((a) => [a.metadata.name, a.metadata.uid]));

  // 2. A limit between the layered sources and the flat root: what layered generates, measured in a scratch copy.
  const scratch = mkdtempSync(join(tmpdir(), "berth-e2e-layered-"));
  let layered;
  try {
    cpSync(fleet.dir, scratch, { recursive: true, filter: (s) => !s.includes("/.git") });
    editYaml(join(scratch, `clusters/${CLUSTER}/cluster.yaml`), (c) => (c.appOfApps = "layered"));
    await must($({ quiet: true, nothrow: true })`node ${join(REPO_ROOT, "bin/berth.js")} -C ${scratch} generate`, "berth generate (layered, scratch copy)");
    layered = sourceSizes(join(scratch, `clusters/${CLUSTER}/argocd`));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const flat = sourceSizes(generated);
  const limit = Math.max(layered.root, layered.largestParent) + 512;
  if (limit >= flat.root) throw new AssertionFailure(`no limit fits between the layered sources (${Math.max(layered.root, layered.largestParent)} bytes) and the flat root (${flat.root} bytes)`);
  editYaml(join(fleet.dir, "apps/argo-cd/values.yaml"), (v) => {
    v.configs ??= {};
    v.configs.params = { ...(v.configs.params ?? {}), [LIMIT_PARAM]: String(limit) };
  });
  const flagged = await fleet.berth(["validate"]);
  const rootFlagged = flagged.exitCode === 1 && /Application root syncs \d+ KiB of manifests .* over Argo CD's reposerver\.max\.combined\.directory\.manifests\.size/.test(flagged.stderr);
  if (!rootFlagged) throw new AssertionFailure(`berth validate did not flag the flat root over a ${limit}-byte limit (exit ${flagged.exitCode}):\n${(flagged.stdout + flagged.stderr).trim()}`);
  await repoServerWith(repoServer, String(limit));
  await must(fleet.berth(["generate"]), "berth generate");
  await commitAndPush(fleet.git, `argo-cd: ${LIMIT_PARAM} ${limit}`);
  const refusal = await waitFor("the repo-server to refuse the flat root", async () => {
    const root = (await applications(kubectl)).get("root");
    const text = root ? describe(root) : "";
    return /exceeded max combined manifest file size/.test(text) ? text : undefined;
  }, { timeoutMs: 240_000, intervalMs: 1000, watch: procs, onTimeout: async () => new AssertionFailure(`the repo-server did not refuse the flat root (${flat.root} bytes over ${limit}) within 240 s:\n${describe((await applications(kubectl)).get("root") ?? { metadata: { name: "root" } })}`) });
  log(`Argo CD limits: berth validate flagged the flat root (${flat.root} bytes over ${LIMIT_PARAM} ${limit}); the real repo-server refused it: ${refusal.split("; ").find((p) => /exceeded/.test(p)) ?? refusal}`);

  // 3. Layered: validate passes at the same limit; the parents adopt the kept children; nothing is deleted.
  editYaml(clusterFile, (c) => (c.appOfApps = "layered"));
  await must(fleet.berth(["validate"]), "berth validate (layered, under the lowered limit)");
  await must(fleet.berth(["generate"]), "berth generate");
  await commitAndPush(fleet.git, "appOfApps: layered");
  // The root cannot render its own folder any more, so it cannot take its new spec (the include)
  // from Git: apply it by hand, as docs/scale.md says (the same step `berth bootstrap` runs).
  await kubectl`kubectl apply --server-side --force-conflicts --field-manager argocd-controller -f ${join(generated, "root.yaml")}`;
  const moved = await waitFor("every child Application to be listed by its parent", async () => {
    const apps = await applications(kubectl);
    const c = children(apps);
    return c.length === uids.size && c.every((a) => a.metadata.labels?.["berth.dev/parent"] && apps.get(a.metadata.labels["berth.dev/parent"])) && [...apps.values()].every(synced) ? apps : undefined;
  }, { timeoutMs: 300_000, intervalMs: 1000, watch: procs, onTimeout: async () => new AssertionFailure(`the layered layout did not settle within 300 s:\n${[...(await applications(kubectl)).values()].map(describe).join("\n")}`) });
  const recreated = children(moved).filter((a) => uids.get(a.metadata.name) !== a.metadata.uid).map((a) => a.metadata.name);
  if (recreated.length > 0) throw new AssertionFailure(`moving to appOfApps: layered deleted and recreated ${recreated.join(", ")} despite keepApplications`);
  const parents = [...moved.values()].filter((a) => /^root\.[a-z]+\.w\d+\.[0-9a-f]{2}$/.test(a.metadata.name));

  // 4. keepApplications off again, as docs/scale.md says; the layered cluster stays Synced and Healthy.
  editYaml(clusterFile, (c) => delete c.keepApplications);
  await must(fleet.berth(["generate"]), "berth generate");
  await commitAndPush(fleet.git, "keepApplications off");
  // Poll for the state: right after the push the children are still Synced at the previous commit.
  const final = await waitFor("keepApplications to leave every child Application", async () => {
    const apps = await applications(kubectl);
    return [...apps.values()].every(synced) && children(apps).every((a) => a.metadata.annotations?.["argocd.argoproj.io/sync-options"] !== KEEP) ? apps : undefined;
  }, { timeoutMs: 240_000, intervalMs: 1000, watch: procs, onTimeout: async () => new AssertionFailure(`keepApplications was removed but within 240 s these still carry ${KEEP} or are not Synced and Healthy:\n${children(await applications(kubectl)).filter((a) => !synced(a) || a.metadata.annotations?.["argocd.argoproj.io/sync-options"] === KEEP).map(describe).join("\n")}`) });
  return { limit, flatBytes: flat.root, parents: parents.length, kept: uids.size, final };
}

/** The repo-server restarted with the limit, as argocd-cmd-params-cm would hand it to its pod. */
async function repoServerWith(repoServer, limit) {
  await restartWith(repoServer, { [LIMIT_ENV]: limit });
}
