// Deploy by pushing: a second commit changes a value; Argo CD syncs it by itself.
import { join } from "node:path";
import { commitAndPush, must } from "../harness/fleet.mjs";
import { editYaml } from "../harness/edit-yaml.mjs";
import { applications, describe } from "../harness/applications.mjs";
import { AssertionFailure, waitFor } from "../harness/processes.mjs";
import { greeterMessage } from "./values.mjs";

export async function push(ctx) {
  const { fleet, kubectl, procs } = ctx;
  editYaml(join(fleet.dir, "apps/greeter/values.yaml"), (doc) => doc.set("message", "from-the-second-commit"));
  await must(fleet.berth(["generate"]), "berth generate");
  const pushed = await commitAndPush(fleet.git, "greeter: new message");
  await waitFor("Argo CD to deploy the pushed commit", async () => (await greeterMessage(kubectl)) === "from-the-second-commit", {
    timeoutMs: 180_000,
    intervalMs: 1000,
    watch: procs,
    onTimeout: async () => new AssertionFailure(`a pushed commit was not deployed within 180 s: greeter's ConfigMap says ${JSON.stringify(await greeterMessage(kubectl))}\n${describe((await applications(kubectl)).get("greeter") ?? { metadata: { name: "greeter" } })}`),
  });
  ctx.log("deploy by push: the second commit reached the cluster with no other action");
  await ctx.notify.afterPush(pushed, fleet, procs);
}
