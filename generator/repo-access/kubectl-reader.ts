import { EnvironmentError } from "../errors.js";
import { run } from "../exec/spawn.js";
import { findOnPath } from "../exec/spawn.js";
import { summarizeStderr } from "../exec/stderr.js";
import { ARGOCD_NAMESPACE } from "../layout.js";
import type { ClusterReader } from "./rotation.js";

/** --finish's view of the cluster through kubectl (the user's kubeconfig, an explicit context) and of history through git. */
export function kubectlReader(root: string, context: string, env: NodeJS.ProcessEnv): ClusterReader {
  const pass = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
  const tool = (name: string) => {
    const p = findOnPath(name, env.PATH);
    if (!p) throw new EnvironmentError(`${name} not found on PATH: --finish reads the cluster and the repository's history with it`, `install ${name}`);
    return p;
  };
  return {
    async get(resource, name) {
      const r = await run(tool("kubectl"), ["--context", context, "--namespace", ARGOCD_NAMESPACE, "get", resource, name, "--ignore-not-found", "-o", "json", "--request-timeout", "20s"], { env: pass, timeoutMs: 60_000 });
      if (r.code !== 0) throw new EnvironmentError(`kubectl --context ${context} could not read ${resource} ${name}: ${summarizeStderr(r.stderr || r.spawnError || "")}`, `check that context ${context} reaches cluster's API server (--context <name> picks another)`);
      return r.stdout.trim() === "" ? undefined : (JSON.parse(r.stdout) as Record<string, unknown>);
    },
    async fileAt(revision, file) {
      if (!/^[0-9a-f]{7,64}$/.test(revision)) return undefined;
      const r = await run(tool("git"), ["-C", root, "show", `${revision}:${file}`], { env: pass, timeoutMs: 60_000 });
      return r.code === 0 ? r.stdout : undefined;
    },
  };
}
