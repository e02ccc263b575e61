import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { EnvironmentError, ExitError, UserError } from "../errors.js";
import type { ExecResult } from "../exec/spawn.js";
import { hermeticEnv, withTempDir } from "../exec/env.js";
import { summarizeStderr } from "../exec/stderr.js";
import { parseVersion } from "../exec/tools.js";
import { formatDuration } from "./duration.js";
import type { Runner } from "../exec/runner.js";
import { formatCmd } from "./format.js";
import { TIME_LEFT } from "./plan.js";
import { toYaml } from "../yaml/canonical.js";
import { INLINE_VALUES, type BootstrapPlan, type Cmd, type ExecuteIO, type RepoAccessInfo, type Step, type Tool } from "./types.js";
import { appTitle, changeLines, firstStuck, isReady, parseApplications, progressLine, repoRefusal, stuckReport, type AppState } from "./watch.js";
import { ROOT_APPLICATION } from "../plan/root.js";
import { layout } from "../layout.js";

/** Everything execution touches besides the plan: injected so tests drive it with fakes and a fake clock. */
export interface BootstrapDeps {
  runner: Runner;
  /** Milliseconds since some epoch. */
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  /** How often the Applications are polled. */
  pollIntervalMs: number;
  /** Absolute paths of the executables (kind only when the plan uses it). */
  tools: (env: Readonly<Record<string, string | undefined>>, needKind: boolean) => Promise<Record<Tool, string>>;
}

export interface ExecuteContext {
  root: string;
  io: ExecuteIO;
  deps: BootstrapDeps;
  /** The sealing key Secret (YAML) from --key; only ever written to kubectl's stdin. */
  sealingKeyYaml?: string;
  /** The repository Secrets opened with --key (YAML); only ever written to kubectl's stdin. */
  repoCredentialsYaml?: string;
}

/** What `helm template` rendered, split for the steps after it. */
interface Rendered {
  crds: string[];
  install: string[];
  crdNames: string[];
  /** "deployment/NAME" / "statefulset/NAME" with replicas ≠ 0. */
  workloads: { ref: string }[];
}

const LONG = 10 * 60_000;
const SHORT = 2 * 60_000;
const RETRY_HINT = "then run the same berth bootstrap again: completed steps are idempotent and nothing was deleted";

/**
 * Runs the plan's steps in order. A step that could not run (missing tool, unreachable cluster,
 * a failed apply) throws an EnvironmentError (exit 2) naming the step, the command and its
 * stderr; Argo CD or an Application that never became ready is exit 1 with what is stuck.
 */
export async function executeBootstrap(plan: BootstrapPlan, ctx: ExecuteContext): Promise<0 | 1> {
  const { io, deps } = ctx;
  const deadline = deps.now() + plan.timeoutMs;
  const baseEnv = cleanEnv(io.env);
  const tools = await deps.tools(io.env, plan.steps.some((s) => s.action.type === "kind-create"));
  const n = plan.steps.length;

  return withTempDir("bootstrap", async (home) => {
    let rendered: Rendered | undefined;
    // kind and kubectl run with the user's environment (KUBECONFIG, cloud credentials, DOCKER_HOST); helm does not (below).
    const exec = (cmd: Cmd, timeoutMs: number, stdin?: string, extra: readonly string[] = []): Promise<ExecResult> =>
      deps.runner(tools[cmd.tool], [...cmd.args, ...extra], { env: baseEnv, cwd: ctx.root, stdin, timeoutMs });
    const stdinOf = (cmd: Cmd): string | undefined => {
      const s = cmd.stdin;
      if (!s) return undefined;
      if (s.source === "text") return s.text;
      if (s.source === "sealing-key") {
        if (ctx.sealingKeyYaml === undefined) throw new Error("bootstrap: the plan installs a sealing key but none was loaded");
        return ctx.sealingKeyYaml;
      }
      if (s.source === "repo-credentials") {
        if (ctx.repoCredentialsYaml === undefined) throw new Error("bootstrap: the plan applies repository credentials but none were opened");
        return ctx.repoCredentialsYaml;
      }
      if (!rendered) throw new Error("bootstrap: rendered manifests used before the render step");
      return (s.part === "crds" ? rendered.crds : rendered.install).map((d) => `---\n${d}`).join("");
    };
    const failed = (i: number, step: Step, cmd: Cmd, r: ExecResult, extra: readonly string[] = []): never => {
      const what = r.spawnError
        ? `could not run ${tools[cmd.tool]}: ${r.spawnError}`
        : r.timedOut
          ? "timed out"
          : `exit code ${r.code}${summarizeStderr(r.stderr) ? `: ${summarizeStderr(r.stderr)}` : ""}`;
      throw new EnvironmentError(
        `bootstrap step ${i}/${n} [${step.id}] failed: ${step.title}\n  $ ${formatCmd(cmd, extra)}\n  ${what}`,
        step.hint ? `${step.hint}; ${RETRY_HINT}` : RETRY_HINT,
      );
    };
    const runOk = async (i: number, step: Step, cmd: Cmd, timeoutMs = SHORT, extra: readonly string[] = []): Promise<ExecResult> => {
      const r = await exec(cmd, timeoutMs, stdinOf(cmd), extra);
      if (r.code !== 0) failed(i, step, cmd, r, extra);
      return r;
    };
    const say = (s: string) => io.stdout.write(`${s}\n`);

    for (const [k, step] of plan.steps.entries()) {
      const i = k + 1;
      say(`[${i}/${n}] ${step.title}`);
      const a = step.action;
      switch (a.type) {
        case "kind-create": {
          const list = await runOk(i, step, a.list);
          const names = list.stdout.split(/\r?\n/).map((l) => l.trim());
          if (names.includes(plan.cluster)) {
            say(`  kind cluster ${plan.cluster} exists: kept as it is`);
          } else {
            await runOk(i, step, a.create, LONG);
            say(`  created kind cluster ${plan.cluster}`);
          }
          break;
        }
        case "check-context": {
          const list = await runOk(i, step, a.contexts);
          if (!list.stdout.split(/\r?\n/).map((l) => l.trim()).includes(plan.context)) {
            throw new UserError([
              {
                file: layout.clusterFile(plan.cluster),
                line: 0,
                col: 0,
                message: `kube context ${plan.context} is not in your kubeconfig (\`kubectl config get-contexts\` lists: ${list.stdout.split(/\r?\n/).filter(Boolean).join(", ") || "none"}); nothing was changed on any cluster`,
                hint: step.hint,
              },
            ]);
          }
          const v = await exec(a.version, SHORT);
          if (v.code !== 0) {
            if (v.spawnError) failed(i, step, a.version, v);
            throw new EnvironmentError(
              `bootstrap step ${i}/${n} [${step.id}]: the API server of context ${plan.context} does not answer\n  $ ${formatCmd(a.version)}\n  ${summarizeStderr(v.stderr) || `exit code ${v.code}`}`,
              `${step.hint}; nothing was changed on the cluster`,
            );
          }
          for (const check of a.identity) {
            // Before the first change: a context that reaches another cluster stops here.
            const live = (await runOk(i, step, check.command)).stdout.trim();
            const same = check.field === "apiServer" ? live.replace(/\/+$/, "") === check.expected.replace(/\/+$/, "") : live === check.expected;
            if (!same) {
              throw new UserError([
                {
                  file: `clusters/${plan.cluster}/cluster.yaml`,
                  line: 0,
                  col: 0,
                  message: `kube context ${plan.context} reaches a cluster whose ${check.field === "apiServer" ? "API server" : "kube-system namespace UID"} is ${live || "(empty)"}, but identity.${check.field} records ${check.expected}: it is not cluster ${plan.cluster}; nothing was changed on any cluster`,
                  hint: `pass the context of cluster ${plan.cluster}; if the cluster was rebuilt, update identity.${check.field} in clusters/${plan.cluster}/cluster.yaml`,
                },
              ]);
            }
            say(`  identity.${check.field} matches: ${check.expected}`);
          }
          const server = serverVersion(v.stdout);
          say(`  ${plan.context}: Kubernetes ${server ?? "(version unknown)"}`);
          const want = parseVersion(plan.kubernetesVersion);
          const got = server ? parseVersion(server) : undefined;
          if (want && got && (want.major !== got.major || want.minor !== got.minor)) {
            io.stderr.write(
              `warning: the cluster runs Kubernetes ${got.text} but ${layout.clusterFile(plan.cluster)} says ${plan.kubernetesVersion}: charts are rendered for ${plan.kubernetesVersion}; update kubernetes.version and run berth generate\n`,
            );
          }
          break;
        }
        case "run":
          for (const cmd of a.commands) await runOk(i, step, cmd);
          break;
        case "render": {
          const cmd = a.command;
          let args = cmd.args;
          if (args.includes(INLINE_VALUES)) {
            const file = join(home, "argocd-inline-values.yaml");
            await writeFile(file, toYaml(a.inlineValues), { mode: 0o600, flag: "w" });
            args = args.map((x) => (x === INLINE_VALUES ? file : x));
          }
          const helmHome = join(home, "helm");
          const r = await deps.runner(tools.helm, args, { env: hermeticEnv(helmHome, io.env), cwd: ctx.root, timeoutMs: LONG });
          if (r.code !== 0) failed(i, step, cmd, r);
          try {
            rendered = splitRendered(r.stdout);
          } catch (e) {
            throw new EnvironmentError(`bootstrap step ${i}/${n} [${step.id}] failed: ${step.title}\n  $ ${formatCmd(cmd)}\n  ${(e as Error).message}`, `${step.hint}; ${RETRY_HINT}`);
          }
          say(`  ${rendered!.crds.length} CRDs, ${rendered!.install.length} other resources`);
          break;
        }
        case "wait-crds": {
          if (!rendered || rendered.crdNames.length === 0) {
            say("  no CRDs rendered: nothing to wait for");
            break;
          }
          // Right after creation a CRD's status.conditions is still null, and kubectl wait fails
          // on it ("accessor error") instead of waiting: retry until the API server fills it in.
          const crds = rendered.crdNames.map((c) => `crd/${c}`);
          const until = deps.now() + SHORT;
          for (;;) {
            const r = await exec(a.command, SHORT, undefined, crds);
            if (r.code === 0) break;
            if (!/accessor error/.test(r.stderr) || deps.now() > until) failed(i, step, a.command, r, crds);
            await deps.sleep(1000);
          }
          break;
        }
        case "rollout": {
          for (const w of rendered?.workloads ?? []) {
            const left = deadline - deps.now();
            const cmd: Cmd = { ...a.command, args: a.command.args.map((x) => (x === TIME_LEFT ? `${Math.max(1, Math.ceil(left / 1000))}s` : x)) };
            const r = await exec(cmd, Math.max(left, 0) + 30_000, undefined, [w.ref]);
            if (r.code === 0) {
              say(`  ${w.ref} ready`);
              continue;
            }
            if (r.spawnError) failed(i, step, cmd, r, [w.ref]);
            throw new ExitError(
              1,
              `berth: bootstrap step ${i}/${n} [${step.id}]: Argo CD's ${w.ref} did not become ready within --timeout ${formatDuration(plan.timeoutMs)}\n` +
                `  $ ${formatCmd(cmd, [w.ref])}\n  ${summarizeStderr(r.stderr) || `exit code ${r.code}`}\n  fix: ${step.hint}; ${RETRY_HINT}`,
            );
          }
          break;
        }
        case "warn":
          io.stderr.write(`warning: ${a.message}\n`);
          break;
        case "manual":
          say(`  to do by hand: ${a.message}`);
          break;
        case "watch": {
          const code = await watch(i, step, a.command, a.expected, plan, ctx, deadline, (cmd, t) => exec(cmd, t), a.repo);
          if (code !== 0) return code;
          break;
        }
      }
    }
    return 0;
  });
}

async function watch(
  i: number,
  step: Step,
  cmd: Cmd,
  expected: readonly { name: string; wave?: number }[],
  plan: BootstrapPlan,
  ctx: ExecuteContext,
  deadline: number,
  exec: (cmd: Cmd, timeoutMs: number) => Promise<ExecResult>,
  repo?: RepoAccessInfo,
): Promise<0 | 1> {
  const { io, deps } = ctx;
  const start = deps.now();
  let states = new Map<string, AppState>();
  let everRead = false;
  let lastError = "";
  let lastOutput = start;
  for (;;) {
    const r = await exec(cmd, SHORT);
    const parsed = r.code === 0 ? parseApplications(r.stdout) : undefined;
    if (parsed) {
      everRead = true;
      lastError = "";
      const lines = changeLines(expected, states, parsed);
      states = parsed;
      for (const l of lines) io.stdout.write(`  ${l}\n`);
      if (lines.length > 0) lastOutput = deps.now();
      // A root that cannot read its repository never gets to any wave: say so with Argo CD's own words.
      const refused = repo ? repoRefusal(states.get(ROOT_APPLICATION), repo, plan.context, start) : undefined;
      if (refused) {
        io.stderr.write(`${refused}\n`);
        return 1;
      }
      if (expected.every((a) => isReady(states.get(a.name)))) {
        io.stdout.write(`all ${expected.length} Applications are Synced and Healthy (${formatDuration(deps.now() - start)}): Argo CD is reconciling cluster ${plan.cluster}\n`);
        return 0;
      }
    } else {
      if (r.spawnError) {
        throw new EnvironmentError(`bootstrap step ${i}/${plan.steps.length} [${step.id}]: could not run kubectl: ${r.spawnError}`, RETRY_HINT);
      }
      lastError = summarizeStderr(r.stderr) || (r.code === 0 ? "the output is not an Application list" : `exit code ${r.code}`);
    }
    const now = deps.now();
    if (now >= deadline) break;
    if (now - lastOutput >= 60_000) {
      io.stdout.write(`  … ${progressLine(expected, states)}${lastError ? ` (last poll failed: ${lastError})` : ""}\n`);
      lastOutput = now;
    }
    await deps.sleep(Math.min(deps.pollIntervalMs, deadline - now));
  }
  if (!everRead) {
    throw new EnvironmentError(
      `bootstrap step ${i}/${plan.steps.length} [${step.id}]: could not read the Applications for ${formatDuration(deadline - start)}\n  $ ${formatCmd(cmd)}\n  ${lastError}`,
      `${step.hint}; ${RETRY_HINT}`,
    );
  }
  const stuck = firstStuck(expected, states);
  const lines = [
    `berth: not every Application is Synced and Healthy after --timeout ${formatDuration(plan.timeoutMs)}: ${progressLine(expected, states)}.`,
    "What is stuck, earliest wave first (later waves wait on earlier ones, so fix the first one first):",
    ...stuckReport(expected, states),
  ];
  if (lastError) lines.push(`(the last poll failed: ${lastError}; this is the state before it)`);
  const app = stuck ?? expected.find((a) => !isReady(states.get(a.name)))?.name ?? "root";
  const target = expected.find((a) => a.name === app);
  lines.push(
    `  fix: start with ${target ? appTitle(target) : app}: \`kubectl --context ${plan.context} -n argocd describe application ${app}\` (or the Argo CD UI); ` +
      "Argo CD keeps retrying, so once it is fixed (in Git: commit and push) run the same berth bootstrap again to watch the rest",
  );
  io.stderr.write(`${lines.join("\n")}\n`);
  return 1;
}

function cleanEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}

function serverVersion(json: string): string | undefined {
  try {
    const j = JSON.parse(json) as { serverVersion?: { gitVersion?: unknown } };
    return typeof j.serverVersion?.gitVersion === "string" ? j.serverVersion.gitVersion : undefined;
  } catch {
    return undefined;
  }
}

/** Splits `helm template` output into CRDs and everything else; notes CRD names and workloads to wait for. */
export function splitRendered(manifests: string): Rendered {
  const out: Rendered = { crds: [], install: [], crdNames: [], workloads: [] };
  for (const doc of parseAllDocuments(manifests)) {
    if (!("contents" in doc) || doc.contents === null) continue;
    if (doc.errors.length > 0) throw new Error(`helm printed invalid YAML: ${doc.errors[0]!.message}`);
    const obj = doc.toJS() as Record<string, unknown> | null;
    if (obj === null || typeof obj !== "object") continue;
    const meta = (obj.metadata ?? {}) as { name?: string };
    const text = doc.toString({ lineWidth: 0 });
    if (obj.kind === "CustomResourceDefinition") {
      out.crds.push(text);
      if (meta.name) out.crdNames.push(meta.name);
      continue;
    }
    out.install.push(text);
    if ((obj.kind === "Deployment" || obj.kind === "StatefulSet") && meta.name) {
      const replicas = (obj.spec as { replicas?: unknown } | undefined)?.replicas;
      if (replicas !== 0) out.workloads.push({ ref: `${String(obj.kind).toLowerCase()}/${meta.name}` });
    }
  }
  return out;
}
