// After a push (docs/after-a-push.md), proved with the real parts: Argo CD's notifications
// controller (the same argocd binary, ARGOCD_BINARY_NAME=argocd-notifications) posts the commit
// statuses berth configures to a loopback GitHub that validates every request against GitHub's
// OpenAPI description, with the token berth sealed for the cluster; `berth status` reads the
// live Applications through the cluster's context.
import { $ } from "zx";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { parseDocument } from "yaml";
import { startGithub } from "../harness/github.mjs";
import { freePorts } from "../harness/ports.mjs";
import { start, waitFor, AssertionFailure } from "../harness/processes.mjs";
import { must, CLUSTER } from "../harness/fleet.mjs";

const OWNER = "acme";
const REPO = "fleet";
const CONTEXT = `berth/${CLUSTER}`;
const short = (sha) => sha.slice(0, 7);

/**
 * Starts the loopback GitHub. Returns the hooks run.mjs calls: `prepare` (before the fleet's first
 * generate: cluster.yaml's notify, the sealed token), `start` (with Argo CD), `afterPush`,
 * `afterRefusal` and `final`.
 */
export async function notifications({ logDir, log }) {
  // The token exists only in memory: sealed from stdin, presented by the controller, checked by the fake.
  const token = `ghp_${randomBytes(18).toString("hex")}`;
  const github = await startGithub({ token, owner: OWNER, repo: REPO });
  let controller;
  let fleet;
  let argoCD;

  const statusesFor = (sha, context) => github.statuses.filter((s) => s.sha === sha && s.context === context);
  const noViolations = () => {
    if (github.violations.length > 0) throw new AssertionFailure(`requests the loopback GitHub refused (GitHub's OpenAPI description):\n${github.violations.join("\n")}`);
  };

  /**
   * A sync can fail before the Application's comparison has recorded a revision (the controller
   * then posted a status to an empty SHA, which GitHub refuses): berth's triggers, run by Argo CD's
   * own `argocd admin notifications trigger run` against the live argocd-notifications-cm, fire for
   * a failing child or root only once it has a commit (one source, or the one SHA among several).
   */
  async function triggersNeedACommit(sha) {
    const dir = mkdtempSync(join(logDir, "triggers-"));
    const failing = { operationState: { phase: "Running", retryCount: 1, message: "refused" } };
    const announced = { "notified.notifications.argoproj.io": JSON.stringify({ [`${sha}:on-berth-revision:[0].x:berth-github:`]: 1 }) };
    const app = (name, status, annotations = {}) => ({ apiVersion: "argoproj.io/v1alpha1", kind: "Application", metadata: { name, namespace: "argocd", annotations }, spec: { project: "apps" }, status });
    const cases = [
      ["on-berth-app-failed", "a failing child without a revision", app("rogue", { ...failing, sync: { status: "OutOfSync" } }), "false"],
      ["on-berth-app-failed", "a failing child at a commit", app("rogue", { ...failing, sync: { status: "OutOfSync", revision: sha } }), "true"],
      ["on-berth-app-failed", "a failing multi-source child with the commit among its revisions", app("rogue", { ...failing, sync: { status: "OutOfSync", revisions: ["1.2.0", sha] } }), "true"],
      ["on-berth-app-failed", "a failing multi-source child without a commit", app("rogue", { ...failing, sync: { status: "OutOfSync", revisions: ["1.2.0"] } }), "false"],
      ["on-berth-revision", "the root without a revision", app("root", { sync: { status: "OutOfSync" } }), "false"],
      ["on-berth-failed", "the root failing without a revision, a commit announced before", app("root", { ...failing, sync: { status: "OutOfSync" } }, announced), "false"],
      ["on-berth-failed", "the root failing at an announced commit", app("root", { ...failing, sync: { status: "OutOfSync", revision: sha } }, announced), "true"],
    ];
    const wrong = [];
    for (const [i, [trigger, what, object, expected]] of cases.entries()) {
      const file = join(dir, `${i}.yaml`);
      writeFileSync(file, JSON.stringify(object));
      const r = await $({ quiet: true, nothrow: true, env: { ...process.env, ...argoCD.env, ARGOCD_BINARY_NAME: "argocd" } })`${argoCD.argocd} admin notifications trigger run ${trigger} ${file} -n argocd --secret :empty`;
      const result = r.stdout.trim().split("\n").at(-1)?.trim().split(/\s+/).at(-1);
      if (r.exitCode !== 0 || result !== expected) wrong.push(`${trigger} on ${what}: ${result ?? "no result"} (expected ${expected}; exit ${r.exitCode}: ${r.stderr.trim().split("\n").at(-1)})`);
    }
    if (wrong.length > 0) throw new AssertionFailure(`berth's notification triggers, run by Argo CD:\n${wrong.join("\n")}`);
    log(`notification triggers: a failing Application without a commit posts nothing (${cases.length} cases through argocd admin notifications trigger run)`);
  }

  return {
    async prepare(run, dir) {
      const file = join(dir, `clusters/${CLUSTER}/cluster.yaml`);
      const doc = parseDocument(readFileSync(file, "utf8"));
      doc.set("notify", { github: { repository: `${OWNER}/${REPO}`, api: github.url } });
      writeFileSync(file, doc.toString());
      await must(run(["seal", "--cluster", CLUSTER, "--namespace", "argocd", "--name", "argocd-notifications-secret", "--from-stdin", "github-token"], { input: token }), "berth seal (notifications token)");
    },

    /** The notifications controller, as its Deployment would run it, next to the other Argo CD processes. */
    async start(argo, watch) {
      argoCD = argo;
      const [metrics] = await freePorts(1);
      controller = start("argocd-notifications-controller", argo.argocd, ["--loglevel", "info", "--metrics-port", String(metrics), "--argocd-repo-server", `127.0.0.1:${argo.repoPort}`], { logDir, env: { ...argo.env, ARGOCD_BINARY_NAME: "argocd-notifications" } });
      watch.push(controller);
      return controller;
    },

    /** The pushed commit: `pending`, then `success` for berth/<cluster>; `berth status --wait` returns 0. */
    async afterPush(sha, f, procs) {
      fleet = f;
      const seen = await waitFor(`statuses pending and success for ${short(sha)}`, async () => {
        const s = statusesFor(sha, CONTEXT);
        return s.some((x) => x.state === "success") ? s : undefined;
      }, { timeoutMs: 180_000, intervalMs: 1000, watch: procs, onTimeout: () => new AssertionFailure(`no success status for ${CONTEXT} on ${short(sha)} within 180 s; statuses: ${JSON.stringify(github.statuses)}\n(see argocd-notifications-controller.log)`) });
      const states = seen.map((s) => s.state);
      if (states[0] !== "pending" || states.at(-1) !== "success" || states.includes("failure")) throw new AssertionFailure(`${CONTEXT} on ${short(sha)}: statuses ${states.join(" → ")}, not pending → success`);
      noViolations();
      log(`commit statuses: ${short(sha)} got ${states.join(" → ")} for ${CONTEXT} from the notifications controller`);
      const wait = await fleet.berth(["status", "--wait", "--timeout", "3m"]);
      if (wait.exitCode !== 0) throw new AssertionFailure(`berth status --wait exited ${wait.exitCode} after the push was deployed:\n${wait.stdout}${wait.stderr}`);
      log(`berth status --wait: exit 0 (${wait.stdout.trim().split("\n").at(-1)})`);
    },

    /** The app its project refuses: a `failure` for berth/<cluster>/rogue with Argo CD's message. */
    async afterRefusal(sha, procs) {
      const context = `${CONTEXT}/rogue`;
      const failure = await waitFor(`a failure status for ${context}`, async () => statusesFor(sha, context).find((s) => s.state === "failure"), {
        timeoutMs: 180_000,
        intervalMs: 1000,
        watch: procs,
        onTimeout: () => new AssertionFailure(`no failure status for ${context} on ${short(sha)} within 180 s; statuses: ${JSON.stringify(github.statuses)}`),
      });
      if (!/is not permitted in project apps/.test(failure.description)) throw new AssertionFailure(`the failure status for ${context} does not carry Argo CD's reason: ${JSON.stringify(failure.description)}`);
      noViolations();
      log(`commit statuses: ${short(sha)} got failure for ${context}: ${failure.description}`);
      await triggersNeedACommit(sha);
      // berth status names the app, the kind, the layers that would allow it and, once Argo CD has
      // retried twice, the way out of the retries.
      let last;
      const rogue = await waitFor("berth status to name the refusal and terminate-op", async () => {
        last = await fleet.berth(["status", "-o", "json"]);
        const a = JSON.parse(last.stdout).clusters[0].applications.find((x) => x.name === "rogue");
        return last.exitCode === 1 && /ClusterRole rogue/.test(a?.problem ?? "") && /layers platform, infra, monitoring allow it/.test(a?.fix ?? "") && /terminate-op argocd\/rogue/.test(a?.fix ?? "") ? a : undefined;
      }, { timeoutMs: 120_000, intervalMs: 2000, watch: procs, onTimeout: () => new AssertionFailure(`berth status on the refused app (exit ${last?.exitCode}):\n${last?.stdout}${last?.stderr}`) });
      log(`berth status on the refused app: ${rogue.problem}; fix: ${rogue.fix.replace(/\n/g, "; ")}`);
    },

    /** `berth status --format json` agrees with every live Application; the summary line for the e2e's last lines. */
    async final(settled, sha, bare, readLive) {
      const wait = await fleet.berth(["status", "--wait", "--timeout", "3m"]);
      if (wait.exitCode !== 0) throw new AssertionFailure(`berth status --wait exited ${wait.exitCode} at the end:\n${wait.stdout}${wait.stderr}`);
      // Compared with the Applications as they are now (deployed at the commit, as --wait said),
      // not as they were when the harness last saw them settle: a refresh may have moved their revision since.
      const r = await fleet.berth(["status", "--format", "json"]);
      const apps = readLive ? await readLive() : settled;
      const report = JSON.parse(r.stdout);
      const reported = new Map(report.clusters[0].applications.map((a) => [a.name, a]));
      const disagree = [];
      for (const [name, a] of apps) {
        const b = reported.get(name);
        const revision = a.status?.sync?.revision && /^[0-9a-f]{40}$/.test(a.status.sync.revision) ? a.status.sync.revision : (a.status?.sync?.revisions ?? []).find((x) => /^[0-9a-f]{40}$/.test(x));
        if (!b || b.sync !== a.status?.sync?.status || b.health !== a.status?.health?.status || (b.revision ?? undefined) !== revision || !b.ready) disagree.push(`${name}: live ${a.status?.sync?.status}/${a.status?.health?.status}@${revision}, berth status ${JSON.stringify(b)}`);
      }
      if (reported.size !== apps.size) disagree.push(`berth status lists ${reported.size} Applications, the cluster has ${apps.size}`);
      if (report.commit !== sha || r.exitCode !== 0) disagree.push(`berth status: commit ${report.commit}, exit ${r.exitCode} (fleet at ${sha})`);
      if (disagree.length > 0) throw new AssertionFailure(`berth status disagrees with the live Applications:\n${disagree.join("\n")}`);
      // The token never reached Git (the bare repository the cluster reads), the fleet's files or berth's output.
      const history = (await $({ quiet: true, cwd: bare })`git log --all -p`).stdout;
      for (const text of [history, wait.stdout, wait.stderr, r.stdout]) if (text.includes(token)) throw new AssertionFailure("the notifications token appears in plaintext");
      noViolations();
      await github.close();
      return `e2e: commit statuses ${github.statuses.length} posted; berth status agrees with ${apps.size} Applications`;
    },
  };
}
