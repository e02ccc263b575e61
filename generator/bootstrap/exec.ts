import { spawn } from "node:child_process";
import { accessSync, constants as fsc, statSync } from "node:fs";
import { delimiter, isAbsolute, join } from "node:path";
import type { ExecResult } from "../render/exec.js";

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

/** The real runner: spawns the executable, feeds stdin, collects stdout/stderr without a size cap. */
export const spawnRunner: Runner = (file, args, opts) =>
  new Promise((resolve) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    let spawnError: string | undefined;
    const child = spawn(file, args, { env: opts.env, cwd: opts.cwd, stdio: ["pipe", "pipe", "pipe"], shell: false });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, opts.timeoutMs);
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", (e) => {
      spawnError = e.message;
    });
    // A child that exits without reading all of stdin closes the pipe: not our failure to report.
    child.stdin.on("error", () => undefined);
    child.stdin.end(opts.stdin ?? "");
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({
        code: spawnError ? null : code,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
        ...(spawnError !== undefined ? { spawnError } : {}),
        timedOut,
      });
    });
  });

/** The first executable `name` on PATH (absolute entries only), or undefined. */
export function findOnPath(name: string, pathVar: string | undefined): string | undefined {
  for (const dir of (pathVar ?? "").split(delimiter)) {
    if (!dir || !isAbsolute(dir)) continue;
    const p = join(dir, name);
    try {
      if (!statSync(p).isFile()) continue;
      accessSync(p, fsc.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return undefined;
}
