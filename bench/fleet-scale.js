#!/usr/bin/env node
// `npm run bench`: berth against its peer at fleet scale, in one run on one machine. Builds a
// 200-cluster × 50-app fleet (10,000 child Applications, each a remote chart with values in Git)
// and the equivalent hand-written app-of-apps chart (bench/app-of-apps/), then interleaves rounds of
//   helm template of that chart · berth generate into an empty tree · berth generate --check ·
//   berth preview --base HEAD after a one-app values change
// and prints medians, peak RSS and the berth/helm ratios. Interleaving keeps a loaded machine
// fair to both sides. BENCH_CLUSTERS, BENCH_APPS, BENCH_ROUNDS and BENCH_BERTH (another build's
// bin/berth.js, for before/after figures) override the defaults.
// Then one YAML mapping of BENCH_YAML_MIB (default 1) MiB and 8 times that (the default is the 8 MiB
// input-file limit): the goal is linear parse time, the larger at most 16 times the smaller (a
// quadratic parse is 64 times). The line ends "goal met" or "goal MISSED".
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync, appendFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { resolveTools } from "../dist/generator/exec/tools.js";
import { parseYamlSource } from "../dist/generator/yaml/source.js";
import { appOfAppsValues, fleetShape, writeBerthFleet } from "./fleet.js";

const repo = fileURLToPath(new URL("..", import.meta.url));
const CLUSTERS = Number(process.env.BENCH_CLUSTERS ?? 200);
const APPS = Number(process.env.BENCH_APPS ?? 50);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const BERTH = process.env.BENCH_BERTH ?? join(repo, "bin/berth.js");
const TIME = existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;

/** Runs a command to completion: wall time (ms) and peak RSS (MB, when /usr/bin/time is there). */
function measure(cmd, args, cwd, okCodes = [0]) {
  return new Promise((resolve, reject) => {
    const argv = TIME ? [TIME, "-f", "BENCH-RSS %M", cmd, ...args] : [cmd, ...args];
    const t0 = process.hrtime.bigint();
    const child = spawn(argv[0], argv.slice(1), { cwd, stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, NO_COLOR: "1" } });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      const m = /BENCH-RSS (\d+)\s*$/.exec(stderr);
      if (!okCodes.includes(code)) return reject(new Error(`${cmd} ${args.join(" ")} exited ${code}:\n${stderr.slice(-2000)}`));
      resolve({ ms, rssMb: m ? Number(m[1]) / 1024 : undefined });
    });
  });
}

function git(cwd, ...args) {
  const r = spawnSync("git", args, { cwd, encoding: "utf8", env: { ...process.env, GIT_AUTHOR_NAME: "bench", GIT_AUTHOR_EMAIL: "bench@example.com", GIT_COMMITTER_NAME: "bench", GIT_COMMITTER_EMAIL: "bench@example.com" } });
  if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
}

function removeGenerated(root) {
  for (const c of readdirSync(join(root, "clusters"))) rmSync(join(root, "clusters", c, "argocd"), { recursive: true, force: true });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const max = (xs) => (xs.some((x) => x === undefined) ? undefined : Math.max(...xs));

const tools = await resolveTools({ env: process.env });
const shape = fleetShape(CLUSTERS, APPS);
const dir = mkdtempSync(join(tmpdir(), "berth-bench-"));
const fleet = join(dir, "fleet");
const helmValues = join(dir, "app-of-apps-values.yaml");
try {
  writeBerthFleet(fleet, shape);
  writeFileSync(helmValues, appOfAppsValues(shape));
  git(fleet, "init", "-q", "-b", "main");
  await measure(process.execPath, [BERTH, "generate"], fleet);
  git(fleet, "add", "-A");
  git(fleet, "commit", "-q", "-m", "fleet");
  // The change preview looks at: one app's values file, uncommitted in the working tree.
  appendFileSync(join(fleet, "apps", shape.apps[Math.min(7, shape.apps.length - 1)].name, "values.yaml"), "resources: { limits: { memory: 256Mi } }\n");

  const runs = {
    helm: () => measure(tools.helm, ["template", "fleet", join(repo, "bench/app-of-apps"), "-f", helmValues], dir),
    generate: () => (removeGenerated(fleet), measure(process.execPath, [BERTH, "generate"], fleet)),
    check: () => measure(process.execPath, [BERTH, "generate", "--check"], fleet),
    preview: () => measure(process.execPath, [BERTH, "preview", "--base", "HEAD"], fleet, [1]),
  };
  const results = Object.fromEntries(Object.keys(runs).map((k) => [k, []]));
  console.log(`berth bench — node ${process.version}, ${process.platform}/${process.arch}; ${CLUSTERS} clusters × ${APPS} apps = ${CLUSTERS * APPS} Applications; helm ${tools.helmVersion}; ${ROUNDS} interleaved rounds after a warm-up`);
  for (let round = 0; round <= ROUNDS; round++) {
    for (const [name, run] of Object.entries(runs)) {
      const r = await run();
      if (round > 0) results[name].push(r);
    }
  }
  const labels = {
    helm: "helm template (app-of-apps chart)",
    generate: "berth generate (empty tree)",
    check: "berth generate --check (no change)",
    preview: "berth preview --base HEAD (one app changed)",
  };
  const fmtRss = (x) => (x === undefined ? "n/a" : `${Math.round(x)} MB`);
  const med = {};
  for (const [name, rs] of Object.entries(results)) {
    med[name] = median(rs.map((r) => r.ms));
    console.log(`${labels[name].padEnd(44)} median ${(med[name] / 1000).toFixed(2).padStart(6)} s   peak RSS ${fmtRss(max(rs.map((r) => r.rssMb))).padStart(7)}`);
  }
  const ratio = (name) => (med[name] / med.helm).toFixed(2);
  const berthPeak = max(["generate", "check", "preview"].flatMap((n) => results[n].map((r) => r.rssMb)));
  console.log(`berth/helm time ratio: generate ${ratio("generate")}, check ${ratio("check")}, preview ${ratio("preview")}; peak RSS ${berthPeak === undefined ? "n/a" : Math.round(berthPeak)} MB`);
  benchYamlMapping();
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/** Parse time of one mapping of many keys, at two sizes eight times apart, in this process. */
function benchYamlMapping() {
  const mib = Number(process.env.BENCH_YAML_MIB ?? 1);
  const mapping = (bytes) => {
    const lines = [];
    for (let i = 0, n = 0; n < bytes; i++) {
      const line = `key${String(i).padStart(7, "0")}: value-${i}\n`;
      lines.push(line);
      n += line.length;
    }
    return { text: lines.join(""), keys: lines.length };
  };
  const time = (text) => {
    const rounds = [];
    for (let r = 0; r < Math.max(1, ROUNDS); r++) {
      const t = process.hrtime.bigint();
      const parsed = parseYamlSource("values.yaml", text);
      if (parsed.diagnostics.length > 0) throw new Error(`bench YAML did not parse: ${parsed.diagnostics[0].message}`);
      rounds.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    return median(rounds);
  };
  const small = mapping(mib * 1024 * 1024);
  const large = mapping(8 * mib * 1024 * 1024);
  const ts = time(small.text);
  const tl = time(large.text);
  const factor = tl / ts;
  console.log(`YAML parse, one mapping of ${small.keys} keys (${mib} MiB)`.padEnd(44) + ` median ${(ts / 1000).toFixed(2).padStart(6)} s`);
  console.log(`YAML parse, one mapping of ${large.keys} keys (${8 * mib} MiB)`.padEnd(44) + ` median ${(tl / 1000).toFixed(2).padStart(6)} s`);
  console.log(`YAML parse time ratio 8x size: ${factor.toFixed(1)}x; goal at most 16x (linear), ${factor <= 16 ? "goal met" : "goal MISSED"}`);
}
