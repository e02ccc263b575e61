import type { ScaffoldPlan } from "../scaffold/new-app.js";
import type { CommandIO } from "./context.js";

/** Prints what a scaffolding command did and what to do next. */
export function reportScaffold(plan: Pick<ScaffoldPlan, "done" | "next">, io: CommandIO): void {
  for (const line of plan.done) io.stdout.write(`${line}\n`);
  if (plan.next.length === 0) return;
  io.stdout.write("\nnext:\n");
  plan.next.forEach((line, i) => io.stdout.write(`  ${i + 1}. ${line}\n`));
}
