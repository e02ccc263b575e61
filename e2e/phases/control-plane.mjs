// The cluster: etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok on loopback;
// then the example fleet's local charts checked by the API server (server-side dry-run).
import { startControlPlane } from "../harness/control-plane.mjs";
import { dryRunSeeds } from "../harness/seed-dry-run.mjs";
import { CLUSTER } from "../harness/fleet.mjs";

export async function controlPlane(ctx) {
  const cp = await startControlPlane({ bin: ctx.bin, workDir: ctx.workDir, context: CLUSTER, tier: 2 });
  ctx.cp = cp;
  ctx.kubectl = cp.kubectl;
  ctx.procs.push(...cp.procs);
  process.env.KUBECONFIG = cp.kubeconfig;
  ctx.log(`control plane up at ${cp.server} (etcd, kube-apiserver, controller-manager, scheduler, kwok)`);
  ctx.seeds = await dryRunSeeds({ kubectl: ctx.kubectl, log: ctx.log });
}
