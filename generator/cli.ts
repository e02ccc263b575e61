import { Argument, Command, CommanderError, Option } from "commander";
import { isAbsolute, relative, resolve } from "node:path";
import { EnvironmentError, ExitError, UserError } from "./errors.js";
import type { CommandIO, ExitCode } from "./commands/context.js";
import type { OutputFormat } from "./findings/report.js";
import { scrubSecrets } from "./scrub.js";
import { packageVersion } from "./version.js";
import { clusterOf, examplesText, FINDINGS_FORMAT_HELP, FINDINGS_FORMATS, withCluster, withExamples, withFormat } from "./cli-conventions.js";


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
    // Program options go before the command (`berth -C dir generate`), so that a command may
    // have options of the same name: `berth new app … --version 1.2.3` is the chart's version.
    .enablePositionalOptions()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s), outputError: (s, write) => write(berthPrefixed(s)) })
    .showSuggestionAfterError(true);
  withExamples(program, ["berth generate && berth validate", "berth bootstrap laptop --dry-run", "berth -C ../my-fleet preview --base main", "berth completion bash > /etc/bash_completion.d/berth"]);
  const root = () => resolve(io.cwd, program.opts<{ root: string }>().root);

  withExamples(withFormat(withCluster(program.command("generate"), "only this cluster"), FINDINGS_FORMATS, FINDINGS_FORMAT_HELP), ["berth generate", "berth generate laptop", "berth generate --check   # in CI: exit 1 when the committed output is stale"])
    .description("write each cluster's Argo CD Applications and AppProjects under clusters/<name>/argocd/")
    .option("--check", "write nothing; exit 1 listing stale files when committed output is out of date", false)
    .action(async (cluster: string | undefined, o: { cluster?: string; check: boolean; format: OutputFormat }) => {
      const { runGenerate } = await import("./commands/generate.js");
      const { runWithFindings } = await import("./findings/report.js");
      const only = clusterOf("generate", cluster, o.cluster, false);
      code = await runWithFindings(o.format, o.check ? "berth generate --check" : "berth generate", !o.check, io, (io, report) => runGenerate({ root: root(), cluster: only, check: o.check }, io, report));
    });

  const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

  withExamples(withFormat(withCluster(program.command("validate"), "only this cluster"), FINDINGS_FORMATS, FINDINGS_FORMAT_HELP), ["berth validate", "berth validate laptop", "berth generate --check && berth validate   # the CI gate"])
    .description("check inputs, cross-references and every generated object against the Argo CD schemas")
    .option("--render", "also render every app with helm/kustomize and check what it renders against the Kubernetes schemas, its AppProject and the budget", false)
    .option("--strict", "fail on a remote resource pinned by a tag, and (with --render) on a remote chart that could not be fetched and rendered", false)
    .option("--key <path>", "a cluster's private sealing key file (outside the repository): SealedSecrets are opened with it instead of trusting berth's annotation (repeatable)", collect)
    .action(async (cluster: string | undefined, o: { cluster?: string; format: OutputFormat; render: boolean; strict: boolean; key?: string[] }) => {
      const { runValidate, renderForValidate } = await import("./commands/validate.js");
      const { runWithFindings } = await import("./findings/report.js");
      const only = clusterOf("validate", cluster, o.cluster, false);
      const rendered = o.render ? await renderForValidate({ root: root(), cluster: only }, io) : undefined;
      const title = o.render ? "berth validate --render" : "berth validate";
      code = await runWithFindings(o.format, title, false, io, (io) => runValidate({ root: root(), cluster: only, rendered, strict: o.strict, keys: o.key ?? [] }, io));
    });

  withExamples(withFormat(withCluster(program.command("graph"), "the cluster"), ["mermaid", "json"], "mermaid (a Markdown code block) or json ({cluster, nodes, edges})"), ["berth graph pi", "berth graph laptop > laptop.md", "berth graph pi -o json | jq '.edges'"])
    .description("print a Mermaid diagram of a cluster's layers, sync waves and dependencies")
    .action(async (cluster: string | undefined, o: { cluster?: string; format: "mermaid" | "json" }) => {
      const { runGraph } = await import("./commands/graph.js");
      code = runGraph({ root: root(), cluster: clusterOf("graph", cluster, o.cluster, true), format: o.format }, io);
    });

  withExamples(withFormat(withCluster(program.command("fleet"), "only this cluster"), ["markdown", "json"], "markdown (a table) or json (one array of rows: {system, cluster, namespace, apps})"), ["berth fleet", "berth fleet cloud", "berth fleet -o json"])
    .description("print a Markdown table of which systems run on which cluster, in which namespaces")
    .action(async (cluster: string | undefined, o: { cluster?: string; format: "markdown" | "json" }) => {
      const { runFleet } = await import("./commands/fleet.js");
      code = runFleet({ root: root(), cluster: clusterOf("fleet", cluster, o.cluster, false), format: o.format }, io);
    });

  withExamples(withFormat(withCluster(program.command("render"), "the cluster"), ["yaml", "json"], "yaml (one stream) or json (one array of {cluster, app, wave, namespace, objects})"), ["berth render laptop --app cert-manager", "berth render pi > pi-manifests.yaml", "berth render pi -o json | jq '.[].objects[].kind'"])
    .description("print the rendered Kubernetes manifests of a cluster's apps, as Argo CD would apply them (real helm/kustomize)")
    .option("--app <name...>", "only these apps (app or Application names)", [])
    .action(async (cluster: string | undefined, o: { cluster?: string; app: string[]; format: "yaml" | "json" }) => {
      const { runRender } = await import("./commands/render.js");
      code = await runRender({ root: root(), cluster: clusterOf("render", cluster, o.cluster, true), apps: o.app, format: o.format }, io);
    });

  withExamples(program.command("seal"), [
    "berth seal laptop --namespace hash --name hash-db --random password",
    "berth seal --all-clusters --namespace infra --name smtp --from-file password=./smtp-password.txt",
    "printf %s \"$TOKEN\" | berth seal cloud --namespace synapse --name synapse-oidc --from-stdin client-secret",
    "berth seal --reseal pi --key ~/keys/pi-old.key",
  ])
    .argument("[cluster]", "the cluster whose certificate seals the values")
    .description("seal values into secrets/<cluster>/<namespace>/<name>.yaml (a SealedSecret); values are never written or printed")
    // Commander echoes a mistyped `--opt=value` in full; the value may be a secret.
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s.replace(/'(--[^=' ]+)=[^']*'/g, "'$1=…'")) })
    .option("--cluster <name>", "the cluster whose certificate seals the values (same as the positional argument)")
    .option("--all-clusters", "seal for every cluster where an app consumes this secret in this namespace")
    .option("--namespace <namespace>", "the Secret's namespace (required unless --reseal)")
    .option("--name <name>", "the Secret's name (required unless --reseal)")
    .option("--reseal <cluster>", "re-seal every SealedSecret of the cluster sealed with an older certificate to the active one, opening them in memory with --key")
    .option("--key <path>", "with --reseal: the private key file of the older certificate, outside the repository (repeatable)", collect)
    .addOption(new Option("--scope <scope>", "sealing scope (default: the existing file's, else strict)").choices(["strict", "namespace-wide", "cluster-wide"]))
    .option("--type <type>", "Secret type (default: the existing file's, else what the consuming apps declare, else Opaque)")
    .option("--from-literal <key=value>", "a value from the command line (repeatable)", collect)
    .option("--from-file <[key=]path>", "a value from a file, key defaulting to the file name (repeatable)", collect)
    .option("--from-env-file <path>", "KEY=VALUE lines from a file (repeatable)", collect)
    .option("--from-stdin <key>", "a value read from standard input (once: stdin holds one value)", collect)
    .option("--random <key[:bytes]>", "a fresh random value (32 bytes unless given, base64url), sealed without ever being shown (repeatable)", collect)
    .action(async (cluster: string | undefined, o: { cluster?: string; allClusters?: boolean; namespace?: string; name?: string; scope?: "strict" | "namespace-wide" | "cluster-wide"; type?: string; fromLiteral?: string[]; fromFile?: string[]; fromEnvFile?: string[]; fromStdin?: string[]; random?: string[]; reseal?: string; key?: string[] }, command: Command) => {
      if (o.reseal !== undefined) {
        const other = (["cluster", "allClusters", "namespace", "name", "scope", "type", "fromLiteral", "fromFile", "fromEnvFile", "fromStdin", "random"] as const).filter((k) => o[k] !== undefined);
        if (cluster !== undefined || other.length > 0) command.error(`berth: --reseal re-seals every SealedSecret of one cluster with the values they hold; it takes only --key (remove ${cluster !== undefined ? "the positional cluster" : `--${other[0]!.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`})`);
        const { runReseal } = await import("./commands/reseal.js");
        code = await runReseal({ root: root(), cluster: o.reseal, keys: o.key ?? [] }, io);
        return;
      }
      if (o.key !== undefined) command.error("berth: --key goes with --reseal; sealing new values needs only the cluster's certificate");
      for (const [flag, v] of [["--namespace <namespace>", o.namespace], ["--name <name>", o.name]] as const) if (v === undefined) command.error(`berth: required option '${flag}' not specified`);
      const { runSeal } = await import("./commands/seal.js");
      const sources = { literal: o.fromLiteral ?? [], file: o.fromFile ?? [], envFile: o.fromEnvFile ?? [], stdin: o.fromStdin ?? [], random: o.random ?? [] };
      code = await runSeal({ root: root(), cluster: clusterOf("seal", cluster, o.cluster, false), allClusters: o.allClusters ?? false, namespace: o.namespace!, name: o.name!, scope: o.scope, type: o.type, sources }, io);
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

  const live = (c: Command) =>
    c
      .option("--context <context>", "the cluster's kube context (kind: kind-<cluster>; k3s/cloud: required, named as the cluster unless cluster.yaml records its identity)")
      .option("--trust-context", "accept a --context whose name is not the cluster's although cluster.yaml records no identity", false)
      .option("--timeout <duration>", "how long the controller's restart and the canary check may take", "5m");
  const liveTimeout = async (t: string) => {
    const { parseDuration } = await import("./bootstrap/duration.js");
    const ms = parseDuration(t);
    if (ms === undefined) throw new EnvironmentError(`--timeout ${t} is not a duration`, "give it like 5m, 90s or 1h30m");
    return ms;
  };
  withExamples(live(withCluster(keys.command("rotate"), "the cluster")), ["berth keys rotate pi --out ~/keys/pi-2027.key --context pi --key ~/keys/pi.key"])
    .description("rotate the sealing key: new key pair (private key only to --out), installed in the controller and verified with a canary, then made active (the old certificate stays listed); with --key, re-seal everything")
    .addOption(new Option("--out <path>", "where to write the new private key (outside any git work tree, a new file, mode 0600)").makeOptionMandatory())
    .option("--key <path>", "the current (old) private key: re-seal every SealedSecret to the new certificate in the same run (repeatable)", collect)
    .action(async (cluster: string | undefined, o: { cluster?: string; out: string; key?: string[]; context?: string; trustContext: boolean; timeout: string }) => {
      const { runKeysRotate } = await import("./commands/keys-live.js");
      code = await runKeysRotate({ root: root(), cluster: clusterOf("keys rotate", cluster, o.cluster, true), out: o.out, resealKeys: o.key ?? [], context: o.context, trustContext: o.trustContext, timeoutMs: await liveTimeout(o.timeout) }, io);
    });
  withExamples(live(withCluster(keys.command("install"), "the cluster")), ["berth keys install pi --key ~/keys/pi.key --context pi"])
    .description("install a key of the cluster (active or listed certificate) in the controller's namespace, restart the controller and verify it opens a canary sealed with that certificate")
    .addOption(new Option("--key <path>", "the private key file, outside the repository").makeOptionMandatory())
    .action(async (cluster: string | undefined, o: { cluster?: string; key: string; context?: string; trustContext: boolean; timeout: string }) => {
      const { runKeysInstall } = await import("./commands/keys-live.js");
      code = await runKeysInstall({ root: root(), cluster: clusterOf("keys install", cluster, o.cluster, true), key: o.key, context: o.context, trustContext: o.trustContext, timeoutMs: await liveTimeout(o.timeout) }, io);
    });
  withExamples(live(withCluster(keys.command("remove"), "the cluster")), ["berth keys remove pi --certificate 3f2a9c0d1e4b --context pi --key ~/keys/pi-2027.key"])
    .description("remove a listed (old) certificate and its key from the controller, only when nothing of the cluster is sealed with it; restarts the controller")
    .addOption(new Option("--certificate <fingerprint>", "the listed certificate: the first 12 hex digits (its file name in clusters/<cluster>/sealing-certs/)").makeOptionMandatory())
    .option("--key <path>", "private keys that open the cluster's SealedSecrets, so 'nothing is sealed with it' is verified rather than read from annotations (repeatable)", collect)
    .action(async (cluster: string | undefined, o: { cluster?: string; certificate: string; key?: string[]; context?: string; trustContext: boolean; timeout: string }) => {
      const { runKeysRemove } = await import("./commands/keys-live.js");
      code = await runKeysRemove({ root: root(), cluster: clusterOf("keys remove", cluster, o.cluster, true), certificate: o.certificate, keys: o.key ?? [], context: o.context, trustContext: o.trustContext, timeoutMs: await liveTimeout(o.timeout) }, io);
    });

  const secrets = withExamples(program.command("secrets"), ["berth secrets status", "berth secrets status cloud"]).description("inspect the fleet's sealed secrets");
  withExamples(withFormat(withCluster(secrets.command("status"), "only this cluster"), FINDINGS_FORMATS, `${FINDINGS_FORMAT_HELP}; json also holds the table: {secrets, notes, findings}`), ["berth secrets status", "berth secrets status cloud"])
    .description("per cluster: secrets missing for the apps that consume them, sealed with a certificate the controller does not hold, or unused; which certificate sealed each")
    .option("--key <path>", "a cluster's private sealing key file (outside the repository): SealedSecrets are opened with it, so SEALED WITH is verified, not read from berth's annotation (repeatable)", collect)
    .action(async (cluster: string | undefined, o: { cluster?: string; format: OutputFormat; key?: string[] }) => {
      const { runSecretsStatus } = await import("./commands/secrets-status.js");
      const { runWithFindings } = await import("./findings/report.js");
      const only = clusterOf("secrets status", cluster, o.cluster, false);
      code = await runWithFindings(o.format, "berth secrets status", false, io, (io, report, attach) => runSecretsStatus({ root: root(), cluster: only, keys: o.key ?? [] }, io, report, attach));
    });

  const repo = withExamples(program.command("repo"), ["berth repo connect pi", "berth repo connect pi --rotate"]).description("give Argo CD credentials for a private fleet repository or chart registry");
  withExamples(withCluster(repo.command("connect"), "the cluster"), [
    "berth repo connect pi   # repo.access: deployKey, GITHUB_TOKEN set: register a read-only key, seal it, pin GitHub's host keys",
    "berth repo connect pi --rotate   # then commit, push, and once Argo CD synced: berth repo connect pi --finish",
    "pass show fleet-token | berth repo connect cloud --from-stdin   # repo.access: token",
    "berth repo connect cloud --app-id 12345 --installation-id 678 --from-stdin < app.pem   # repo.access: githubApp",
    "BERTH_REGISTRY_GHCR_IO_USERNAME=me BERTH_REGISTRY_GHCR_IO_PASSWORD=… berth repo connect pi --registry oci://ghcr.io/acme/charts",
  ])
    .description("seal the credential Argo CD on <cluster> reads the fleet repository (repo.access) or a private chart registry with into secrets/<cluster>/argocd/; credentials come from standard input or the environment, never from arguments")
    .option("--registry <url>", "a private chart registry of the cluster (its registries: entry) instead of the fleet repository")
    .option("--rotate", "replace the credential (a deploy key: register a new key beside the old one)", false)
    .option("--finish", "after a rotation reached the cluster: delete the deploy keys it no longer uses", false)
    .option("--from-stdin", "read the token, GitHub App private key or registry password from standard input", false)
    .option("--app-id <id>", "the GitHub App's id (repo.access: githubApp)")
    .option("--installation-id <id>", "the App's installation id on the repository's owner")
    .option("--username <name>", "a registry's user name (else BERTH_REGISTRY_<HOST>_USERNAME)")
    .option("--context <name>", "the kube context --finish reads the cluster through (default: the cluster's name)")
    .addHelpText("after", "\nEnvironment: GITHUB_TOKEN (administers the repository's deploy keys), GITHUB_API_URL (GitHub Enterprise), BERTH_REPO_TOKEN, BERTH_GITHUB_APP_PRIVATE_KEY, BERTH_REGISTRY_<HOST>_USERNAME/_PASSWORD.\nExit codes: 0 connected (or kept); 1 a problem in the fleet; 2 GitHub or the cluster could not be used (GitHub's status, meaning and fix are shown).")
    .action(async (cluster: string | undefined, o: { cluster?: string; registry?: string; rotate: boolean; finish: boolean; fromStdin: boolean; appId?: string; installationId?: string; username?: string; context?: string }) => {
      const { runRepoConnect } = await import("./commands/repo-connect.js");
      const { kubectlReader } = await import("./repo-access/kubectl-reader.js");
      const name = clusterOf("repo connect", cluster, o.cluster, true)!;
      code = await runRepoConnect({ root: root(), ...o, cluster: name }, { io, cluster: kubectlReader(root(), o.context ?? name, io.env) });
    });

  withExamples(withCluster(program.command("bootstrap"), "the cluster"), ["berth bootstrap laptop --dry-run", "berth bootstrap laptop --key ~/keys/laptop.key", "berth bootstrap pi --context k3s-pi --key ~/keys/pi.key --timeout 30m"])
    .description("take a bare cluster to \"Argo CD is reconciling this repository\": kind cluster (kind), sealing key, Argo CD with its own values, root app, live progress")
    .option("--dry-run", "print the numbered plan (every command) and run nothing", false)
    .option("--context <context>", "kube context (kind: kind-<cluster>, the default; k3s/cloud: required, named exactly as the cluster unless cluster.yaml records its identity)")
    .option("--trust-context", "accept a --context whose name is not the cluster's although cluster.yaml records no identity (you vouch that it is this cluster)", false)
    .option("--key <path>", "the cluster's sealing private key (berth keys generate --out), installed before the controller starts")
    .option("--timeout <duration>", "how long to wait in all for Argo CD and every Application to be Synced and Healthy (e.g. 15m, 1h30m)", "15m")
    .action(async (cluster: string | undefined, o: { cluster?: string; dryRun: boolean; context?: string; trustContext: boolean; key?: string; timeout: string }) => {
      const { runBootstrap } = await import("./commands/bootstrap.js");
      const { parseDuration } = await import("./bootstrap/duration.js");
      const timeoutMs = parseDuration(o.timeout);
      if (timeoutMs === undefined) throw new EnvironmentError(`--timeout ${o.timeout} is not a duration`, "give it like 15m, 90s or 1h30m");
      code = await runBootstrap({ root: root(), cluster: clusterOf("bootstrap", cluster, o.cluster, true), dryRun: o.dryRun, context: o.context, trustContext: o.trustContext, key: o.key, timeoutMs }, io);
    });

  withExamples(withCluster(program.command("status"), "only this cluster"), ["berth status", "berth status pi --format json", "berth status --wait --timeout 20m"])
    .description("after a push: every cluster's Applications as its Argo CD reports them (sync, health, revision vs the fleet's commit, last operation); exit 0 when all are Synced and Healthy at it")
    .option("--context <context>", "kube context of the one cluster named (default: the cluster's name; kind: kind-<cluster>), checked as bootstrap checks it")
    .option("--trust-context", "accept a --context whose name is not the cluster's although cluster.yaml records no identity", false)
    .option("--revision <rev>", "the commit to compare with (default: HEAD)")
    .addOption(new Option("-o, --format <format>", "human or json").choices(["human", "json"]).default("human"))
    .option("--wait", "poll until every Application is Synced and Healthy at the commit (a CI \"deployed\" step)", false)
    .option("--timeout <duration>", "how long --wait waits (e.g. 15m, 1h)", "15m")
    .action(async (cluster: string | undefined, o: { cluster?: string; context?: string; trustContext: boolean; revision?: string; format: "human" | "json"; wait: boolean; timeout: string }) => {
      const { runStatus } = await import("./commands/status.js");
      const { parseDuration } = await import("./bootstrap/duration.js");
      const waitMs = parseDuration(o.timeout);
      if (waitMs === undefined) throw new EnvironmentError(`--timeout ${o.timeout} is not a duration`, "give it like 15m, 90s or 1h30m");
      code = await runStatus({ root: root(), cluster: clusterOf("status", cluster, o.cluster, false), context: o.context, trustContext: o.trustContext, revision: o.revision, format: o.format, waitMs: o.wait ? waitMs : undefined }, io);
    });

  withExamples(withCluster(program.command("preview"), "only this cluster"), ["berth preview --base main", "berth preview --base main --render --format text laptop", "berth preview --base origin/main --head HEAD --out-dir preview/"])
    .description("preview a change: what --base and --head (default: the working tree) deploy, per cluster, app and resource; secrets by key only")
    .addOption(new Option("--base <rev>", "the base revision (branch, tag, SHA, HEAD~3…)").makeOptionMandatory())
    .option("--head <rev>", "the head revision (default: the working tree, uncommitted changes included)")
    .option("--render", "also render changed Applications with helm/kustomize and diff their resources", false)
    .addOption(new Option("--format <format>", "output format").choices(["markdown", "text"]).default("markdown"))
    .option("--max-comment-chars <n>", "markdown: split into parts of at most this many characters (UTF-8 bytes)", "65000")
    .option("--out-dir <dir>", "write part-1.md … here instead of printing (best outside the checkout, e.g. $RUNNER_TEMP/preview)")
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

  withExamples(program.command("comment"), [
    "berth comment --pr 42 --dir \"$RUNNER_TEMP/preview\"   # in preview.yml's comment job (pull-requests: write; GITHUB_TOKEN, GITHUB_REPOSITORY set by Actions)",
    "berth comment --pr 42 --dir preview --author 'my-app[bot]'   # with a GitHub App's token, which cannot say whose it is",
  ])
    .description("post the parts `berth preview --out-dir` wrote as the pull request's sticky comment (GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_API_URL)")
    .addOption(new Option("--pr <number>", "the pull request number").makeOptionMandatory())
    .addOption(new Option("--dir <dir>", "the folder holding part-1.md …").makeOptionMandatory())
    .option("--author <login>", "only comments by this login are berth's to edit (default: the token's own account: GET /user, or github-actions[bot] for the Actions token; a GitHub App's token needs it, e.g. 'my-app[bot]')")
    .addHelpText("after", "\nExit codes: 0 the comment is current; 2 it could not be posted (GitHub's status and message are shown).")
    .action(async (o: { pr: string; dir: string; author?: string }) => {
      const { runComment } = await import("./commands/comment.js");
      code = await runComment({ pr: o.pr, dir: resolve(io.cwd, o.dir), author: o.author }, { io });
    });

  program
    .command("init")
    .description("make this checkout your fleet: point every cluster at your repository, add your first cluster; --empty removes the example fleet (clean git tree only)")
    .option("--repo-url <url>", "the Git URL Argo CD on your clusters tracks")
    .option("--cluster <name>", "your first cluster (required with --empty)")
    .addOption(new Option("--profile <profile>", "its profile").choices(["kind", "k3s", "cloud"]))
    .option("--empty", "remove the example clusters with their certificates, the example systems' apps and sealed secrets; keeps argo-cd, sealed-secrets, envoy-gateway, envoy-gateway-class, traefik", false)
    .addHelpText("after", examplesText(["berth init --empty --repo-url https://github.com/acme/fleet.git --cluster dev --profile kind", "berth init --repo-url git@github.com:acme/fleet.git   # keep the example, track your repository"]))
    .action(async (o: { repoUrl?: string; cluster?: string; profile?: string; empty: boolean }) => {
      const { runInit } = await import("./commands/init.js");
      code = await runInit({ root: root(), repoUrl: o.repoUrl, cluster: o.cluster, profile: o.profile, empty: o.empty }, io);
    });

  const scaffold = withExamples(program.command("new"), ["berth new cluster pi --profile k3s", "berth new app podinfo --repo https://stefanprodan.github.io/podinfo --chart podinfo --version 6.7.1 --cluster pi"]).description("add a cluster or an app (schema-valid files with their $schema line)");
  scaffold
    .command("cluster")
    .description("write clusters/<name>/cluster.yaml with the platform apps its profile needs")
    .argument("<name>", "the cluster's name (a DNS label)")
    .addOption(new Option("--profile <profile>", "kind (laptop), k3s (Raspberry Pis), cloud (managed)").choices(["kind", "k3s", "cloud"]))
    .option("--repo-url <url>", "the Git URL Argo CD tracks (default: the one the other clusters track)")
    .addHelpText("after", examplesText(["berth new cluster pi --profile k3s", "berth new cluster prod --profile cloud --repo-url https://github.com/acme/fleet.git"]))
    .action(async (name: string, o: { profile?: string; repoUrl?: string }) => {
      const { runNewCluster } = await import("./commands/new.js");
      code = await runNewCluster({ root: root(), name, profile: o.profile, repoUrl: o.repoUrl }, io);
    });
  scaffold
    .command("app")
    .description("write apps/<name>/app.yaml for a remote Helm chart (values in Git) or a copy of a local chart, kustomize or manifests folder")
    .argument("<name>", "the app's name (a DNS label)")
    .option("--repo <url>", "chart repository, https://… or oci://…")
    .option("--chart <name>", "chart name in that repository")
    .option("--version <version>", "exact chart version")
    .option("--path <dir>", "a local chart, kustomize or manifests folder, copied into apps/<name>/")
    .option("--overlay <subpath>", "with --path: the kustomize overlay to deploy, relative to --path; copied with the bases, components and files it references there")
    .addOption(new Option("--layer <layer>", "sync layer").choices(["platform", "infra", "monitoring", "apps"]).default("apps"))
    .option("--namespace <namespace>", "destination namespace (default: the app's name)")
    .option("--cluster <name>", "add the app to this cluster's apps: (repeatable)", collect)
    .addHelpText("after", examplesText([
      "berth new app postgres --repo oci://registry-1.docker.io/bitnamicharts --chart postgresql --version 16.4.5 --layer infra --namespace data --cluster dev",
      "berth new app podinfo --repo https://stefanprodan.github.io/podinfo --chart podinfo --version 6.7.1 --cluster dev",
      "berth new app shop --path ../shop/deploy/chart --cluster dev",
      "berth new app api --path ../api/deploy --overlay overlays/prod --cluster dev",]))
    .action(async (name: string, o: { repo?: string; chart?: string; version?: string; path?: string; overlay?: string; layer: string; namespace?: string; cluster?: string[] }) => {
      const { runNewApp } = await import("./commands/new.js");
      code = await runNewApp({ root: root(), cwd: io.cwd, name, repo: o.repo, chart: o.chart, version: o.version, path: o.path, overlay: o.overlay, layer: o.layer, namespace: o.namespace, clusters: o.cluster ?? [] }, io);
    });

  const importer = withExamples(program.command("import"), ["berth import helmfile k8s/helmfile.yaml --cluster pi --environment prod"]).description("bring an existing deployment into the fleet");
  importer
    .command("helmfile")
    .description("convert a helmfile's releases into apps/<name>/ (app.yaml, values) on a cluster; all files or none, every part left behind reported with file:line")
    .argument("<file>", "the helmfile (helmfile.yaml, helmfile-infra.yaml, …)")
    .addOption(new Option("--cluster <name>", "the cluster the releases run on").makeOptionMandatory())
    .option("--environment <name>", "the helmfile environment whose values this cluster gets (clusters/<cluster>/values/<app>.yaml)")
    .addOption(new Option("--layer <layer>", "sync layer of the imported apps").choices(["platform", "infra", "monitoring", "apps"]).default("apps"))
    .option("--prefix <prefix>", "prefix app names (needed when a release name is already an app)")
    .addHelpText("after", examplesText([
      "berth import helmfile k8s/helmfile-infra.yaml --cluster pi --environment prod --layer infra",
      "berth import helmfile k8s/helmfile-monitoring.yaml --cluster pi --environment prod --layer monitoring",
      "berth import helmfile k8s/helmfile-apps.yaml --cluster pi --environment prod --prefix everything-",]))
    .action(async (file: string, o: { cluster: string; environment?: string; layer: string; prefix?: string }) => {
      const { runImportHelmfile } = await import("./commands/import-helmfile.js");
      code = await runImportHelmfile({ root: root(), file: resolve(io.cwd, file), shownAs: isAbsolute(file) ? relative(io.cwd, file) : file, cluster: o.cluster, environment: o.environment, layer: o.layer, prefix: o.prefix }, io);
    });

  try {
    await program.parseAsync([...argv], { from: "user" });
    return code;
  } catch (e) {
    return report(e, io, writesFiles(argv));
  }
}

/**
 * Whether the command would write files, so that its refusal may say "nothing was written";
 * validate, render, preview and the other read-only commands never write, and saying so would
 * suggest they might.
 */
export function writesFiles(argv: readonly string[]): boolean {
  const command = argv.find((a) => !a.startsWith("-"));
  if (command === "generate") return !argv.includes("--check");
  return ["seal", "keys", "init", "new", "import"].includes(command ?? "");
}

/** Commander's own errors (`error: unknown option …`) carry berth's prefix like every other message. */
function berthPrefixed(message: string): string {
  return message.replace(/^error: /, "berth: ");
}

function report(e: unknown, io: CommandIO, writes: boolean): ExitCode {
  if (e instanceof CommanderError) {
    // Commander has already printed its message (or the help/version text).
    return e.exitCode === 0 ? 0 : 2;
  }
  if (e instanceof UserError) {
    io.stderr.write(`${scrubSecrets(e.message)}\n`);
    const n = e.diagnostics.length;
    io.stderr.write(`berth: ${n} problem${n === 1 ? "" : "s"} found${writes ? "; nothing was written" : ""}\n`);
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
    const fix = sys.code === "ENOSPC" || sys.code === "EDQUOT" ? "free space on that file system (nothing was half-written), then run the command again" : "check that the path exists and is readable, or pass --root <repository>";
    io.stderr.write(`berth: could not ${sys.syscall} ${sys.path ?? "(no path given by the system)"}: ${sys.code}\n  fix: ${fix}\n`);
    return 2;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  io.stderr.write(
    `berth: internal error (this is a bug in berth ${packageVersion()}, please report it with the command you ran):\n  ${scrubSecrets(err.message)}\n`,
  );
  if (io.env.BERTH_DEBUG) io.stderr.write(`${scrubSecrets(err.stack ?? "")}\n`);
  return 2;
}
