import { run, type ExecResult } from "./spawn.js";

export interface RunOptions {
  env: Record<string, string>;
  cwd: string;
  /** Written to the child's stdin, which is then closed; stdin is empty when absent. */
  stdin?: string;
  /** Killed (SIGKILL) after this long. */
  timeoutMs: number;
}

/** Runs an executable by argv (never a shell). Injected so tests can record or script commands. */
export type Runner = (file: string, args: readonly string[], opts: RunOptions) => Promise<ExecResult>;

/** The real runner: spawn.ts's (argv, stdin, output without a size cap, timeout). */
export const spawnRunner: Runner = (file, args, opts) => run(file, args, opts);
