import { Command, CommanderError, Option } from "commander";
import { resolve } from "node:path";
import { EnvironmentError, ExitError, UserError } from "./errors.js";
import type { CommandIO, ExitCode } from "./commands/context.js";
import { scrubSecrets } from "./scrub.js";

const VERSION = "0.1.0";

/**
 * The CLI and berth's single error boundary: commands throw typed errors or return an exit
 * code; only here are they printed and mapped to 0 (ok), 1 (problem or difference found) or
 * 2 (could not run). Command modules are imported lazily so `berth --help` stays fast.
 */
export async function main(argv: readonly string[], io: CommandIO): Promise<ExitCode> {
  let code: ExitCode = 0;
  const program = new Command("berth")
    .description("GitOps for a fleet of Kubernetes clusters: generate Argo CD app-of-apps, seal secrets, preview changes.")
    .version(VERSION)
    .option("-C, --root <dir>", "repository root", ".")
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .showSuggestionAfterError(true);
  const root = () => resolve(io.cwd, program.opts<{ root: string }>().root);

  program
    .command("generate")
    .description("write each cluster's Argo CD Applications and AppProjects under clusters/<name>/argocd/")
    .option("--cluster <name>", "only this cluster")
    .option("--check", "write nothing; exit 1 listing stale files when committed output is out of date", false)
    .action(async (o: { cluster?: string; check: boolean }) => {
      const { runGenerate } = await import("./commands/generate.js");
      code = await runGenerate({ root: root(), cluster: o.cluster, check: o.check }, io);
    });

  program
    .command("validate")
    .description("check inputs, cross-references and every generated object against the Argo CD schemas")
    .option("--cluster <name>", "only this cluster")
    .action(async (o: { cluster?: string }) => {
      const { runValidate } = await import("./commands/validate.js");
      code = runValidate({ root: root(), cluster: o.cluster }, io);
    });

  program
    .command("graph")
    .description("print a Mermaid diagram of a cluster's layers, sync waves and dependencies")
    .addOption(new Option("--cluster <name>", "the cluster").makeOptionMandatory())
    .action(async (o: { cluster: string }) => {
      const { runGraph } = await import("./commands/graph.js");
      code = runGraph({ root: root(), cluster: o.cluster }, io);
    });

  program
    .command("fleet")
    .description("print a Markdown table of which systems run on which cluster, in which namespaces")
    .option("--cluster <name>", "only this cluster")
    .action(async (o: { cluster?: string }) => {
      const { runFleet } = await import("./commands/fleet.js");
      code = runFleet({ root: root(), cluster: o.cluster }, io);
    });

  program
    .command("render")
    .description("print the rendered Kubernetes manifests of a cluster's apps, as Argo CD would apply them (real helm/kustomize)")
    .addOption(new Option("--cluster <name>", "the cluster").makeOptionMandatory())
    .option("--app <name...>", "only these apps (app or Application names)", [])
    .action(async (o: { cluster: string; app: string[] }) => {
      const { runRender } = await import("./commands/render.js");
      code = await runRender({ root: root(), cluster: o.cluster, apps: o.app }, io);
    });

  const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];
  program
    .command("seal")
    .description("seal values into secrets/<cluster>/<namespace>/<name>.yaml (a SealedSecret); values are never written or printed")
    // Commander echoes a mistyped `--opt=value` in full; the value may be a secret.
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s.replace(/'(--[^=' ]+)=[^']*'/g, "'$1=…'")) })
    .option("--cluster <name>", "the cluster whose certificate seals the values")
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
    .action(async (o: { cluster?: string; allClusters?: boolean; namespace: string; name: string; scope?: "strict" | "namespace-wide" | "cluster-wide"; type?: string; fromLiteral?: string[]; fromFile?: string[]; fromEnvFile?: string[]; fromStdin?: string[]; random?: string[] }) => {
      const { runSeal } = await import("./commands/seal.js");
      const sources = { literal: o.fromLiteral ?? [], file: o.fromFile ?? [], envFile: o.fromEnvFile ?? [], stdin: o.fromStdin ?? [], random: o.random ?? [] };
      code = await runSeal({ root: root(), cluster: o.cluster, allClusters: o.allClusters ?? false, namespace: o.namespace, name: o.name, scope: o.scope, type: o.type, sources }, io);
    });

  const keys = program.command("keys").description("manage a cluster's sealing key pair");
  keys
    .command("generate")
    .description("create an RSA-4096 sealing key and self-signed certificate: the certificate into clusters/<cluster>/sealing-cert.pem, the key only to --out")
    .addOption(new Option("--cluster <name>", "the cluster").makeOptionMandatory())
    .addOption(new Option("--out <path>", "where to write the private key (outside the repository, a new file, mode 0600)").makeOptionMandatory())
    .option("--force", "replace an existing certificate (every SealedSecret of the cluster must then be resealed)", false)
    .action(async (o: { cluster: string; out: string; force: boolean }) => {
      const { runKeysGenerate } = await import("./commands/keys.js");
      code = await runKeysGenerate({ root: root(), cluster: o.cluster, out: o.out, force: o.force }, io);
    });
  keys
    .command("secret")
    .description("print the kube-system Secret the sealed-secrets controller loads the cluster's key from (for kubectl apply)")
    .addOption(new Option("--cluster <name>", "the cluster").makeOptionMandatory())
    .addOption(new Option("--key <path>", "the private key file").makeOptionMandatory())
    .action(async (o: { cluster: string; key: string }) => {
      const { runKeysSecret } = await import("./commands/keys.js");
      code = runKeysSecret({ root: root(), cluster: o.cluster, key: o.key }, io);
    });

  program
    .command("secrets")
    .description("inspect the fleet's sealed secrets")
    .command("status")
    .description("per cluster: secrets missing for the apps that consume them, sealed with an old certificate, or unused")
    .option("--cluster <name>", "only this cluster")
    .action(async (o: { cluster?: string }) => {
      const { runSecretsStatus } = await import("./commands/secrets-status.js");
      code = runSecretsStatus({ root: root(), cluster: o.cluster }, io);
    });

  program
    .command("bootstrap")
    .description("take a bare cluster to \"Argo CD is reconciling this repository\": kind cluster (kind), sealing key, Argo CD with its own values, root app, live progress")
    .addOption(new Option("--cluster <name>", "the cluster").makeOptionMandatory())
    .option("--dry-run", "print the numbered plan (every command) and run nothing", false)
    .option("--context <context>", "kube context (kind: kind-<cluster>, the default; k3s/cloud: required, and its name must contain the cluster's)")
    .option("--key <path>", "the cluster's sealing private key (berth keys generate --out), installed before the controller starts")
    .option("--timeout <duration>", "how long to wait in all for Argo CD and every Application to be Synced and Healthy (e.g. 15m, 1h30m)", "15m")
    .action(async (o: { cluster: string; dryRun: boolean; context?: string; key?: string; timeout: string }) => {
      const { runBootstrap } = await import("./commands/bootstrap.js");
      const { parseDuration } = await import("./bootstrap/duration.js");
      const timeoutMs = parseDuration(o.timeout);
      if (timeoutMs === undefined) throw new EnvironmentError(`--timeout ${o.timeout} is not a duration`, "give it like 15m, 90s or 1h30m");
      code = await runBootstrap({ root: root(), cluster: o.cluster, dryRun: o.dryRun, context: o.context, key: o.key, timeoutMs }, io);
    });

  program
    .command("preview")
    .description("preview a change: what --base and --head (default: the working tree) deploy, per cluster, app and resource; secrets by key only")
    .addOption(new Option("--base <rev>", "the base revision (branch, tag, SHA, HEAD~3…)").makeOptionMandatory())
    .option("--head <rev>", "the head revision (default: the working tree, uncommitted changes included)")
    .option("--cluster <name>", "only this cluster")
    .option("--render", "also render changed Applications with helm/kustomize and diff their resources", false)
    .addOption(new Option("--format <format>", "output format").choices(["markdown", "text"]).default("markdown"))
    .option("--max-comment-chars <n>", "markdown: split into parts of at most this many characters (UTF-8 bytes)", "65000")
    .option("--out-dir <dir>", "write part-1.md … here (and keep the render cache here) instead of printing")
    .action(async (o: { base: string; head?: string; cluster?: string; render: boolean; format: "markdown" | "text"; maxCommentChars: string; outDir?: string }) => {
      const { runPreview } = await import("./commands/preview.js");
      const { MIN_MAX_COMMENT_CHARS } = await import("./preview/format.js");
      const max = Number(o.maxCommentChars);
      if (!Number.isInteger(max) || max < MIN_MAX_COMMENT_CHARS) throw new EnvironmentError(`--max-comment-chars ${o.maxCommentChars} is not a whole number of at least ${MIN_MAX_COMMENT_CHARS}`, "GitHub accepts comments up to 65536 characters; the default is 65000");
      code = await runPreview({ root: root(), base: o.base, head: o.head, cluster: o.cluster, render: o.render, format: o.format, maxCommentChars: max, outDir: o.outDir === undefined ? undefined : resolve(io.cwd, o.outDir) }, io);
    });

  try {
    await program.parseAsync([...argv], { from: "user" });
    return code;
  } catch (e) {
    return report(e, io);
  }
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
    `berth: internal error (this is a bug in berth ${VERSION}, please report it with the command you ran):\n  ${scrubSecrets(err.message)}\n`,
  );
  if (io.env.BERTH_DEBUG) io.stderr.write(`${scrubSecrets(err.stack ?? "")}\n`);
  return 2;
}
