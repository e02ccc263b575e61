// A Git repository served over SSH only, the way GitHub serves one to a deploy key: Debian's
// openssh-server on 127.0.0.1 with its own config (nothing of the machine's /etc/ssh), whose
// AuthorizedKeysCommand asks the loopback GitHub for the repository's deploy keys. So the key
// berth registered through @octokit/rest is the key that opens the repository; anonymous and
// unknown keys are refused, and the forced command serves git-upload-pack of this one repository
// (read-only: a push is refused like a read-only deploy key's).
import { spawn, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";

const SSHD = ["/usr/sbin/sshd", "/usr/bin/sshd"].find((p) => existsSync(p));

/** Whether openssh-server is installed (the Debian package .ci/run installs). */
export const haveSshd = () => SSHD !== undefined;

/**
 * Starts sshd for `repoDir` (a bare or non-bare repository) at ssh://<user>@127.0.0.1:<port>/<owner>/<repo>.git.
 * `github` is { url, token, owner, repo }: the loopback GitHub whose deploy keys open it.
 * Returns { url, port, hostKey ("ssh-ed25519 AAAA…"), log(), stop() }.
 */
export async function startGitSsh({ repoDir, github }) {
  if (!SSHD) throw new Error("openssh-server is not installed (sshd): apt-get install openssh-server");
  const dir = mkdtempSync(join(tmpdir(), "berth-git-ssh-"));
  // The keys command runs as AuthorizedKeysCommandUser (nobody when sshd runs as root): it must read these.
  chmodSync(dir, 0o755);
  const user = userInfo().username;
  const asRoot = process.getuid?.() === 0;
  if (asRoot) mkdirSync("/run/sshd", { recursive: true, mode: 0o755 }); // sshd's privilege-separation directory
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "berth-e2e-git-host", "-f", join(dir, "host_ed25519")]);
  const hostKey = readFileSync(join(dir, "host_ed25519.pub"), "utf8").trim().split(/\s+/).slice(0, 2).join(" ");
  const path = `/${github.owner}/${github.repo}.git`;

  // The loopback GitHub's test token, readable by the keys command (sshd passes it no environment).
  writeFileSync(join(dir, "github.json"), JSON.stringify({ api: `${github.url}/repos/${github.owner}/${github.repo}/keys?per_page=100`, token: github.token }), { mode: 0o644 });
  writeFileSync(
    join(dir, "serve.sh"),
    [
      "#!/bin/sh",
      "# The forced command of every deploy key: read-only access to this one repository.",
      'case "$SSH_ORIGINAL_COMMAND" in',
      `  "git-upload-pack '${path}'"|"git-upload-pack '${path.slice(1)}'"|"git-upload-pack ${path}") exec git-upload-pack --strict '${repoDir}' ;;`,
      `  *) echo "ERROR: read-only deploy key: only git-upload-pack of ${path.slice(1)}" >&2; exit 1 ;;`,
      "esac",
      "",
    ].join("\n"),
    { mode: 0o755 },
  );
  writeFileSync(
    join(dir, "keys.mjs"),
    [
      "// AuthorizedKeysCommand: the repository's deploy keys, as the loopback GitHub lists them.",
      'import { readFileSync } from "node:fs";',
      `const { api, token } = JSON.parse(readFileSync(${JSON.stringify(join(dir, "github.json"))}, "utf8"));`,
      'const res = await fetch(api, { headers: { authorization: `token ${token}`, accept: "application/vnd.github+json" } });',
      "if (!res.ok) process.exit(1);",
      `for (const k of await res.json()) console.log(\`restrict,command="/bin/sh ${join(dir, "serve.sh")}" \${k.key}\`);`,
      "",
    ].join("\n"),
    { mode: 0o644 },
  );
  const port = await freePort();
  const config = join(dir, "sshd_config");
  writeFileSync(
    config,
    [
      `Port ${port}`,
      "ListenAddress 127.0.0.1",
      `HostKey ${join(dir, "host_ed25519")}`,
      `PidFile ${join(dir, "sshd.pid")}`,
      "AuthorizedKeysFile none",
      // Only the first word must be a safe path (root-owned, not group/world-writable): node is.
      `AuthorizedKeysCommand ${process.execPath} ${join(dir, "keys.mjs")}`,
      `AuthorizedKeysCommandUser ${asRoot ? "nobody" : user}`,
      "PubkeyAuthentication yes",
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication no",
      "HostbasedAuthentication no",
      "PermitEmptyPasswords no",
      `PermitRootLogin ${asRoot ? "forced-commands-only" : "no"}`,
      `AllowUsers ${user}`,
      "UsePAM no",
      "StrictModes no",
      "PermitTTY no",
      "AllowTcpForwarding no",
      "X11Forwarding no",
      "PrintMotd no",
      "LogLevel VERBOSE",
      "",
    ].join("\n"),
  );
  execFileSync(SSHD, ["-t", "-f", config]); // a config error fails here, with sshd's message
  const logFile = join(dir, "sshd.log");
  const child = spawn(SSHD, ["-D", "-e", "-f", config], { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  child.stderr.on("data", (d) => {
    log += d;
    writeFileSync(logFile, log);
  });
  const exited = new Promise((ok) => child.once("exit", ok));
  const deadline = Date.now() + 10_000;
  while (!(await listening(port))) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`sshd did not start on 127.0.0.1:${port}: ${log}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  return {
    url: `ssh://${user}@127.0.0.1:${port}${path}`,
    port,
    hostKey,
    dir,
    log: () => log,
    async stop() {
      child.kill("SIGTERM");
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function listening(port) {
  return new Promise((ok) => {
    const s = createServer();
    s.once("error", () => ok(true));
    s.listen(port, "127.0.0.1", () => s.close(() => ok(false)));
  });
}

function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once("error", fail);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}
