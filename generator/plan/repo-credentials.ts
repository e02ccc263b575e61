import { ARGOCD_NAMESPACE, layout } from "../layout.js";
import type { Cluster } from "../model/fleet.js";
import { argoRepoURL, isOci, repoName } from "./repos.js";
import type { PathSegment } from "../yaml/source.js";

/**
 * Argo CD's repository-Secret format, in one place (the same in Argo CD 3.1 and 3.6): the label
 * that makes a Secret a repository (one URL) or a credential template (every URL under a prefix),
 * and the keys each kind of credential fills.
 */
export const SECRET_TYPE_LABEL = "argocd.argoproj.io/secret-type";
/** Keys berth writes in the template's plain `data`: they say where the credential applies, not what it is. */
export const PLAIN_KEYS = ["enableOCI", "insecureOCIForceHttp", "name", "type", "url"] as const;

/** How a credential opens its repository. `basic` is a chart registry's username and password. */
export type Access = "deployKey" | "githubApp" | "token" | "basic";

/** The sealed keys each access needs (Argo CD's field names). */
export const SEALED_KEYS: Record<Access, readonly string[]> = {
  deployKey: ["sshPrivateKey"],
  githubApp: ["githubAppID", "githubAppInstallationID", "githubAppPrivateKey"],
  token: ["password", "username"],
  basic: ["password", "username"],
};

/** A credential a cluster's Argo CD needs: for the fleet repository or one private chart registry. */
export interface RepoCredential {
  cluster: string;
  purpose: "fleet" | "registry";
  /** The URL as cluster.yaml writes it (oci:// kept). */
  url: string;
  /** The URL Argo CD matches the Secret against. */
  argoUrl: string;
  access: Access;
  oci: boolean;
  /** A repo-creds Secret (every repository under the URL) rather than one repository. */
  prefix: boolean;
  /** The Secret's name in Argo CD's namespace. */
  secretName: string;
  /** Repository-relative path of its SealedSecret. */
  file: string;
  /** Where cluster.yaml declares it, for diagnostics. */
  at: PathSegment[];
}

export const isSshUrl = (url: string) => url.startsWith("ssh://") || /^[^/:@\s]+@[^:\s]+:/.test(url);

/** The Secret's name: one per URL and purpose, stable, a valid Kubernetes name. */
export function credentialSecretName(url: string, prefix: boolean): string {
  const name = `${prefix ? "creds" : "repo"}-${repoName(url).replace(/^git-/, "")}`.slice(0, 253).replace(/-+$/, "");
  return name;
}

/** The credentials a cluster's Argo CD needs, from its cluster.yaml: the fleet repository's, then each registry's. */
export function requiredCredentials(cluster: Cluster): RepoCredential[] {
  const out: RepoCredential[] = [];
  const repo = cluster.spec.repo;
  const access = repo.access ?? "public";
  const make = (purpose: RepoCredential["purpose"], url: string, a: Access, prefix: boolean, at: PathSegment[]): RepoCredential => {
    const secretName = credentialSecretName(url, prefix);
    return { cluster: cluster.name, purpose, url, argoUrl: argoRepoURL(url), access: a, oci: isOci(url), prefix, secretName, file: layout.sealedSecretFile(cluster.name, ARGOCD_NAMESPACE, secretName), at };
  };
  if (access !== "public") out.push(make("fleet", repo.url, access, false, ["repo", "access"]));
  (cluster.spec.registries ?? []).forEach((r, i) => out.push(make("registry", r.url, "basic", r.prefix ?? false, ["registries", i, "url"])));
  return out;
}

/** Why an access does not fit its URL, with the fix; undefined when it fits. */
export function accessMismatch(access: Access, url: string): { message: string; hint: string } | undefined {
  if (access === "deployKey" && !isSshUrl(url)) {
    return {
      message: `a deploy key is an SSH key, but the repository URL "${url}" is not an SSH URL`,
      hint: url.startsWith("https://") ? `set repo.url to the SSH form (${sshFormOf(url)}), or use access: token or githubApp for https://` : "set repo.url to ssh://… or git@host:owner/repo.git",
    };
  }
  if ((access === "githubApp" || access === "token") && !url.startsWith("https://")) {
    return {
      message: `${access === "githubApp" ? "a GitHub App" : "a token"} authenticates over HTTPS, but the repository URL "${url}" is not https://`,
      hint: isSshUrl(url) ? `set repo.url to ${httpsFormOf(url)}, or use access: deployKey for an SSH URL` : "set repo.url to the repository's https:// URL",
    };
  }
  return undefined;
}

/** git@github.com:acme/fleet.git for https://github.com/acme/fleet.git. */
export function sshFormOf(url: string): string {
  const m = /^https:\/\/([^/]+)\/(.+)$/.exec(url);
  return m ? `git@${m[1]}:${m[2]}` : url;
}

/** https://github.com/acme/fleet.git for git@github.com:acme/fleet.git or ssh://git@github.com/acme/fleet.git. */
export function httpsFormOf(url: string): string {
  const scp = /^[^@]+@([^:]+):(.+)$/.exec(url);
  if (scp && !url.startsWith("ssh://")) return `https://${scp[1]}/${scp[2]}`;
  const ssh = /^ssh:\/\/(?:[^@/]+@)?([^/:]+)(?::\d+)?\/(.+)$/.exec(url);
  return ssh ? `https://${ssh[1]}/${ssh[2]}` : url;
}

/** owner and name of a GitHub repository URL (https, ssh or scp form), or undefined. */
export function githubRepoOf(url: string): { host: string; owner: string; repo: string } | undefined {
  const m = /^https:\/\/([^/]+)\/([^/]+)\/([^/]+?)(?:\.git)?\/?$/.exec(httpsFormOf(url));
  return m ? { host: m[1]!, owner: m[2]!, repo: m[3]! } : undefined;
}
