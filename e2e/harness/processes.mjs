// Every process the harness starts: logged to a file, tracked by PID, stopped at the end (also
// when a test fails or the harness is interrupted). A component that dies or never becomes ready
// is a HarnessError: the run stops everything and exits 2 with the tail of that component's log.
import { spawn } from "node:child_process";
import { openSync, readFileSync, existsSync } from "node:fs";
import { join } from "node:path";

export class HarnessError extends Error {
  constructor(component, message, logFile) {
    super(`${component}: ${message}`);
    this.component = component;
    this.logFile = logFile;
  }
}

/** An assertion about what berth generated or what the real consumers did (exit 1). */
export class AssertionFailure extends Error {}

const running = [];

export function logTail(file, lines = 25) {
  if (!file || !existsSync(file)) return "";
  const text = readFileSync(file, "utf8").trimEnd().split("\n");
  return text.slice(-lines).join("\n");
}

/**
 * Starts `cmd args` with its output in `<logDir>/<name>.log`. The process group is its own, so
 * stopping it also stops anything it started.
 */
export function start(name, cmd, args, { logDir, env = {}, cwd } = {}) {
  const logFile = join(logDir, `${name}.log`);
  const proc = { name, logFile, env, exited: null, stopping: false, launch: () => launch(proc, cmd, args, { env: proc.env, cwd }) };
  proc.launch();
  running.push(proc);
  return proc;
}

function launch(proc, cmd, args, { env, cwd }) {
  const fd = openSync(proc.logFile, "a");
  const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ["ignore", fd, fd], detached: true });
  proc.child = child;
  proc.exited = null;
  proc.stopping = false;
  child.on("exit", (code, signal) => {
    if (proc.child === child) proc.exited = { code, signal };
  });
  child.on("error", (err) => {
    if (proc.child === child) proc.exited = { code: -1, signal: null, error: err.message };
  });
}

/** Stops a process and starts it again with the same command (as a Deployment's rollout replaces its pod). */
export async function restart(proc) {
  await stopOne(proc);
  proc.launch();
}

/** Restarts a process with more environment (as a pod restarted after its ConfigMap-fed env changed). */
export async function restartWith(proc, env) {
  proc.env = { ...proc.env, ...env };
  await restart(proc);
}

/** Throws a HarnessError if the process exited (and was not being stopped). */
export function checkAlive(proc) {
  if (proc.exited && !proc.stopping) {
    const how = proc.exited.error ?? (proc.exited.signal ? `signal ${proc.exited.signal}` : `exit code ${proc.exited.code}`);
    throw new HarnessError(proc.name, `exited unexpectedly (${how})`, proc.logFile);
  }
}

/**
 * Polls `probe` until it returns a truthy value; fails when a watched process dies or time runs
 * out. `onTimeout` turns running out of time into an error of the caller's (an assertion about
 * what the real components did, rather than the harness failing).
 */
export async function waitFor(what, probe, { timeoutMs = 60_000, intervalMs = 250, watch = [], onTimeout } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    for (const p of watch) checkAlive(p);
    try {
      const v = await probe();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      if (onTimeout) throw await onTimeout();
      const p = watch[0];
      throw new HarnessError(p?.name ?? "harness", `timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}${last ? ` (last error: ${String(last.message ?? last).split("\n")[0]})` : ""}`, p?.logFile);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Stops one process for good (a harness server restarted with another configuration). */
export async function stopOne(proc, graceMs = 5_000) {
  proc.stopping = true;
  if (proc.exited) return;
  const pid = proc.child.pid;
  try {
    process.kill(-pid, "SIGTERM");
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (!proc.exited && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (!proc.exited) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      /* already gone */
    }
  }
}

const cleanups = [];
/** What stopAll also does, last registered first: a server the harness started another way (sshd), a command still running. */
export function atStop(fn) {
  cleanups.push(fn);
}

/** Stops every process the harness started, newest first. */
export async function stopAll() {
  while (cleanups.length > 0) {
    try {
      await cleanups.pop()();
    } catch {
      /* already gone */
    }
  }
  while (running.length > 0) await stopOne(running.pop());
}

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.error(`e2e: ${signal}: stopping every process the harness started`);
    stopAll().finally(() => process.exit(2));
  });
}
