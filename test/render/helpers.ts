import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parseAllDocuments } from "yaml";
import { hermeticEnv } from "../../generator/exec/env.js";
import { run } from "../../generator/exec/spawn.js";
import { resolveTools, type Tools } from "../../generator/exec/tools.js";

let tools: Promise<Tools> | undefined;

/** The bundled helm/kubectl (never the machine's), resolved once per test file. */
export function bundledTools(): Promise<Tools> {
  tools ??= resolveTools({ env: { ...process.env, BERTH_TOOLS: "bundled" } });
  return tools;
}

/** A fresh directory; call the returned cleanup in afterAll. */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `berth-test-${prefix}-`));
}

export function removeDir(dir: string | undefined): void {
  if (dir) rmSync(dir, { recursive: true, force: true });
}

/** Writes `{relativePath: content}` under root, creating folders. */
export function writeFiles(root: string, files: Record<string, string>): void {
  for (const [rel, content] of Object.entries(files)) {
    const p = join(root, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, content);
  }
}

/** Runs helm for test set-up (package, repo index) in a throwaway home; throws on failure. */
export async function helmCli(t: Tools, args: string[], cwd: string): Promise<string> {
  const home = tempDir("helm-home");
  try {
    const r = await run(t.helm, args, { env: hermeticEnv(home), cwd });
    if (r.code !== 0) throw new Error(`helm ${args.join(" ")}: ${r.stderr}${r.spawnError ?? ""}`);
    return r.stdout;
  } finally {
    removeDir(home);
  }
}

/** The non-empty documents of a YAML stream as plain objects. */
export function docs(stream: string): Array<Record<string, any>> {
  return parseAllDocuments(stream)
    .map((d) => d.toJS() as Record<string, any> | null)
    .filter((d): d is Record<string, any> => d !== null);
}

export function findDoc(stream: string, kind: string, name?: string): Record<string, any> | undefined {
  return docs(stream).find((d) => d.kind === kind && (name === undefined || d.metadata?.name === name));
}

/**
 * Tools whose helm is a shell wrapper around the real one that logs every invocation's argv
 * (one line each) and, for berth's inline values file, its mode and its directory's mode.
 * Lets tests see exactly what berth ran without changing the renders.
 */
export function recordingHelm(t: Tools, dir: string): { tools: Tools; log: () => string[] } {
  const logFile = join(dir, "helm-calls.log");
  const wrapper = join(dir, "helm-wrapper.sh");
  writeFileSync(
    wrapper,
    [
      "#!/bin/sh",
      `printf '%s\\n' "$*" >> '${logFile}'`,
      'for a in "$@"; do case "$a" in */inline-values.yaml)',
      `  echo "inline-values mode $(stat -c %a "$a") dir $(stat -c %a "$(dirname "$a")")" >> '${logFile}';;`,
      "esac; done",
      `exec '${t.helm}' "$@"`,
      "",
    ].join("\n"),
  );
  chmodSync(wrapper, 0o755);
  return {
    tools: { ...t, helm: wrapper },
    log: () => (existsSync(logFile) ? readFileSync(logFile, "utf8").trim().split("\n") : []),
  };
}
