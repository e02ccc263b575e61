/**
 * Where berth's own renders (and `berth repo connect --registry`) find a private chart registry's
 * login: two environment variables per registry host, so a CI job can hold the secrets of several
 * registries and each reaches helm only for its own host.
 *
 *   oci://registry.example.com:5000/charts  →  BERTH_REGISTRY_REGISTRY_EXAMPLE_COM_5000_USERNAME / _PASSWORD
 *   https://charts.acme.dev                 →  BERTH_REGISTRY_CHARTS_ACME_DEV_USERNAME / _PASSWORD
 */
export function registryHost(url: string): string {
  const m = /^(?:oci|https?):\/\/([^/@\s]+)/.exec(url);
  return (m?.[1] ?? "").toLowerCase();
}

export function registryEnvNames(url: string): { username: string; password: string } {
  const base = `BERTH_REGISTRY_${registryHost(url).toUpperCase().replace(/[^A-Z0-9]+/g, "_")}`;
  return { username: `${base}_USERNAME`, password: `${base}_PASSWORD` };
}

export interface RegistryLogin {
  host: string;
  username: string;
  password: string;
}

/** The login for the registry of `url` from the environment, or undefined when neither variable is set. */
export function registryLoginFromEnv(url: string, env: Readonly<Record<string, string | undefined>>): RegistryLogin | undefined {
  const names = registryEnvNames(url);
  const username = env[names.username];
  const password = env[names.password];
  if (!username && !password) return undefined;
  return { host: registryHost(url), username: username ?? "", password: password ?? "" };
}
