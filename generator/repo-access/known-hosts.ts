/**
 * known_hosts lines (as Argo CD's argocd-ssh-known-hosts-cm holds them) for the host of an SSH
 * repository URL, from the host keys GitHub publishes (GET /meta `ssh_keys`, `type base64` lines).
 * A port other than 22 is written `[host]:port`, as ssh looks it up.
 */
export function knownHostLines(url: string, sshKeys: readonly string[]): string[] {
  const host = sshHostPattern(url);
  return [...new Set(sshKeys.map((k) => k.trim().split(/\s+/).slice(0, 2).join(" ")).filter((k) => /^\S+ [A-Za-z0-9+/]+=*$/.test(k)))].sort().map((k) => `${host} ${k}`);
}

export function sshHostPattern(url: string): string {
  const ssh = /^ssh:\/\/(?:[^@/]+@)?(\[[^\]]+\]|[^/:]+)(?::(\d+))?\//.exec(url);
  if (ssh) return ssh[2] && ssh[2] !== "22" ? `[${ssh[1]!.replace(/^\[|\]$/g, "")}]:${ssh[2]}` : ssh[1]!;
  const scp = /^[^@\s]+@([^:\s]+):/.exec(url);
  return scp ? scp[1]! : url;
}
