// AppProject enforcement, after the fleet is Healthy: an apps-layer app that renders a ClusterRole.
// berth validate --render flags it; the real Argo CD refuses it ("not permitted in project"); the
// app is removed again and pruned. Returns the commit that removed it.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { CLUSTER, commitAndPush, must } from "../harness/fleet.mjs";
import { ARGOCD_NAMESPACE } from "../harness/argocd.mjs";
import { editYaml } from "../harness/edit-yaml.mjs";
import { applications, describe } from "../harness/applications.mjs";
import { AssertionFailure, waitFor } from "../harness/processes.mjs";

export async function projectDenial(ctx) {
  const { fleet, kubectl, procs, log } = ctx;
  const rogueDir = join(fleet.dir, "apps/rogue");
  mkdirSync(join(rogueDir, "manifests"), { recursive: true });
  writeFileSync(join(rogueDir, "app.yaml"), stringify({ layer: "apps", namespace: "rogue", source: { type: "manifests", path: "manifests" } }));
  writeFileSync(join(rogueDir, "manifests/clusterrole.yaml"), stringify({ apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: "rogue" }, rules: [{ apiGroups: [""], resources: ["secrets"], verbs: ["get"] }] }));
  const clusterFile = join(fleet.dir, `clusters/${CLUSTER}/cluster.yaml`);
  const clusterText = readFileSync(clusterFile, "utf8");
  editYaml(clusterFile, (doc) => doc.get("apps").add("rogue"));
  const validate = await fleet.berth(["validate", "--render"]);
  const berthFlagged = validate.exitCode === 1 && /ClusterRole/.test(validate.stdout + validate.stderr);
  log(`berth validate --render on the rogue app: exit ${validate.exitCode}${berthFlagged ? " (flagged the ClusterRole)" : " (did NOT flag the ClusterRole)"}`);
  await must(fleet.berth(["generate"]), "berth generate");
  const rogueSha = await commitAndPush(fleet.git, "rogue app (must be refused by its project)");
  const refusal = await waitFor("Argo CD to refuse the rogue app's ClusterRole", async () => {
    const a = (await applications(kubectl)).get("rogue");
    const text = a ? describe(a) : "";
    return /not permitted in project/.test(text) ? text : undefined;
  }, { timeoutMs: 180_000, intervalMs: 1000, watch: procs, onTimeout: async () => new AssertionFailure(`Argo CD did not refuse the rogue app's ClusterRole within 180 s:\n${[...(await applications(kubectl)).values()].map(describe).join("\n")}`) });
  log(`AppProject enforcement: ${refusal.replace(/\n/g, " ")}`);
  await ctx.notify.afterRefusal(rogueSha, procs);
  // The file as it was before the rogue app (restored whole, not edited back).
  writeFileSync(clusterFile, clusterText);
  rmSync(rogueDir, { recursive: true });
  await must(fleet.berth(["generate"]), "berth generate");
  const head = await commitAndPush(fleet.git, "remove the rogue app");
  // A refused sync keeps retrying (berth's retry policy), and Argo CD does not finalize
  // the deletion of an Application while an operation is in progress: terminate it, as
  // `argocd app terminate-op` does, instead of waiting out the backoff.
  // The root's own sync of the commit that added rogue waits for rogue to be Healthy (its wave),
  // so it does not take the removal until that operation ends: terminate it too, as
  // `argocd app terminate-op root` would (Argo CD 3.6 keeps it Running while rogue retries).
  for (const app of ["rogue", "root"]) {
    await kubectl`kubectl -n ${ARGOCD_NAMESPACE} patch application ${app} --type merge -p ${JSON.stringify({ status: { operationState: { phase: "Terminating" } } })}`.nothrow();
  }
  await waitFor("the rogue Application to be pruned", async () => !(await applications(kubectl)).has("rogue"), { timeoutMs: 180_000, intervalMs: 1000, watch: procs, onTimeout: () => new AssertionFailure("the rogue Application was not pruned within 180 s of its removal from Git") });
  if (!berthFlagged) throw new AssertionFailure(`berth validate --render did not flag the apps-layer ClusterRole that Argo CD refused (exit ${validate.exitCode}):\n${(validate.stdout + validate.stderr).trim()}`);
  return head;
}
