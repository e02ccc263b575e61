import { Argument, Command, CommanderError, Option } from "commander";
import { resolve } from "node:path";
import { EnvironmentError, ExitError, UserError } from "./errors.js";
import type { CommandIO, ExitCode } from "./commands/context.js";
import { scrubSecrets } from "./scrub.js";
import { packageVersion } from "./version.js";
import { clusterOf, withCluster, withExamples } from "./cli-conventions.js";


/**
 * The CLI and berth's single error boundary: commands throw typed errors or return an exit
 * code; only here are they printed and mapped to 0 (ok), 1 (problem or difference found) or
 * 2 (could not run). Command modules are imported lazily so `berth --help` stays fast.
 */
export async function main(argv: readonly string[], io: CommandIO): Promise<ExitCode> {
  let code: ExitCode = 0;
  const program = new Command("berth")
    .description("GitOps for a fleet of Kubernetes clusters: generate Argo CD app-of-apps, seal secrets, preview changes.")
    .version(packageVersion())
    .option("-C, --root <dir>", "repository root", ".")
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s), outputError: (s, write) => write(berthPrefixed(s)) })
    .showSuggestionAfterError(true);
  withExamples(program, ["berth generate && berth validate", "berth bootstrap laptop --dry-run", "berth -C ../my-fleet preview --base main", "berth completion bash > /etc/bash_completion.d/berth"]);
  const root = () => resolve(io.cwd, program.opts<{ root: string }>().root);

  withExamples(withCluster(program.command("generate"), "only this cluster"), ["berth generate", "berth generate laptop", "berth generate --check   # in CI: exit 1 when the committed output is stale"])
    .description("write each cluster's Argo CD Applications and AppProjects under clusters/<name>/argocd/")
    .option("--check", "write nothing; exit 1 listing stale files when committed output is out of date", false)
    .action(async (cluster: string | undefined, o: { cluster?: string; check: boolean }) => {
      const { runGenerate } = await import("./commands/generate.js");
      code = runGenerate({ root: root(), cluster: clusterOf("generate", cluster, o.cluster, false), check: o.check }, io);
    });

  withExamples(withCluster(program.command("validate"), "only this cluster"), ["berth validate", "berth validate laptop", "berth generate --check && berth validate   # the CI gate"])
    .description("check inputs, cross-references and every generated object against the Argo CD schemas")
    .action(async (cluster: string | undefined, o: { cluster?: string }) => {
      const { runValidate } = await import("./commands/validate.js");
      code = runValidate({ root: root(), cluster: clusterOf("validate", cluster, o.cluster, false) }, io);
    });

  withExamples(withCluster(program.command("graph"), "the cluster"), ["berth graph pi", "berth graph laptop > laptop.md"])
    .description("print a Mermaid diagram of a cluster's layers, sync waves and dependencies")
    .action(async (cluster: string | undefined, o: { cluster?: string }) => {
      const { runGraph } = await import("./commands/graph.js");
      code = runGraph({ root: root(), cluster: clusterOf("graph", cluster, o.cluster, true) }, io);
    });

  withExamples(withCluster(program.command("fleet"), "only this cluster"), ["berth fleet", "berth fleet cloud"])
    .description("print a Markdown table of which systems run on which cluster, in which namespaces")
    .action(async (cluster: string | undefined, o: { cluster?: string }) => {
      const { runFleet } = await import("./commands/fleet.js");
      code = runFleet({ root: root(), cluster: clusterOf("fleet", cluster, o.cluster, false) }, io);
    });

  withExamples(withCluster(program.command("render"), "the cluster"), ["berth render laptop --app cert-manager", "berth render pi > pi-manifests.yaml"])
    .description("print the rendered Kubernetes manifests of a cluster's apps, as Argo CD would apply them (real helm/kustomize)")
    .option("--app <name...>", "only these apps (app or Application names)", [])
    .action(async (cluster: string | undefined, o: { cluster?: string; app: string[] }) => {
      const { runRender } = await import("./commands/render.js");
      code = await runRender({ root: root(), cluster: clusterOf("render", cluster, o.cluster, true), apps: o.app }, io);
    });

  const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];
  withExamples(program.command("seal"), [
    "berth seal laptop --namespace hash --name hash-db --random password",
    "berth seal --all-clusters --namespace infra --name smtp --from-file password=./smtp-password.txt",
    "printf %s \"$TOKEN\" | berth seal cloud --namespace synapse --name synapse-oidc --from-stdin client-secret",
  ])
    .argument("[cluster]", "the cluster whose certificate seals the values")
    .description("seal values into secrets/<cluster>/<namespace>/<name>.yaml (a SealedSecret); values are never written or printed")
    // Commander echoes a mistyped `--opt=value` in full; the value may be a secret.
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s.replace(/'(--[^=' ]+)=[^']*'/g, "'$1=…'")) })
    .option("--cluster <name>", "the cluster whose certificate seals the values (same as the positional argument)")
    .option("--all-clusters", "seal for every cluster where an app consumes this secret in this namespace")
    .addOption(new Option("--namespace <namespace>", "the Secret's namespace").makeOptionMandatory())
    .addOption(new Option("--name <name>", "the Secret's name").makeOptionMandatory())
    .addOption(new Option("--scope <scope>", "sealing scope (default: the existing file's, else strict)").choices(["strict", "namespace-wide", "cluster-wide"]))
    .option("--type <type>", "Secret type (default: the existing file's, else what the consuming apps declare, else Opaque)")
    .option("--from-literal <key=value>", "a value from the command line (repeatable)", collect)
    .option("--from-file <[key=]path>", "a value from a file, key defaulting to the file name (repeatable)", collect)
    .option("--from-env-file <path>", "KEY=VALUE lines from a file (repeatable)", collect)
    .option("--from-stdin <key>", "a value read from standard input (once: stdin holds one value)", collect)
    .option("--random <key[:bytes]>", "a fresh random value (32 bytes unless given, base64url), sealed without ever being shown (repeatable)", collect)
    .action(async (cluster: string | undefined, o: { cluster?: string; allClusters?: boolean; namespace: string; name: string; scope?: "strict" | "namespace-wide" | "cluster-wide"; type?: string; fromLiteral?: string[]; fromFile?: string[]; fromEnvFile?: string[]; fromStdin?: string[]; random?: string[] }) => {
      const { runSeal } = await import("./commands/seal.js");
      const sources = { literal: o.fromLiteral ?? [], file: o.fromFile ?? [], envFile: o.fromEnvFile ?? [], stdin: o.fromStdin ?? [], random: o.random ?? [] };
      code = await runSeal({ root: root(), cluster: clusterOf("seal", cluster, o.cluster, false), allClusters: o.allClusters ?? false, namespace: o.namespace, name: o.name, scope: o.scope, type: o.type, sources }, io);
    });

  const keys = withExamples(program.command("keys"), ["berth keys generate pi --out ~/keys/pi.key", "berth keys secret pi --key ~/keys/pi.key | kubectl apply -f -"]).description("manage a cluster's sealing key pair");
  withExamples(withCluster(keys.command("generate"), "the cluster"), ["berth keys generate pi --out ~/keys/pi.key"])
    .description("create an RSA-4096 sealing key and self-signed certificate: the certificate into clusters/<cluster>/sealing-cert.pem, the key only to --out")
    .addOption(new Option("--out <path>", "where to write the private key (outside the repository, a new file, mode 0600)").makeOptionMandatory())
    .option("--force", "replace an existing certificate (every SealedSecret of the cluster must then be resealed)", false)
    .action(async (cluster: string | undefined, o: { cluster?: string; out: string; force: boolean }) => {
      const { runKeysGenerate } = await import("./commands/keys.js");
      code = await runKeysGenerate({ root: root(), cluster: clusterOf("keys generate", cluster, o.cluster, true), out: o.out, force: o.force }, io);
    });
  withExamples(withCluster(keys.command("secret"), "the cluster"), ["berth keys secret pi --key ~/keys/pi.key | kubectl --context pi apply -f -"])
    .description("print the kube-system Secret the sealed-secrets controller loads the cluster's key from (for kubectl apply)")
    .addOption(new Option("--key <path>", "the private key file").makeOptionMandatory())
    .action(async (cluster: string | undefined, o: { cluster?: string; key: string }) => {
      const { runKeysSecret } = await import("./commands/keys.js");
      code = runKeysSecret({ root: root(), cluster: clusterOf("keys secret", cluster, o.cluster, true), key: o.key }, io);
    });

  const secrets = withExamples(program.command("secrets"), ["berth secrets status", "berth secrets status cloud"]).description("inspect the fleet's sealed secrets");
  withExamples(withCluster(secrets.command("status"), "only this cluster"), ["berth secrets status", "berth secrets status cloud"])
    .description("per cluster: secrets missing for the apps that consume them, sealed with an old certificate, or unused")
    .action(async (cluster: string | undefined, o: { cluster?: string }) => {
      const { runSecretsStatus } = await import("./commands/secrets-status.js");
      code = runSecretsStatus({ root: root(), cluster: clusterOf("secrets status", cluster, o.cluster, false) }, io);
    });

  withExamples(withCluster(program.command("bootstrap"), "the cluster"), ["berth bootstrap laptop --dry-run", "berth bootstrap laptop --key ~/keys/laptop.key", "berth bootstrap pi --context k3s-pi --key ~/keys/pi.key --timeout 30m"])
    .description("take a bare cluster to \"Argo CD is reconciling this repository\": kind cluster (kind), sealing key, Argo CD with its own values, root app, live progress")
    .option("--dry-run", "print the numbered plan (every command) and run nothing", false)
    .option("--context <context>", "kube context (kind: kind-<cluster>, the default; k3s/cloud: required, and its name must contain the cluster's)")
    .option("--key <path>", "the cluster's sealing private key (berth keys generate --out), installed before the controller starts")
    .option("--timeout <duration>", "how long to wait in all for Argo CD and every Application to be Synced and Healthy (e.g. 15m, 1h30m)", "15m")
    .action(async (cluster: string | undefined, o: { cluster?: string; dryRun: boolean; context?: string; key?: string; timeout: string }) => {
      const { runBootstrap } = await import("./commands/bootstrap.js");
      const { parseDuration } = await import("./bootstrap/duration.js");
      const timeoutMs = parseDuration(o.timeout);
      if (timeoutMs === undefined) throw new EnvironmentError(`--timeout ${o.timeout} is not a duration`, "give it like 15m, 90s or 1h30m");
      code = await runBootstrap({ root: root(), cluster: clusterOf("bootstrap", cluster, o.cluster, true), dryRun: o.dryRun, context: o.context, key: o.key, timeoutMs }, io);
    });

  withExamples(withCluster(program.command("preview"), "only this cluster"), ["berth preview --base main", "berth preview --base main --render --format text laptop", "berth preview --base origin/main --head HEAD --out-dir preview/"])
    .description("preview a change: what --base and --head (default: the working tree) deploy, per cluster, app and resource; secrets by key only")
    .addOption(new Option("--base <rev>", "the base revision (branch, tag, SHA, HEAD~3…)").makeOptionMandatory())
    .option("--head <rev>", "the head revision (default: the working tree, uncommitted changes included)")
    .option("--render", "also render changed Applications with helm/kustomize and diff their resources", false)
    .addOption(new Option("--format <format>", "output format").choices(["markdown", "text"]).default("markdown"))
    .option("--max-comment-chars <n>", "markdown: split into parts of at most this many characters (UTF-8 bytes)", "65000")
    .option("--out-dir <dir>", "write part-1.md … here (and keep the render cache here) instead of printing")
    .action(async (cluster: string | undefined, o: { base: string; head?: string; cluster?: string; render: boolean; format: "markdown" | "text"; maxCommentChars: string; outDir?: string }) => {
      const { runPreview } = await import("./commands/preview.js");
      const { MIN_MAX_COMMENT_CHARS } = await import("./preview/format.js");
      const max = Number(o.maxCommentChars);
      if (!Number.isInteger(max) || max < MIN_MAX_COMMENT_CHARS) throw new EnvironmentError(`--max-comment-chars ${o.maxCommentChars} is not a whole number of at least ${MIN_MAX_COMMENT_CHARS}`, "GitHub accepts comments up to 65536 characters; the default is 65000");
      code = await runPreview({ root: root(), base: o.base, head: o.head, cluster: clusterOf("preview", cluster, o.cluster, false), render: o.render, format: o.format, maxCommentChars: max, outDir: o.outDir === undefined ? undefined : resolve(io.cwd, o.outDir) }, io);
    });

  withExamples(program.command("completion"), ["berth completion bash > /etc/bash_completion.d/berth", "echo 'source <(berth completion zsh)' >> ~/.zshrc"])
    .description("print shell completion for bash or zsh (commands, options, cluster and app names)")
    .addArgument(new Argument("<shell>", "the shell").choices(["bash", "zsh"]))
    .action(async (shell: "bash" | "zsh") => {
      const { completionScript } = await import("./completion.js");
      io.stdout.write(completionScript(shell, program));
    });
  program
    .command("__names", { hidden: true })
    .argument("<kind>", "clusters or apps")
    .action(async (kind: string) => {
      const { repositoryNames } = await import("./completion.js");
      if (kind === "clusters" || kind === "apps") for (const n of repositoryNames(root(), kind)) io.stdout.write(`${n}\n`);
    });

  try {
    await program.parseAsync([...argv], { from: "user" });
    return code;
  } catch (e) {
    return report(e, io);
  }
}

/** Commander's own errors (`error: unknown option …`) carry berth's prefix like every other message. */
function berthPrefixed(message: string): string {
  return message.replace(/^error: /, "berth: ");
}

function report(e: unknown, io: CommandIO): ExitCode {
  if (e instanceof CommanderError) {
    // Commander has already printed its message (or the help/version text).
    return e.exitCode === 0 ? 0 : 2;
  }
  if (e instanceof UserError) {
    io.stderr.write(`${scrubSecrets(e.message)}\n`);
    const n = e.diagnostics.length;
    io.stderr.write(`berth: ${n} problem${n === 1 ? "" : "s"} found; nothing was written\n`);
    return 1;
  }
  if (e instanceof EnvironmentError) {
    io.stderr.write(`berth: ${scrubSecrets(e.message)}\n${e.hint ? `  fix: ${e.hint}\n` : ""}`);
    return 2;
  }
  if (e instanceof ExitError) {
    if (e.message) io.stderr.write(`${scrubSecrets(e.message)}\n`);
    return e.exitCode;
  }
  const sys = e as NodeJS.ErrnoException;
  if (typeof sys?.code === "string" && typeof sys.syscall === "string") {
    io.stderr.write(`berth: could not ${sys.syscall} ${sys.path ?? ""}: ${sys.code}\n  fix: check that the path exists and is readable, or pass --root <repository>\n`);
    return 2;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  io.stderr.write(
    `berth: internal error (this is a bug in berth ${packageVersion()}, please report it with the command you ran):\n  ${scrubSecrets(err.message)}\n`,
  );
  if (io.env.BERTH_DEBUG) io.stderr.write(`${scrubSecrets(err.stack ?? "")}\n`);
  return 2;
}
