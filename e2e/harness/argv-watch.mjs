// Runs a command while reading the argv (/proc/<pid>/cmdline) of it and of every process it starts,
// every few milliseconds, for a value that must never be there (a canary credential).
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

function processTable() {
  const parents = new Map();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // The field after the parenthesised command name: state, then the parent's pid.
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      parents.set(Number(name), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      /* gone meanwhile */
    }
  }
  return parents;
}

/** `{ exitCode, stdout, stderr, inspected, leaks }`: inspected counts the distinct processes read. */
export function runWatchingArgv(cmd, args, { env, cwd, input, secret }) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env, cwd, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.stdin.end(input ?? "");
    const seen = new Set();
    const leaks = [];
    const scan = () => {
      const parents = processTable();
      const ours = new Set([child.pid]);
      let grew = true;
      while (grew) {
        grew = false;
        for (const [pid, ppid] of parents) if (!ours.has(pid) && ours.has(ppid)) (ours.add(pid), (grew = true));
      }
      for (const pid of ours) {
        try {
          const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8");
          const key = `${pid}:${argv}`;
          if (argv && !seen.has(key)) {
            seen.add(key);
            if (argv.includes(secret)) leaks.push(argv.split("\0").join(" ").replaceAll(secret, "<canary>"));
          }
        } catch {
          /* gone meanwhile */
        }
      }
    };
    const timer = setInterval(scan, 5);
    scan();
    child.on("close", (exitCode) => {
      clearInterval(timer);
      resolve({ exitCode, stdout, stderr, inspected: seen.size, leaks });
    });
  });
}
