import { formatDuration } from "./duration.js";
import type { BootstrapPlan, Cmd, Step } from "./types.js";

/** One argument as a POSIX shell would need it quoted (for display only: nothing is ever run by a shell). */
function quote(arg: string): string {
  if (arg === "") return "''";
  if (arg.startsWith("<") && arg.endsWith(">")) return arg; // a placeholder, filled at execution
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** A command as a reader would type it, with its stdin named: `kubectl apply -f - < Namespace argocd`. */
export function formatCmd(cmd: Cmd, extra: readonly string[] = []): string {
  const line = [cmd.tool, ...cmd.args, ...extra].map(quote).join(" ");
  return cmd.stdin ? `${line} < ${cmd.stdin.label}` : line;
}

/** The commands a step runs, as display lines (dynamic arguments shown as <placeholders>). */
export function stepCommands(step: Step): string[] {
  const a = step.action;
  switch (a.type) {
    case "kind-create":
      return [formatCmd(a.list), `${formatCmd(a.create)}   (only when not listed)`];
    case "check-context":
      return [formatCmd(a.contexts), formatCmd(a.version), ...a.identity.map((c) => `${formatCmd(c.command)}   (must print ${c.expected}, as identity.${c.field} in cluster.yaml says)`)];
    case "run":
      return a.commands.map((c) => formatCmd(c));
    case "render":
      return [`${formatCmd(a.command)} > rendered manifests (kept in memory)`];
    case "wait-crds":
      return [formatCmd(a.command, ["<crd/NAME for each CRD rendered>"])];
    case "rollout":
      return [`${formatCmd(a.command, ["<KIND/NAME>"])}   (for each Deployment and StatefulSet rendered)`];
    case "warn":
      return [`warning: ${a.message}`];
    case "manual":
      return [`to do by hand: ${a.message}`];
    case "watch":
      return [`${formatCmd(a.command)}   (every few seconds)`];
  }
}

/** The numbered plan `--dry-run` prints. */
export function formatPlan(plan: BootstrapPlan): string {
  const out: string[] = [];
  out.push(`bootstrap plan for cluster ${plan.cluster} (profile ${plan.profile}), kube context ${plan.context}, timeout ${formatDuration(plan.timeoutMs)}`);
  out.push("");
  plan.steps.forEach((step, i) => {
    out.push(`${String(i + 1).padStart(2)}. ${step.title}  [${step.id}]`);
    for (const line of stepCommands(step)) out.push(`      ${line.startsWith("warning:") || line.startsWith("to do") ? "" : "$ "}${line}`);
    out.push(`      why: ${step.why}`);
  });
  const kind = plan.steps.find((s) => s.action.type === "kind-create");
  if (kind && kind.action.type === "kind-create") {
    out.push("");
    out.push(`kind config (from ${kind.action.configSource}):`);
    for (const line of kind.action.config.trimEnd().split("\n")) out.push(`  ${line}`);
  }
  for (const note of plan.notes) {
    if (plan.steps.some((s) => s.action.type === "warn" && s.action.message === note)) continue;
    out.push("");
    out.push(`note: ${note}`);
  }
  out.push("");
  out.push("dry run: nothing was run. Every step is idempotent (apply, never create or delete); re-running converges.");
  return `${out.join("\n")}\n`;
}
