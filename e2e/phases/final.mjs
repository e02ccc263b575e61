// The fleet settles again: berth never prunes a Namespace (Prune=false,Delete=false), so the root
// shows the one nothing uses any more as out of sync until a person deletes it, as the README
// says; the harness does that, then every Application is Synced and Healthy and `berth status`
// agrees with them (before the later phases push more commits).
import { applications, describe, synced } from "../harness/applications.mjs";
import { AssertionFailure, waitFor } from "../harness/processes.mjs";

export async function final(ctx, head) {
  const { kubectl, procs, fleet } = ctx;
  await kubectl`kubectl delete namespace rogue --wait=false`.nothrow();
  const settled = await waitFor("every Application to be Synced and Healthy again", async () => {
    const apps = await applications(kubectl);
    return [...apps.values()].every(synced) ? apps : undefined;
  }, { timeoutMs: 180_000, intervalMs: 1000, watch: procs, onTimeout: async () => new AssertionFailure(`after the enforcement phase, not Synced and Healthy:\n${[...(await applications(kubectl)).values()].filter((a) => !synced(a)).map(describe).join("\n")}`) });
  const statusLine = await ctx.notify.final(settled, head, fleet.bare, () => applications(kubectl));
  return { settled, statusLine };
}
