import { spawn } from "node:child_process";
import { accessSync, constants as fsc, statSync } from "node:fs";
import { delimiter, isAbsolute, join } from "node:path";

/** What one finished child process left behind. Never thrown: callers decide what a failure means. */
export interface ExecResult {
  /** Exit code, or null when the process was killed or could not start. */
  code: number | null;
  stdout: string;
  stderr: string;
  /** Set when the process could not be started at all (ENOENT, EACCES…). */
  spawnError?: string;
  timedOut: boolean;
  /** Set when stdout passed `maxStdoutBytes` and the process was killed. */
  tooMuchOutput?: boolean;
}

export interface ExecOptions {
  env: Record<string, string>;
  cwd?: string;
  /** Killed (SIGKILL) after this long; a hung network fetch must not hang a whole generate run. */
  timeoutMs?: number;
  /** Written to the child's stdin, which is then closed; stdin is empty when absent. */
  stdin?: string;
  /** Killed (SIGKILL) once its stdout exceeds this many bytes, so a runaway chart cannot exhaust memory. */
  maxStdoutBytes?: number;
}

const DEFAULT_TIMEOUT_MS = 120_000;

/**
 * Runs `file` with an argv array — no shell, so chart names, paths and values can never be
 * interpreted as shell syntax. Output is collected without a size cap (rendered manifests
 * can be many megabytes, which execFile's maxBuffer would cut off).
 */
export function run(file: string, args: readonly string[], opts: ExecOptions): Promise<ExecResult> {
  return new Promise((resolve) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    let spawnError: string | undefined;
    const child = spawn(file, args, {
      env: opts.env,
      cwd: opts.cwd,
      stdio: ["pipe", "pipe", "pipe"],
      shell: false,
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    let outBytes = 0;
    let tooMuchOutput = false;
    child.stdout.on("data", (b: Buffer) => {
      if (tooMuchOutput) return;
      outBytes += b.length;
      if (opts.maxStdoutBytes !== undefined && outBytes > opts.maxStdoutBytes) {
        tooMuchOutput = true;
        out.length = 0;
        child.kill("SIGKILL");
        return;
      }
      out.push(b);
    });
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", (e) => {
      spawnError = e.message;
    });
    // A child that exits without reading all of its stdin closes the pipe: not our failure to report.
    child.stdin.on("error", () => undefined);
    child.stdin.end(opts.stdin ?? "");
    // "close" (not "exit") fires after stdio is drained, and also after a spawn "error".
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({
        code: spawnError ? null : code,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
        ...(spawnError !== undefined ? { spawnError } : {}),
        ...(tooMuchOutput ? { tooMuchOutput } : {}),
        timedOut,
      });
    });
  });
}

/** The first executable `name` on PATH, or undefined. */
export function findOnPath(name: string, pathVar: string | undefined): string | undefined {
  for (const dir of (pathVar ?? "").split(delimiter)) {
    // Relative PATH entries would make the result depend on the working directory.
    if (!dir || !isAbsolute(dir)) continue;
    const p = join(dir, name);
    try {
      if (!statSync(p).isFile()) continue;
      accessSync(p, fsc.X_OK);
      return p;
    } catch {
      // not there or not executable: keep looking
    }
  }
  return undefined;
}
