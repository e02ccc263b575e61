import { createHash, X509Certificate } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { main } from "../../generator/cli.js";
import { fixtureFleet } from "../helpers/fleet-fixture.js";
import { readTree, type CliRun } from "../helpers/repo.js";

/** The clock the tests run berth with: inside the validity of certificates generated at NOW. */
export const NOW = new Date("2026-03-01T12:00:00Z");
export const LATER = new Date("2026-06-01T00:00:00Z");

/** Runs the berth CLI in-process with an injected stdin and clock. */
export async function run(root: string, args: readonly string[], opts: { stdin?: string | Buffer; now?: Date; cwd?: string } = {}): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const code = await main(args, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    cwd: opts.cwd ?? root,
    env: {},
    now: () => opts.now ?? LATER,
    ...(opts.stdin !== undefined ? { stdin: async () => Buffer.from(opts.stdin!) } : {}),
  });
  return { code, stdout, stderr };
}

/**
 * The fixture fleet with a sealing certificate committed for each of its clusters (dev, prod), and
 * nothing sealed yet (should the shared fixture ever ship sealed secrets, they are left out here).
 */
export function fleetWithCerts(certs: { dev?: string; prod?: string }): Record<string, string> {
  const tree = Object.fromEntries(Object.entries(fixtureFleet()).filter(([path]) => !path.startsWith("secrets/")));
  if (certs.dev) tree["clusters/dev/sealing-cert.pem"] = certs.dev;
  if (certs.prod) tree["clusters/prod/sealing-cert.pem"] = certs.prod;
  return tree;
}

export function fingerprintOf(certPem: string): string {
  return createHash("sha256").update(new X509Certificate(certPem).raw).digest("hex");
}

/** Asserts the user-error contract: exit 1, file:line:col, a fix, "nothing was written", the tree untouched. */
export function expectUserError(r: CliRun, root: string, before: Record<string, string>, ...expected: (string | RegExp)[]): void {
  expect(r.code, r.stderr).toBe(1);
  expect(r.stdout).toBe("");
  expect(r.stderr).toMatch(/^[^\s:]+:\d+:\d+: /m);
  expect(r.stderr).toContain("fix: ");
  expect(r.stderr).toContain("nothing was written");
  expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);
  for (const e of expected) expect(r.stderr).toMatch(e);
  expect(readTree(root)).toEqual(before);
}


/** Regular files under `dir` (modified at or after `since`, when given), skipping what cannot be read. */
export function listFiles(dir: string, since = 0, depth = 0): string[] {
  if (depth > 6) return [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const name of names) {
    const path = join(dir, name);
    try {
      const st = statSync(path);
      if (st.isDirectory()) {
        if (st.mtimeMs >= since || depth === 0 || since === 0) out.push(...listFiles(path, since, depth + 1));
      } else if (st.isFile() && st.mtimeMs >= since && st.size < 10_000_000) {
        out.push(path);
      }
    } catch {
      // vanished or unreadable: another test's temp file
    }
  }
  return out;
}

/**
 * No value, nor its base64 or hex form, in any output, nor in any file of the repository or of the
 * temp folder written since `started` (other test files remove their own temp files meanwhile).
 */
export function expectNoPlaintext(values: readonly string[], outputs: readonly string[], root: string, started: number, what: string): void {
  const needles = values.flatMap((v) => [v, Buffer.from(v).toString("base64"), Buffer.from(v).toString("hex")]);
  for (const text of outputs) for (const n of needles) expect(text).not.toContain(n);
  const files = [...listFiles(root), ...listFiles(tmpdir(), started)];
  expect(files.length).toBeGreaterThan(5);
  for (const file of files) {
    let content: Buffer;
    try {
      content = readFileSync(file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") continue;
      throw e;
    }
    for (const n of needles) expect(content.includes(n), `${file} contains ${what}`).toBe(false);
  }
}
