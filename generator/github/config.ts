import { EnvironmentError } from "../errors.js";

/** Where and as whom berth talks to GitHub: the variables GitHub Actions sets for every job. */
export interface GithubConfig {
  token: string;
  owner: string;
  repo: string;
  /** REST API root; https://api.github.com, or a GitHub Enterprise Server's `…/api/v3`. */
  apiUrl: string;
}

export const DEFAULT_API_URL = "https://api.github.com";

/** Reads GITHUB_TOKEN, GITHUB_REPOSITORY and GITHUB_API_URL; an EnvironmentError names what is missing. */
export function githubConfig(env: NodeJS.ProcessEnv): GithubConfig {
  const token = env.GITHUB_TOKEN?.trim();
  if (!token) throw new EnvironmentError("GITHUB_TOKEN is not set", "in a workflow, pass it with `env: GITHUB_TOKEN: ${{ github.token }}` and grant `pull-requests: write`");
  const repository = env.GITHUB_REPOSITORY ?? "";
  const m = /^([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))\/([A-Za-z0-9._-]{1,100})$/.exec(repository);
  if (!m) throw new EnvironmentError(`GITHUB_REPOSITORY is ${repository ? `"${repository}"` : "not set"}, not owner/name`, "GitHub Actions sets it; elsewhere export GITHUB_REPOSITORY=owner/name");
  return { token, owner: m[1]!, repo: m[2]!, apiUrl: apiUrlOf(env) };
}

/** GITHUB_TOKEN and GITHUB_API_URL for a repository named elsewhere (the fleet repository's URL). */
export function githubConfigFor(env: NodeJS.ProcessEnv, owner: string, repo: string): GithubConfig {
  const token = env.GITHUB_TOKEN?.trim();
  if (!token) throw new EnvironmentError("GITHUB_TOKEN is not set", `export a token that administers ${owner}/${repo} (classic: repo scope; fine-grained: Administration read and write), e.g. GITHUB_TOKEN=$(gh auth token)`);
  return { token, owner, repo, apiUrl: apiUrlOf(env) };
}

function apiUrlOf(env: NodeJS.ProcessEnv): string {
  const apiUrl = (env.GITHUB_API_URL?.trim() || DEFAULT_API_URL).replace(/\/+$/, "");
  let url: URL;
  try {
    url = new URL(apiUrl);
  } catch {
    throw new EnvironmentError(`GITHUB_API_URL "${apiUrl}" is not a URL`, `unset it for ${DEFAULT_API_URL}, or give your GitHub Enterprise Server's https://HOST/api/v3`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new EnvironmentError(`GITHUB_API_URL "${apiUrl}" is not http(s)`, `unset it for ${DEFAULT_API_URL}`);
  return apiUrl;
}
