import { createPrivateKey, type KeyObject } from "node:crypto";
import { parseAllDocuments } from "yaml";
import type { LiveDeps } from "../../generator/commands/keys-live.js";
import type { ExecResult } from "../../generator/exec/spawn.js";
import { unseal } from "../sealer/unseal.js";

/**
 * A kubectl that answers from an in-memory cluster holding a sealed-secrets controller, for the
 * order and failure paths of `keys rotate/install/remove` without a control plane (the e2e runs the
 * real controller). Like the real one, the controller loads the labelled key Secrets only when it
 * (re)starts, and opens SealedSecrets with real crypto (test/sealer/unseal.ts, which shares no
 * code with berth). `reloadOnRestart: false` models a controller that never picks up a new key.
 */
export interface FakeCluster {
  keySecrets: Map<string, { crt: string; key: string }>;
  sealed: Map<string, { object: Record<string, any>; synced?: { status: string; message: string } }>;
  secrets: Map<string, Record<string, string>>;
  /** Every kubectl command line, without --context. */
  log: string[];
  restarts: number;
  reloadOnRestart: boolean;
}

export function fakeCluster(): FakeCluster {
  return { keySecrets: new Map(), sealed: new Map(), secrets: new Map(), log: [], restarts: 0, reloadOnRestart: true };
}

export function fakeLiveDeps(cluster: FakeCluster): LiveDeps {
  let loaded: KeyObject[] = [];
  const ok = (stdout = ""): ExecResult => ({ code: 0, stdout, stderr: "", timedOut: false });
  const notFound = (what: string): ExecResult => ({ code: 1, stdout: "", stderr: `Error from server (NotFound): ${what} not found`, timedOut: false });
  const process = (id: string) => {
    const entry = cluster.sealed.get(id)!;
    const o = entry.object;
    const wide = o.metadata.annotations?.["sealedsecrets.bitnami.com/cluster-wide"] === "true";
    const label = wide ? "" : `${o.metadata.namespace}/${o.metadata.name}`;
    const data: Record<string, string> = {};
    for (const [item, value] of Object.entries(o.spec.encryptedData as Record<string, string>)) {
      const key = loaded.find((k) => {
        try {
          unseal(value, k, label);
          return true;
        } catch {
          return false;
        }
      });
      if (!key) {
        entry.synced = { status: "False", message: "no key could decrypt secret (" + item + ")" };
        return;
      }
      data[item] = unseal(value, key, label).toString("base64");
    }
    cluster.secrets.set(id, data);
    entry.synced = { status: "True", message: "" };
  };
  const runner: LiveDeps["runner"] = async (_file, argv, opts) => {
    const args = argv[0] === "--context" ? argv.slice(2) : [...argv];
    cluster.log.push(args.join(" "));
    const ns = args[0] === "-n" ? args[1]! : "";
    const rest = args[0] === "-n" ? args.slice(2) : args;
    const [verb, what, name] = rest;
    if (verb === "get" && what === "deployments") return ok("sealed-secrets-controller");
    if (verb === "rollout" && what === "restart") {
      cluster.restarts++;
      if (cluster.reloadOnRestart) loaded = [...cluster.keySecrets.values()].map((s) => createPrivateKey(s.key));
      for (const id of cluster.sealed.keys()) process(id);
      return ok();
    }
    if (verb === "rollout") return ok();
    if (verb === "apply") {
      for (const doc of parseAllDocuments(opts.stdin ?? "")) {
        const o = doc.toJS();
        const id = `${o.metadata.namespace}/${o.metadata.name}`;
        if (o.kind === "Secret") cluster.keySecrets.set(o.metadata.name, { crt: Buffer.from(o.data["tls.crt"], "base64").toString(), key: Buffer.from(o.data["tls.key"], "base64").toString() });
        else if (o.kind === "SealedSecret") {
          cluster.sealed.set(id, { object: o });
          process(id);
        }
      }
      return ok();
    }
    if (verb === "get" && what === "secrets") {
      return ok([...cluster.keySecrets.entries()].map(([n, s]) => `${n} ${Buffer.from(s.crt).toString("base64")}\n`).join(""));
    }
    if (verb === "get" && what === "sealedsecrets.bitnami.com") {
      const e = cluster.sealed.get(`${ns}/${name}`);
      if (!e) return notFound(`sealedsecrets ${name}`);
      return ok(JSON.stringify({ ...e.object, metadata: { ...e.object.metadata, generation: 1 }, status: e.synced ? { observedGeneration: 1, conditions: [{ type: "Synced", ...e.synced }] } : undefined }));
    }
    if (verb === "get" && what === "secret") {
      const s = cluster.secrets.get(`${ns}/${name}`);
      const item = /\{\.data\.(.+)\}/.exec(rest.find((a) => a.startsWith("jsonpath=")) ?? "")?.[1];
      return s && item ? ok(s[item] ?? "") : notFound(`secrets ${name}`);
    }
    if (verb === "delete" && what === "secret") {
      cluster.keySecrets.delete(name!);
      cluster.secrets.delete(`${ns}/${name}`);
      return ok();
    }
    if (verb === "delete" && what === "sealedsecrets.bitnami.com") {
      cluster.sealed.delete(`${ns}/${name}`);
      return ok();
    }
    return { code: 1, stdout: "", stderr: `fake kubectl: unexpected ${args.join(" ")}`, timedOut: false };
  };
  let clock = 0;
  return { runner, now: () => clock, sleep: async (ms) => void (clock += ms), kubectl: async () => "/fake/kubectl" };
}
