// Sealing keys over time, with the real controller (issue 23): rotate the cluster's key (installed
// and verified through the controller), re-seal every SealedSecret in memory, push; the controller
// opens the re-sealed objects into the same values; an object still sealed with the old key opens
// until that key is removed; after `berth keys remove` and the controller's restart it fails, as
// `berth validate` predicted for it. Returns the number of SealedSecrets re-sealed.
import { randomBytes } from "node:crypto";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { AssertionFailure, waitFor } from "../harness/processes.mjs";
import { CLUSTER, commitAndPush, must } from "../harness/fleet.mjs";
import { followRollouts } from "../harness/sealed-secrets.mjs";

const NS = "web";
const ss = (kubectl, name) => kubectl`kubectl -n ${NS} get sealedsecrets.bitnami.com ${name} -o json`.nothrow().then((r) => (r.exitCode === 0 ? JSON.parse(r.stdout) : undefined));
const secretValue = async (kubectl, name, item) => {
  const r = await kubectl`kubectl -n ${NS} get secret ${name} -o jsonpath=${`{.data.${item}}`}`.nothrow();
  return r.exitCode === 0 && r.stdout ? Buffer.from(r.stdout, "base64").toString() : undefined;
};
const synced = (o) => {
  const c = o?.status?.conditions?.find((x) => x.type === "Synced");
  return o && (o.status?.observedGeneration ?? 0) >= o.metadata.generation ? c : undefined;
};
/** A SealedSecret object to apply with kubectl: the file's object under another name (cluster-wide values allow that). */
const renamed = (text, name) => {
  const o = parse(text);
  o.metadata.name = name;
  if (o.spec.template?.metadata) o.spec.template.metadata.name = name;
  return stringify(o);
};

export async function keyRotation({ fleet, kubectl, sealer, procs, workDir, log }) {
  const watch = [...procs, sealer];
  const rollouts = await followRollouts({ kubectl, namespace: "kube-system", proc: sealer, log });
  try {
    // A cluster-wide SealedSecret (any name may carry it), sealed with the first key and pushed.
    const token = randomBytes(18).toString("base64url");
    await must(fleet.berth(["seal", CLUSTER, "--namespace", NS, "--name", "rotation-probe", "--scope", "cluster-wide", "--from-stdin", "token"], { input: token }), "berth seal probe");
    const probeFile = join(fleet.dir, `secrets/${CLUSTER}/${NS}/rotation-probe.yaml`);
    const oldProbe = readFileSync(probeFile, "utf8");
    await commitAndPush(fleet.git, "probe secret, sealed with the first key");
    await waitFor("the controller to open web/rotation-probe", async () => (await secretValue(kubectl, "rotation-probe", "token")) === token, { timeoutMs: 240_000, intervalMs: 1000, watch });
    const oldCert = parse(oldProbe).metadata.annotations["berth.dev/sealed-with"].slice(0, 12);

    // 1. Rotate: the new key goes into the controller (restart, canary) before the repository names it.
    const newKey = join(workDir, "sealing-2.key");
    const restartsBefore = rollouts.restarts();
    const rotate = await must(fleet.berth(["keys", "rotate", CLUSTER, "--out", newKey, "--context", CLUSTER, "--timeout", "4m"]), "berth keys rotate");
    if (!/verified: the controller opened a canary SealedSecret/.test(rotate.stdout)) throw new AssertionFailure(`berth keys rotate did not verify the key through the controller:\n${rotate.stdout}`);
    if (rollouts.restarts() <= restartsBefore) throw new AssertionFailure("berth keys rotate finished without the controller having been restarted");
    const newCert = /3\/3 \S+: now ([0-9a-f]{12}) \(active\)/.exec(rotate.stdout)?.[1];
    log(`keys rotate: ${oldCert} -> ${newCert}, installed and verified by the controller`);

    // 2. Not re-sealed yet: the old key still opens what it sealed (a copy applied under a new name).
    await kubectl({ input: renamed(oldProbe, "rotation-old") })`kubectl -n ${NS} apply -f -`;
    await waitFor("the controller to open rotation-old with the old key", async () => (await secretValue(kubectl, "rotation-old", "token")) === token, { timeoutMs: 120_000, intervalMs: 1000, watch, onTimeout: async () => new AssertionFailure(`before re-sealing, a SealedSecret sealed with the old key did not open: ${JSON.stringify(synced(await ss(kubectl, "rotation-old")))}`) });
    const listedOk = await fleet.berth(["validate", CLUSTER]);
    if (/secrets\/\S+\.yaml:\d+:\d+:/.test(listedOk.stderr)) throw new AssertionFailure(`berth validate rejects SealedSecrets sealed with the listed old certificate:\n${listedOk.stderr}`);

    // 3. Re-seal everything in memory with the old key, push; the controller opens the new ciphertext.
    const reseal = await must(fleet.berth(["seal", "--reseal", CLUSTER, "--key", fleet.keyFile]), "berth seal --reseal");
    const n = Number(/(\d+) SealedSecrets? of cluster \S+ re-sealed/.exec(reseal.stdout)?.[1] ?? 0);
    if (n < 2) throw new AssertionFailure(`berth seal --reseal re-sealed ${n} SealedSecrets, expected web-credentials and probe:\n${reseal.stdout}`);
    const files = [...reseal.stdout.matchAll(/^secrets\/[^/\s]+\/([^/\s]+)\/([^/\s]+)\.yaml: re-sealed/gm)].map((m) => ({ ns: m[1], name: m[2] }));
    await commitAndPush(fleet.git, "rotate the sealing key; re-seal every SealedSecret");
    for (const f of files) {
      const want = parse(readFileSync(join(fleet.dir, `secrets/${CLUSTER}/${f.ns}/${f.name}.yaml`), "utf8")).spec.encryptedData;
      await waitFor(`Argo CD to sync the re-sealed ${f.ns}/${f.name} and the controller to open it`, async () => {
        const o = (await kubectl`kubectl -n ${f.ns} get sealedsecrets.bitnami.com ${f.name} -o json`.nothrow()).stdout;
        if (!o) return false;
        const live = JSON.parse(o);
        return JSON.stringify(live.spec.encryptedData) === JSON.stringify(want) && synced(live)?.status === "True";
      }, { timeoutMs: 240_000, intervalMs: 1000, watch, onTimeout: async () => new AssertionFailure(`the re-sealed ${f.ns}/${f.name} was not synced and opened within 240 s`) });
    }
    if ((await secretValue(kubectl, "web-credentials", "password")) !== fleet.password) throw new AssertionFailure("after re-sealing, web/web-credentials does not hold the original password");
    if ((await secretValue(kubectl, "rotation-probe", "token")) !== token) throw new AssertionFailure("after re-sealing, web/rotation-probe does not hold the original token");
    const status = await fleet.berth(["secrets", "status", CLUSTER, "--key", newKey]);
    if (status.stdout.includes(oldCert) || !new RegExp(`${newCert} active \\(verified\\)`).test(status.stdout)) throw new AssertionFailure(`berth secrets status --key <new key> does not show everything verified with ${newCert}:\n${status.stdout}`);

    // 4. Remove the old key (only allowed now), restart; the old-key copy fails as validate predicts.
    const restartsBeforeRemove = rollouts.restarts();
    await must(fleet.berth(["keys", "remove", CLUSTER, "--certificate", oldCert, "--context", CLUSTER, "--key", newKey, "--timeout", "4m"]), "berth keys remove");
    await commitAndPush(fleet.git, "the old sealing key is gone");
    await waitFor("the harness to restart the controller after keys remove", async () => rollouts.restarts() > restartsBeforeRemove, { timeoutMs: 60_000, watch });
    const predicted = join(fleet.dir, `secrets/${CLUSTER}/${NS}/rotation-gone.yaml`);
    writeFileSync(predicted, renamed(oldProbe, "rotation-gone"));
    const validate = await fleet.berth(["validate", CLUSTER]);
    rmSync(predicted);
    const expectation = `secrets/${CLUSTER}/${NS}/rotation-gone.yaml:1:1: is sealed with certificate ${oldCert}`;
    if (validate.exitCode !== 1 || !validate.stderr.includes(expectation) || !validate.stderr.includes("its controller cannot open it")) {
      throw new AssertionFailure(`berth validate did not predict that the old-key SealedSecret cannot open (exit ${validate.exitCode}):\n${validate.stderr}`);
    }
    await kubectl({ input: renamed(oldProbe, "rotation-gone") })`kubectl -n ${NS} apply -f -`;
    await kubectl({ input: renamed(readFileSync(probeFile, "utf8"), "rotation-new") })`kubectl -n ${NS} apply -f -`;
    const refused = await waitFor("the controller to refuse probe-gone", async () => {
      const c = synced(await ss(kubectl, "rotation-gone"));
      return c?.status === "False" ? c.message ?? "" : undefined;
    }, { timeoutMs: 120_000, intervalMs: 1000, watch, onTimeout: async () => new AssertionFailure(`the controller did not refuse a SealedSecret sealed with the removed key: ${JSON.stringify(synced(await ss(kubectl, "rotation-gone")))}`) });
    if (!/no key could decrypt secret/.test(refused)) throw new AssertionFailure(`rotation-gone failed, but not for want of a key: ${refused}`);
    if ((await secretValue(kubectl, "rotation-gone", "token")) !== undefined) throw new AssertionFailure("rotation-gone was refused, yet a Secret rotation-gone exists");
    await waitFor("the controller to open rotation-new with the new key alone", async () => (await secretValue(kubectl, "rotation-new", "token")) === token, { timeoutMs: 120_000, intervalMs: 1000, watch, onTimeout: () => new AssertionFailure("after the old key was removed, a copy of the re-sealed probe did not open") });
    log(`old key ${oldCert} removed: a SealedSecret sealed with it fails in the controller (${refused.split("\n")[0]}), as berth validate predicted; the re-sealed ones open with ${newCert} alone`);
    for (const name of ["rotation-old", "rotation-gone", "rotation-new"]) await kubectl`kubectl -n ${NS} delete sealedsecrets.bitnami.com ${name} --ignore-not-found`.nothrow();
    return n;
  } finally {
    await rollouts.stop();
  }
}
