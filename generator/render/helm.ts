import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { hermeticEnv, withTempDir } from "../exec/env.js";
import { run } from "../exec/spawn.js";
import { ensureDependencies } from "./helm-deps.js";
import { listOciVersions } from "./oci-tags.js";
import { MAX_RENDERED_BYTES, tooLarge } from "./limits.js";
import { scrubSecrets } from "../scrub.js";
import { summarizeStderr } from "../exec/stderr.js";
import type { Tools } from "../exec/tools.js";
import { registryEnvNames, type RegistryLogin } from "../exec/registry-env.js";
import { isLoopbackUrl } from "../plan/repos.js";
import { toYaml } from "../yaml/canonical.js";

/** Where a chart comes from. */
export type HelmChart =
  /** A chart directory on disk (absolute path). */
  | { kind: "local"; dir: string }
  /** A classic chart repository (index.yaml over HTTP(S)). */
  | { kind: "repo"; repo: string; chart: string; version: string }
  /** An OCI registry: ref is `oci://host[:port]/path/chart`. */
  | { kind: "oci"; ref: string; version: string };

export interface HelmTemplateOptions {
  chart: HelmChart;
  releaseName: string;
  namespace: string;
  /** The target cluster's version, e.g. "1.30.0"; reaches templates as .Capabilities.KubeVersion. */
  kubeVersion: string;
  /** "group/version" or "group/version/Kind"; reach templates as .Capabilities.APIVersions. */
  apiVersions: readonly string[];
  /** Absolute paths, applied in order: later files win. */
  valueFiles: readonly string[];
  /** Applied after all value files, so they win over them. */
  values: Record<string, unknown>;
}

export type HelmResult = { ok: true; manifests: string } | { ok: false; error: string };

/**
 * How Argo CD names a remote chart: a repoURL plus a chart name. `oci://…` repos and repos
 * without a scheme (Argo CD's older OCI spelling, e.g. `ghcr.io/org/charts`) are OCI registries;
 * everything else is a classic HTTP(S) chart repository.
 */
export function remoteChart(repo: string, chart: string, version: string): HelmChart {
  const trimmed = repo.replace(/\/+$/, "");
  if (trimmed.startsWith("oci://")) return { kind: "oci", ref: `${trimmed}/${chart}`, version };
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) return { kind: "oci", ref: `oci://${trimmed}/${chart}`, version };
  return { kind: "repo", repo, chart, version };
}

/**
 * The argv for `helm template`, without the binary. Flags come first and the positional
 * release name and chart after `--`, so neither can ever be read as a flag. `valuesFile` (the
 * inline values) is the last -f, so it wins over every value file.
 */
export function helmTemplateArgs(o: HelmTemplateOptions, valuesFile?: string, repoAlias?: string): string[] {
  const args = ["template", "--namespace", o.namespace, "--kube-version", o.kubeVersion, "--include-crds"];
  for (const v of o.apiVersions) args.push("--api-versions", v);
  for (const f of o.valueFiles) args.push("-f", f);
  if (valuesFile !== undefined) args.push("-f", valuesFile);
  let ref: string;
  switch (o.chart.kind) {
    case "local":
      ref = o.chart.dir;
      break;
    case "repo":
      // A private repository is read through the alias its login was added under (see withLogin).
      ref = repoAlias ? `${repoAlias}/${o.chart.chart}` : o.chart.chart;
      args.push(...(repoAlias ? [] : ["--repo", o.chart.repo]), "--version", o.chart.version);
      break;
    case "oci":
      ref = o.chart.ref;
      args.push("--version", o.chart.version);
      // A registry on this machine (tests, a local mirror) speaks plain HTTP; anywhere else
      // plain HTTP would send pulls (and any credentials) in the clear.
      if (isLoopbackUrl(o.chart.ref)) args.push("--plain-http");
      break;
  }
  args.push("--", o.releaseName, ref);
  return args;
}


/** A short human name for a chart, used in error messages. */
export function describeChart(c: HelmChart): string {
  switch (c.kind) {
    case "local":
      return `local chart ${c.dir}`;
    case "repo":
      return `chart "${c.chart}" version "${c.version}" from ${c.repo}`;
    case "oci":
      return `chart ${c.ref} version "${c.version}"`;
  }
}

/**
 * Runs `helm template` the way Argo CD's repo-server does, in a throwaway helm home so that
 * nothing from the user's helm setup or cluster config leaks in and nothing leaks between
 * renders. Never throws for a chart problem: failures come back as `ok: false` with helm's
 * stderr summarised and scrubbed of credentials.
 */
export async function helmTemplate(tools: Tools, o: HelmTemplateOptions): Promise<HelmResult> {
  const fail = (why: string): HelmResult => ({
    ok: false,
    error: scrubSecrets(`helm template failed for ${describeChart(o.chart)}: ${why}`),
  });
  if (o.chart.kind === "local" && !existsSync(join(o.chart.dir, "Chart.yaml"))) {
    return fail(`no Chart.yaml in ${o.chart.dir}`);
  }
  for (const f of o.valueFiles) if (!existsSync(f)) return fail(`value file ${f} not found`);

  return withTempDir("helm", async (home) => {
    const env = hermeticEnv(home);
    if (o.chart.kind === "local") {
      const deps = await ensureDependencies(tools, o.chart.dir, env, home);
      if (!deps.ok) return fail(deps.error);
      o = { ...o, chart: { kind: "local", dir: deps.dir } };
    }
    let valuesFile: string | undefined;
    if (Object.keys(o.values).length > 0) {
      // Written as Argo CD hands valuesObject to helm: YAML that a YAML 1.1 reader reads back as
      // the same values (strings such as "on" quoted, big integers digit for digit).
      // The home directory is private (0700); the file is 0600 and goes away with it.
      valuesFile = join(home, "inline-values.yaml");
      await writeFile(valuesFile, toYaml(o.values), { mode: 0o600, flag: "wx" });
    }
    const login = o.chart.kind === "local" ? undefined : tools.registryLogin?.(o.chart.kind === "oci" ? o.chart.ref : o.chart.repo);
    let alias: string | undefined;
    if (login) {
      const r = await withLogin(tools, o.chart as Exclude<HelmChart, { kind: "local" }>, login, env, home);
      if (!r.ok) return fail(redactLogin(r.error, login));
      alias = r.alias;
    }
    const r = await run(tools.helm, helmTemplateArgs(o, valuesFile, alias), { env, cwd: home, maxStdoutBytes: MAX_RENDERED_BYTES });
    if (r.tooMuchOutput) return fail(tooLarge());
    if (r.code === 0) return { ok: true, manifests: o.chart.kind === "oci" ? withoutPullReport(r.stdout) : r.stdout };
    if (r.spawnError) return fail(`could not run ${tools.helm}: ${r.spawnError}`);
    if (r.timedOut) return fail("timed out");
    const why = summarizeStderr(r.stderr) || `exit code ${r.code}`;
    if (login) return fail(redactLogin(why, login));
    if (o.chart.kind !== "local" && /\b401\b|unauthorized|credential|authentication required|basic \*\*\*/i.test(why)) {
      const names = registryEnvNames(o.chart.kind === "oci" ? o.chart.ref : o.chart.repo);
      return fail(`${why} (a private registry: export ${names.username} and ${names.password} for berth's renders)`);
    }
    if (o.chart.kind === "oci" && /: not found\b/.test(why)) return fail(await ociVersionNotFound(o.chart));
    return fail(why);
  });
}

/** The alias a private HTTP(S) chart repository is added under in the throwaway helm home. */
const PRIVATE_REPO_ALIAS = "berth-private";

/**
 * Gives helm the login of this one registry, inside the throwaway helm home (a 0700 folder outside
 * the repository, removed after the render): never in argv, never in berth's caches. OCI: a
 * registry config holding only this host. HTTP(S): `helm repo add --password-stdin`, the password
 * on helm's standard input; helm sends it to that repository's URL only.
 */
async function withLogin(tools: Tools, chart: Exclude<HelmChart, { kind: "local" }>, login: RegistryLogin, env: Record<string, string>, home: string): Promise<{ ok: true; alias?: string } | { ok: false; error: string }> {
  if (chart.kind === "oci") {
    const file = join(home, "registry-config.json");
    const auth = Buffer.from(`${login.username}:${login.password}`, "utf8").toString("base64");
    await writeFile(file, `${JSON.stringify({ auths: { [login.host]: { auth } } })}\n`, { mode: 0o600, flag: "wx" });
    env.HELM_REGISTRY_CONFIG = file;
    return { ok: true };
  }
  const r = await run(tools.helm, ["repo", "add", "--username", login.username, "--password-stdin", "--", PRIVATE_REPO_ALIAS, chart.repo], { env, cwd: home, stdin: login.password });
  if (r.code !== 0) return { ok: false, error: `could not log in to ${chart.repo}: ${summarizeStderr(r.stderr || r.spawnError || "") || `exit code ${r.code}`}` };
  return { ok: true, alias: PRIVATE_REPO_ALIAS };
}

/** helm's messages may quote what it was given; the password never leaves this module. */
/**
 * helm 4 reports an OCI pull ("Pulled: <ref>", "Digest: sha256:…") on stdout before the manifests
 * of `helm template oci://…`: a report, not a document of the render (Argo CD pulls first and
 * renders the pulled chart, so it never sees it).
 */
function withoutPullReport(stdout: string): string {
  return stdout.replace(/^(?:(?:Pulled|Digest): [^\n]*\n)+/, "");
}

function redactLogin(text: string, login: RegistryLogin): string {
  const b64 = Buffer.from(`${login.username}:${login.password}`, "utf8").toString("base64");
  return login.password ? text.split(login.password).join("***").split(b64).join("***") : text;
}

/** helm says only "<ref>:<version>: not found": name the version, and the ones the registry has when it lists them. */
async function ociVersionNotFound(chart: Extract<HelmChart, { kind: "oci" }>): Promise<string> {
  const versions = await listOciVersions(chart.ref, isLoopbackUrl(chart.ref));
  const has =
    versions === undefined
      ? "the registry does not list its versions to berth (see them where the chart is published)"
      : versions.length === 0
        ? "the registry holds no version of it"
        : `the registry has ${versions.slice(0, 10).join(", ")}${versions.length > 10 ? ` and ${versions.length - 10} older` : ""}`;
  return `version ${chart.version} not found in ${chart.ref}; ${has}`;
}
