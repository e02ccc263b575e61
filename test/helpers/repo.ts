import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { main } from "../../generator/cli.js";

/** Creates a temporary repository from an inline tree of files; returns its root. */
export function makeRepo(tree: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "berth-test-"));
  writeTree(root, tree);
  return root;
}

export function writeTree(root: string, tree: Record<string, string>): void {
  for (const [path, content] of Object.entries(tree)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
}

export function removeRepo(root: string): void {
  rmSync(root, { recursive: true, force: true });
}

/** Every file under `dir` (relative paths, sorted) with its content. */
export function readTree(root: string, dir = ""): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const e of readdirSync(join(root, rel), { withFileTypes: true })) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(p);
      else out[p] = readFileSync(join(root, p), "utf8");
    }
  };
  walk(dir);
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the berth CLI in-process against `root` with an empty environment (so PATH finds no tools). */
export async function berth(root: string, ...args: string[]): Promise<CliRun> {
  return berthWithEnv(root, {}, ...args);
}

/** The same, with the given environment. */
export async function berthWithEnv(root: string, env: NodeJS.ProcessEnv, ...args: string[]): Promise<CliRun> {
  return berthWith(root, { env }, args);
}

/** The CLI in-process with an environment and, optionally, a clock and standard input. */
export async function berthWith(root: string, opts: { env: NodeJS.ProcessEnv; now?: () => Date; stdin?: string }, args: readonly string[]): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const stdin = opts.stdin;
  const code = await main(args, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    cwd: root,
    env: opts.env,
    ...(opts.now ? { now: opts.now } : {}),
    ...(stdin !== undefined ? { stdin: async () => Buffer.from(stdin) } : {}),
  });
  return { code, stdout, stderr };
}
