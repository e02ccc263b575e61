import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { x509 } from "../../generator/sealer/x509.js";
import { createPrivateKey, webcrypto } from "node:crypto";
import { findOnPath } from "../../generator/exec/spawn.js";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BootstrapDeps } from "../../generator/bootstrap/execute.js";
import { defaultBootstrapDeps } from "../../generator/commands/bootstrap.js";
import type { CommandIO } from "../../generator/commands/context.js";

/**
 * Recording executables: fake `kind`, `kubectl` and `helm` (one node script under three names)
 * that append what they were asked to a log and answer from a scripted state file. They answer
 * `helm version --short` and `kubectl version --client -o json` like the real tools, so berth's
 * real tool resolution (tools.ts, BERTH_TOOLS=path) accepts them. There is no Kubernetes API
 * server, Docker or kind on the test machine: bootstrap is driven through these.
 */

/** The scripted world the fakes answer from (kind create adds the cluster and its context, as kind does). */
export interface FakeState {
  kindClusters: string[];
  contexts: string[];
  serverVersion: string;
  /** Successive answers of `kubectl get applications.argoproj.io -o json`; the last one repeats. */
  applications: unknown[];
  /** Fail every command whose "tool args…" line contains `match` (only the first one with `once`). */
  fail?: { match: string; code: number; stderr: string; once?: boolean };
  /** What `helm template` prints. */
  helmOutput: string;
  /** What the kubeconfig says the context's API server is, and the live kube-system namespace UID. */
  apiServer?: string;
  kubeSystemUID?: string;
}

export interface LogEntry {
  tool: string;
  args: string[];
  cwd: string;
  stdinBytes: number;
  /** `kind:` values of the YAML documents on stdin (never their content: the sealing key goes through here). */
  stdinKinds: string[];
  /** Secret-type labels and the sealed-secrets managed annotation seen on stdin. */
  stdinMarks?: string[];
  /** Contents of the -f files helm was given (inline values are in a temp file deleted afterwards). */
  helmFiles?: Record<string, string>;
  /** Environment variables the tool saw that matter for the tests. */
  env: { KUBECONFIG?: string; HOME?: string };
}

/**
 * The fake, in POSIX sh (a node script would cost ~100 ms per command). Every invocation appends
 * a record to $D/log: "@@ tool", then cwd, kubeconfig, home, stdin size, the `kind:` values on
 * stdin, one "arg" line per argument and, for helm, one "file N path" line per -f file (copied to
 * $D/files/N, since the inline values file is deleted after the run).
 */
const SCRIPT = String.raw`#!/bin/sh
D=__DIR__
T=__TOOL__
PATH="$D/util"
# Version probes of berth's tool resolution: answered, not logged.
if [ "$T" = helm ] && [ "$1" = version ]; then echo "v3.16.2+g13654a5"; exit 0; fi
if [ "$T" = kubectl ] && [ "$1" = version ]; then
  case " $* " in *" --client "*) echo '{"clientVersion":{"gitVersion":"v1.37.2","major":"1","minor":"37"}}'; exit 0;; esac
fi
# Stdin, read with builtins only (no forks: each command costs a few ms, not tens).
bytes=0; kinds=; marks=
while IFS= read -r l || [ -n "$l" ]; do
  bytes=$((bytes + \${#l} + 1))
  case "$l" in "kind: "*) k=\${l#kind: }; kinds="$kinds \${k%% *}";; esac
  # Labels and annotations that say what a Secret is for (never a value of its data).
  case "$l" in *"sealedsecrets.bitnami.com/managed: "*|*"argocd.argoproj.io/secret-type: "*) marks="$marks|\${l#"\${l%%[! ]*}"}";; esac
done
has() { while IFS= read -r x; do [ "$x" = "$2" ] && return 0; done < "$1"; return 1; }
{
  printf '@@ %s\n' "$T"
  printf 'cwd %s\n' "$PWD"
  printf 'kubeconfig %s\n' "$KUBECONFIG"
  printf 'home %s\n' "$HOME"
  printf 'stdin %s\n' "$bytes"
  printf 'kinds %s\n' "$kinds"
  printf 'marks %s\n' "$marks"
  for a in "$@"; do printf 'arg %s\n' "$a"; done
  if [ "$T" = helm ]; then
    prev=; k=$(ls "$D/files" | wc -l)
    for a in "$@"; do
      if [ "$prev" = -f ]; then k=$((k + 1)); cp -- "$a" "$D/files/$k"; printf 'file %s %s\n' "$k" "$a"; fi
      prev=$a
    done
  fi
} >> "$D/log"
if [ -f "$D/fail-match" ]; then
  IFS= read -r m < "$D/fail-match"
  case "$T $*" in *"$m"*)
    cat "$D/fail-stderr" >&2; read -r c < "$D/fail-code"
    if [ -f "$D/fail-once" ]; then rm -f "$D/fail-match"; fi
    exit "$c";;
  esac
fi
if [ "$1" = --context ]; then
  if ! has "$D/contexts" "$2"; then echo "error: context \"$2\" does not exist" >&2; exit 1; fi
  shift 2
fi
case "$T $1 $2" in
  "kind get clusters")
    if [ -s "$D/kind-clusters" ]; then cat "$D/kind-clusters"; else echo "No kind clusters found." >&2; fi
    exit 0;;
  "kind create cluster")
    name=; prev=
    for a in "$@"; do if [ "$prev" = --name ]; then name=$a; fi; prev=$a; done
    if has "$D/kind-clusters" "$name"; then echo "ERROR: failed to create cluster: node(s) already exist for a cluster with the name \"$name\"" >&2; exit 1; fi
    echo "$name" >> "$D/kind-clusters"; echo "kind-$name" >> "$D/contexts"
    echo "Creating cluster \"$name\" ..." >&2
    exit 0;;
  "kubectl config get-contexts") cat "$D/contexts"; exit 0;;
  "kubectl config view") cat "$D/api-server"; exit 0;;
  "kubectl get namespace") cat "$D/kube-system-uid"; exit 0;;
  "kubectl version"*) read -r v < "$D/server-version"; printf '{"clientVersion":{"gitVersion":"v1.37.2"},"serverVersion":{"gitVersion":"%s"}}\n' "$v"; exit 0;;
  "kubectl get applications.argoproj.io")
    read -r i < "$D/apps-index"; read -r n < "$D/apps-count"; echo $((i + 1)) > "$D/apps-index"
    if [ "$n" -eq 0 ]; then echo '{"apiVersion":"v1","kind":"List","items":[]}'; exit 0; fi
    if [ "$i" -ge "$n" ]; then i=$((n - 1)); fi
    cat "$D/apps/$i.json"; exit 0;;
  "kubectl apply"*) echo "applied"; exit 0;;
  "kubectl wait"*) echo "condition met"; exit 0;;
  "kubectl rollout"*) echo "successfully rolled out"; exit 0;;
  "helm template"*) cat "$D/helm-output"; exit 0;;
esac
echo "$T: the fake does not know: $*" >&2
exit 64
`;

/** What the fake `helm template` prints: two CRDs, Argo CD's three workloads, one scaled to zero, and a ConfigMap. */
export const HELM_OUTPUT = `---
# Source: argo-cd/templates/crds/crd-application.yaml
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: applications.argoproj.io
spec:
  group: argoproj.io
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: appprojects.argoproj.io
spec:
  group: argoproj.io
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: argocd-cm
  namespace: argocd
data:
  exec.enabled: "false"
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: argo-cd-argocd-server
  namespace: argocd
spec:
  replicas: 1
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: argo-cd-argocd-repo-server
  namespace: argocd
spec:
  replicas: 1
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: argo-cd-argocd-applicationset-controller
  namespace: argocd
spec:
  replicas: 0
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: argo-cd-argocd-application-controller
  namespace: argocd
spec:
  replicas: 1
`;

export interface FakeWorld {
  dir: string;
  bin: string;
  env: Record<string, string>;
  log(): LogEntry[];
  clearLog(): void;
  remove(): void;
}

const shQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export function fakeWorld(initial: Partial<FakeState> = {}, opts: { tools?: readonly string[] } = {}): FakeWorld {
  const dir = mkdtempSync(join(tmpdir(), "berth-bootstrap-"));
  const bin = join(dir, "bin");
  for (const d of [bin, join(dir, "apps"), join(dir, "files"), join(dir, "util")]) mkdirSync(d);
  // The few utilities the fakes use, so the PATH berth sees holds nothing but the fakes.
  for (const u of ["cat", "wc", "ls", "cp", "rm"]) {
    const path = findOnPath(u, process.env.PATH);
    if (!path) throw new Error(`the fakes need ${u} on PATH`);
    symlinkSync(path, join(dir, "util", u));
  }
  for (const tool of opts.tools ?? ["kind", "kubectl", "helm"]) {
    const p = join(bin, tool);
    // String.raw keeps the backslash of \${…} (written so to stop interpolation): drop it.
    writeFileSync(p, SCRIPT.replaceAll("\\${", "${").replace("__DIR__", shQuote(dir)).replace("__TOOL__", tool));
    chmodSync(p, 0o755);
  }
  const state: FakeState = { kindClusters: [], contexts: [], serverVersion: "v1.37.2", applications: [], helmOutput: HELM_OUTPUT, ...initial };
  const lines = (xs: string[]) => xs.map((x) => `${x}\n`).join("");
  writeFileSync(join(dir, "kind-clusters"), lines(state.kindClusters));
  writeFileSync(join(dir, "contexts"), lines(state.contexts));
  writeFileSync(join(dir, "server-version"), state.serverVersion);
  writeFileSync(join(dir, "helm-output"), state.helmOutput);
  writeFileSync(join(dir, "api-server"), state.apiServer ?? "");
  writeFileSync(join(dir, "kube-system-uid"), state.kubeSystemUID ?? "");
  state.applications.forEach((a, i) => writeFileSync(join(dir, "apps", `${i}.json`), JSON.stringify(a)));
  writeFileSync(join(dir, "apps-count"), String(state.applications.length));
  writeFileSync(join(dir, "apps-index"), "0");
  if (state.fail) {
    writeFileSync(join(dir, "fail-match"), state.fail.match);
    writeFileSync(join(dir, "fail-code"), String(state.fail.code));
    writeFileSync(join(dir, "fail-stderr"), state.fail.stderr);
    if (state.fail.once) writeFileSync(join(dir, "fail-once"), "");
  }
  const logPath = join(dir, "log");
  return {
    dir,
    bin,
    // Only the fakes on PATH: no real kind/kubectl/helm can be reached.
    env: { PATH: bin, BERTH_TOOLS: "path", HOME: join(dir, "home"), KUBECONFIG: join(dir, "kubeconfig") },
    log: () => (existsSync(logPath) ? parseLog(readFileSync(logPath, "utf8"), dir) : []),
    clearLog: () => rmSync(logPath, { force: true }),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

function parseLog(text: string, dir: string): LogEntry[] {
  const out: LogEntry[] = [];
  for (const record of text.split(/^@@ /m).filter(Boolean)) {
    const [tool, ...lines] = record.replace(/\n$/, "").split("\n");
    const e: LogEntry = { tool: tool!, args: [], cwd: "", stdinBytes: 0, stdinKinds: [], env: {} };
    for (const line of lines) {
      const sp = line.indexOf(" ");
      const key = sp < 0 ? line : line.slice(0, sp);
      const value = sp < 0 ? "" : line.slice(sp + 1);
      if (key === "arg") e.args.push(value);
      else if (key === "cwd") e.cwd = value;
      else if (key === "kubeconfig") e.env.KUBECONFIG = value;
      else if (key === "home") e.env.HOME = value;
      else if (key === "stdin") e.stdinBytes = Number(value.trim());
      else if (key === "kinds") e.stdinKinds = value.split(" ").filter(Boolean);
      else if (key === "marks") e.stdinMarks = value.split("|").filter(Boolean);
      else if (key === "file") {
        const [n, ...path] = value.split(" ");
        e.helmFiles = { ...e.helmFiles, [path.join(" ")]: readFileSync(join(dir, "files", n!), "utf8") };
      }
    }
    out.push(e);
  }
  return out;
}

/** A fake clock: sleeping advances it instantly. */
export function fakeDeps(overrides: Partial<BootstrapDeps> = {}): BootstrapDeps & { clock: { t: number } } {
  const clock = { t: Date.UTC(2026, 2, 1) };
  return {
    ...defaultBootstrapDeps(),
    now: () => clock.t,
    sleep: async (ms) => {
      clock.t += ms;
    },
    pollIntervalMs: 5_000,
    ...overrides,
    clock,
  };
}

export interface Captured {
  io: CommandIO;
  stdout: () => string;
  stderr: () => string;
}

export function captureIO(cwd: string, env: Record<string, string>): Captured {
  let out = "";
  let err = "";
  return {
    io: { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) }, cwd, env },
    stdout: () => out,
    stderr: () => err,
  };
}

/** A copy of the example fleet (apps, clusters, secrets, bootstrap) in a temp directory. */
export function copyExampleFleet(repoRoot: string): string {
  const root = mkdtempSync(join(tmpdir(), "berth-fleet-"));
  for (const d of ["apps", "clusters", "secrets", "bootstrap"]) cpSync(join(repoRoot, d), join(root, d), { recursive: true });
  return root;
}

/** An Application as `kubectl get applications -o json` lists it. */
export function application(name: string, sync: string, health: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Application",
    metadata: { name, namespace: "argocd" },
    status: { sync: { status: sync }, health: { status: health }, ...extra },
  };
}

export const list = (items: unknown[]) => ({ apiVersion: "v1", kind: "List", items });

/**
 * A sealing key pair like `berth keys generate` makes, but RSA-2048 so tests stay fast (bootstrap
 * only checks that the key belongs to the certificate).
 */
export async function quickKeyPair(): Promise<{ certPem: string; privateKeyPem: string }> {
  const algorithm = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256", publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 };
  const keys = await webcrypto.subtle.generateKey(algorithm, true, ["sign", "verify"]);
  const notBefore = new Date(Math.floor(Date.now() / 1000) * 1000);
  const cert = await x509().X509CertificateGenerator.createSelfSigned({
    serialNumber: "01",
    name: [],
    notBefore,
    notAfter: new Date(notBefore.getTime() + 365 * 86_400_000),
    signingAlgorithm: algorithm,
    keys,
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey("pkcs8", keys.privateKey));
  const privateKeyPem = createPrivateKey({ key: pkcs8, format: "der", type: "pkcs8" }).export({ type: "pkcs1", format: "pem" }).toString();
  return { certPem: `${cert.toString("pem")}\n`, privateKeyPem };
}
