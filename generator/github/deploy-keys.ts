import { berthOctokit, type ClientOptions } from "./client.js";

/** A deploy key as berth reads it back from GitHub. */
export interface DeployKey {
  id: number;
  /** `type base64`, as GitHub returns it (no comment). */
  key: string;
  title: string;
  readOnly: boolean;
}

/** The deploy-key operations and GitHub's published SSH host keys: all `berth repo connect` asks of GitHub. */
export interface RepoKeysApi {
  list(): Promise<DeployKey[]>;
  /** Registers a read-only key. */
  add(title: string, publicKey: string): Promise<DeployKey>;
  remove(id: number): Promise<void>;
  /** GET /meta `ssh_keys`: GitHub's SSH host keys, `type base64` lines. */
  sshHostKeys(): Promise<string[]>;
}

export function repoKeysApi(config: { token: string; apiUrl: string; owner: string; repo: string }, opts: ClientOptions): RepoKeysApi {
  const octokit = berthOctokit(config, opts);
  const { owner, repo } = config;
  const shape = (k: { id: number; key: string; title: string; read_only: boolean }): DeployKey => ({ id: k.id, key: k.key, title: k.title, readOnly: k.read_only });
  return {
    async list() {
      return (await octokit.paginate(octokit.rest.repos.listDeployKeys, { owner, repo, per_page: 100 })).map(shape);
    },
    async add(title, publicKey) {
      return shape((await octokit.rest.repos.createDeployKey({ owner, repo, title, key: publicKey, read_only: true })).data);
    },
    async remove(id) {
      await octokit.rest.repos.deleteDeployKey({ owner, repo, key_id: id });
    },
    async sshHostKeys() {
      return (await octokit.rest.meta.get()).data.ssh_keys ?? [];
    },
  };
}
