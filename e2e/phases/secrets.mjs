// The SealedSecret, opened by the real controller with the key bootstrap installed.
import { AssertionFailure, waitFor } from "../harness/processes.mjs";

export async function secrets(ctx) {
  const { kubectl, sealer, fleet } = ctx;
  const opened = await waitFor("the sealed-secrets controller to open web/web-credentials", async () => {
    const r = await kubectl`kubectl -n web get secret web-credentials -o jsonpath=${"{.data.password}"}`.nothrow();
    return r.exitCode === 0 && r.stdout ? Buffer.from(r.stdout, "base64").toString() : undefined;
  }, { timeoutMs: 60_000, watch: sealer ? [sealer] : [], onTimeout: () => new AssertionFailure("the sealed-secrets controller did not open web/web-credentials within 60 s") });
  if (opened !== fleet.password) throw new AssertionFailure("web/web-credentials was opened, but its password is not the sealed value");
  const count = JSON.parse((await kubectl`kubectl get sealedsecrets.bitnami.com -A -o json`).stdout).items.length;
  ctx.log(`sealed secrets: ${count} opened by the controller into Secrets with the sealed values`);
  return count;
}
