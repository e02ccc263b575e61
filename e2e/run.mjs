#!/usr/bin/env node
// npm run e2e: berth's real commands against a real control plane on loopback, as a story in
// phases (one file each in e2e/phases/, sharing one context object):
//
//   control plane → private repository (GitHub, SSH server, chart registries that need a login)
//   → fleet → bootstrap refused without a credential → berth repo connect → bootstrap → waves →
//   $values → sealed secrets → private repository proof → deploy by push → project denial →
//   final state and berth status → render equality → key rotation → Argo CD's limits and the
//   layered app-of-apps → canary.
//
// The pinned Go binaries come from e2e/tools/build.sh; Argo CD (repo-server, application and
// notifications controllers) and the Sealed Secrets controller run as host processes.
// Exit 0 when every assertion holds, 1 when one fails, 2 when the harness could not run.
import { $ } from "zx";
import { rmSync } from "node:fs";
import { setup } from "./harness/setup.mjs";
import { AssertionFailure, HarnessError, logTail, stopAll } from "./harness/processes.mjs";
import { prepareFleet, CLUSTER } from "./harness/fleet.mjs";
import { ARGOCD_NAMESPACE } from "./harness/argocd.mjs";
import { controlPlane } from "./phases/control-plane.mjs";
import { privateRepository } from "./phases/private-repository.mjs";
import { bootstrap } from "./phases/bootstrap.mjs";
import { waves } from "./phases/waves.mjs";
import { values } from "./phases/values.mjs";
import { secrets } from "./phases/secrets.mjs";
import { push } from "./phases/push.mjs";
import { projectDenial } from "./phases/project-denial.mjs";
import { final } from "./phases/final.mjs";
import { notifications } from "./phases/notifications.mjs";
import { renderEquality } from "./phases/render-equality.mjs";
import { keyRotation } from "./phases/key-rotation.mjs";
import { layeredLayout } from "./phases/layered.mjs";
import { applications, synced, describe } from "./harness/applications.mjs";

$.verbose = false;
const keep = process.env.BERTH_E2E_KEEP === "1";

async function main() {
  const ctx = await setup();
  let passed = false;
  try {
    await controlPlane(ctx);
    const priv = await privateRepository(ctx);
    ctx.notify = await notifications(ctx);
    ctx.fleet = await prepareFleet({ workDir: ctx.workDir, bin: ctx.bin, ...priv.fleetOptions, prepare: ctx.notify.prepare });
    ctx.log(`e2e fleet generated and pushed; Argo CD reads it from ${ctx.fleet.repoUrl}`);
    await priv.refusedWithoutCredential(ctx);
    await priv.connect(ctx);
    await bootstrap(ctx);
    const order = await waves(ctx);
    await values(ctx);
    const sealedCount = await secrets(ctx);
    await priv.proof(ctx);
    await push(ctx);
    const head = await projectDenial(ctx);
    const { settled, statusLine } = await final(ctx, head);
    const equal = await renderEquality({ fleet: ctx.fleet, kubectl: ctx.kubectl, cluster: CLUSTER, namespace: ARGOCD_NAMESPACE });
    ctx.log(`render equality: ${equal.objects} objects, every field as berth rendered it; ${equal.tools}`);
    const resealed = await keyRotation({ fleet: ctx.fleet, kubectl: ctx.kubectl, sealer: ctx.sealer, procs: ctx.procs, workDir: ctx.workDir, log: ctx.log });
    const layered = await layeredLayout({ ...ctx, repoServer: ctx.argo[0], applications, synced, describe });
    const privateLine = await priv.canary(ctx);
    ctx.log(`seed charts validated by the API server: ${ctx.seeds.checked} objects`);
    passed = true;
    console.log(`e2e: berth render equals what Argo CD applied for ${equal.apps} apps`);
    console.log(statusLine);
    console.log(`e2e: sealing key rotated; ${resealed} sealed secrets re-sealed and opened with the new key`);
    console.log(`e2e: repo-server refused the flat root (${layered.flatBytes} bytes over ${layered.limit}) as berth validate said; layered: ${layered.parents} parents adopted ${layered.kept} kept children, ${layered.final.size} Applications Synced and Healthy`);
    console.log(privateLine);
    console.log(`e2e: ${settled.size} Applications Synced and Healthy on cluster ${CLUSTER}; waves ${order.length}; sealed secrets opened ${sealedCount}`);
  } finally {
    await stopAll();
    // A failed run keeps its folder: the logs of every component are in it.
    if (passed && !keep) rmSync(ctx.workDir, { recursive: true, force: true });
    else console.error(`e2e: kept ${ctx.workDir} (logs in ${ctx.logDir})`);
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    if (e instanceof AssertionFailure) {
      console.error(`e2e: assertion failed: ${e.message}`);
      process.exit(1);
    }
    if (e instanceof HarnessError) {
      console.error(`e2e: could not run: ${e.message}`);
      const tail = logTail(e.logFile);
      if (tail) console.error(`--- last lines of ${e.logFile}:\n${tail}`);
      process.exit(2);
    }
    console.error(`e2e: could not run: ${e?.stack ?? e}`);
    process.exit(2);
  },
);
