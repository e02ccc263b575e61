import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Variables passed through from the caller's environment to helm/kubectl. Everything else
 * (the user's HELM_*, KUBECONFIG, registry logins, cloud credentials) is left out on purpose:
 * a render must depend only on the repository, as it does in Argo CD's repo-server. A private
 * registry's own login (BERTH_REGISTRY_<HOST>_*) reaches helm for that registry only, through
 * render/helm.ts, never through this environment.
 * Proxy and CA settings are kept because without them remote charts cannot be fetched at all
 * behind a corporate proxy.
 */
const PASS_THROUGH = [
  "PATH",
  "TMPDIR",
  "HTTP_PROXY",
  "HTTPS_PROXY",
  "NO_PROXY",
  "http_proxy",
  "https_proxy",
  "no_proxy",
  "SSL_CERT_FILE",
  "SSL_CERT_DIR",
];

/**
 * A self-contained environment rooted at `home`: helm's cache/config/data and HOME live there,
 * and KUBECONFIG points at a file that does not exist so no command can reach a real cluster.
 */
export function hermeticEnv(
  home: string,
  base: Readonly<Record<string, string | undefined>> = process.env,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const k of PASS_THROUGH) {
    const v = base[k];
    if (v !== undefined) env[k] = v;
  }
  env.HOME = home;
  env.HELM_CACHE_HOME = join(home, "helm-cache");
  env.HELM_CONFIG_HOME = join(home, "helm-config");
  env.HELM_DATA_HOME = join(home, "helm-data");
  env.KUBECONFIG = join(home, "no-kubeconfig");
  return env;
}

/**
 * Runs `fn` with a fresh private directory (mkdtemp creates it 0700) and removes it afterwards,
 * whatever happens — it may hold inline values, which can contain secrets.
 */
export async function withTempDir<T>(prefix: string, fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), `berth-${prefix}-`));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
