import { main } from "../../generator/cli.js";
import { runBootstrap, type BootstrapOptions } from "../../generator/commands/bootstrap.js";
import { loadCheckedFleet } from "../../generator/read/checked-fleet.js";
import { planCluster } from "../../generator/plan/plan-cluster.js";
import { exampleFleetRoot } from "../helpers/example-fleet.js";
import { application, captureIO, fakeDeps, list, type FakeWorld, type LogEntry } from "./fake-tools.js";

/** The example fleet (a pristine copy), used read-only. */
export const REPO = exampleFleetRoot();

/** "tool arg arg …" per logged command, with the temp paths of the run made stable. */
export function commandLines(log: readonly LogEntry[], world: FakeWorld): string[] {
  return log.map((e) => [e.tool, ...e.args].join(" ").replace(/\S*argocd-inline-values\.yaml/g, "<inline values>").split(world.dir).join("<tmp>"));
}

/** Every expected Application (root + the cluster's instances) Synced and Healthy. */
export function allHealthy(root: string, cluster: string) {
  const fleet = loadCheckedFleet(root);
  const plan = planCluster(fleet, fleet.clusters.find((c) => c.name === cluster)!);
  return list([application("root", "Synced", "Healthy"), ...plan.instances.map((i) => application(i.id, "Synced", "Healthy"))]);
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
  log: LogEntry[];
}

/** runBootstrap in-process with the fakes and a fake clock. */
export async function bootstrap(world: FakeWorld, root: string, opts: Partial<BootstrapOptions> & { cluster: string }, deps = fakeDeps()): Promise<Run> {
  const cap = captureIO(root, world.env);
  const code = await runBootstrap({ root, dryRun: false, timeoutMs: 15 * 60_000, ...opts }, cap.io, deps);
  return { code, stdout: cap.stdout(), stderr: cap.stderr(), log: world.log() };
}

/** The real CLI in-process (its error boundary and exit codes included) against the fakes, with the real clock. */
export async function cli(world: FakeWorld, root: string, args: string[]): Promise<Run> {
  const cap = captureIO(root, world.env);
  const code = await main(args, cap.io);
  return { code, stdout: cap.stdout(), stderr: cap.stderr(), log: world.log() };
}
