#!/usr/bin/env node
// `npm run bench`: berth against its peer at scale, in one run on one machine, in both shapes:
// - spread: 200 clusters × 50 apps (10,000 child Applications, each a remote chart with values in Git);
// - one cluster of 10,000 apps (`appOfApps: layered`), and of 20,000 for the growth figure.
// Each shape is also written as the values of a hand-written app-of-apps chart (bench/app-of-apps/:
// nothing but the loop over one values list), and rounds interleave
//   helm template of that chart · berth generate into an empty tree · berth generate --check ·
//   berth preview --base HEAD after a one-app values change · berth validate (one cluster)
// so that a loaded machine is fair to both sides. Every round's ratio is printed with the medians:
// a goal is met only when it holds in every round. BENCH_CLUSTERS, BENCH_APPS, BENCH_ROUNDS,
// BENCH_BIG_APPS, BENCH_BIG_ROUNDS and BENCH_BERTH (another build's bin/berth.js, for before/after
// figures) override the defaults.
// Then one YAML mapping of BENCH_YAML_MIB (default 1) MiB and 8 times that (the default is the 8 MiB
// input-file limit): the goal is linear parse time, the larger at most 16 times the smaller (a
// quadratic parse is 64 times). The line ends "goal met" or "goal MISSED".
import { spawn, spawnSync } from "node:child_process";
import { appendFileSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { resolveTools } from "../dist/generator/exec/tools.js";
import { parseYamlSource } from "../dist/generator/yaml/source.js";
import { appOfAppsValues, fleetShape, writeBerthFleet } from "./fleet.js";

const repo = fileURLToPath(new URL("..", import.meta.url));
const CLUSTERS = Number(process.env.BENCH_CLUSTERS ?? 200);
const APPS = Number(process.env.BENCH_APPS ?? 50);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const BIG_APPS = Number(process.env.BENCH_BIG_APPS ?? 10_000);
const BIG_ROUNDS = Number(process.env.BENCH_BIG_ROUNDS ?? 3);
const BERTH = process.env.BENCH_BERTH ?? join(repo, "bin/berth.js");
const SELF_RSS = join(repo, "bench/self-rss.cjs");
const TIME = existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;

/** Runs a command to completion: wall time (ms), peak RSS with children (MB, with /usr/bin/time) and berth's own (MB). */
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
      if (!okCodes.includes(code)) return reject(new Error(`${cmd} ${args.join(" ")} exited ${code}:\n${stderr.slice(-2000)}`));
      const all = /BENCH-RSS (\d+)\s*$/.exec(stderr);
      const self = /BENCH-SELF-RSS (\d+)/.exec(stderr);
      resolve({ ms, rssMb: all ? Number(all[1]) / 1024 : undefined, selfMb: self ? Number(self[1]) / 1024 : undefined });
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
const max = (xs) => (xs.length === 0 || xs.some((x) => x === undefined) ? undefined : Math.max(...xs));
const berth = (...args) => [process.execPath, ["-r", SELF_RSS, BERTH, ...args]];

/** A fleet of `clusters` × `apps` in a temp folder, committed, with one app's values changed in the working tree. */
function makeFleet(dir, clusters, apps, layered) {
  const shape = fleetShape(clusters, apps);
  const fleet = join(dir, "fleet");
  const helmValues = join(dir, "app-of-apps-values.yaml");
  writeBerthFleet(fleet, shape, { layered });
  writeFileSync(helmValues, appOfAppsValues(shape));
  git(fleet, "init", "-q", "-b", "main");
  return { shape, fleet, helmValues };
}

/** Interleaved rounds (after a warm-up) of helm and each berth command; every result per command. */
async function rounds(tools, dir, { fleet, helmValues }, rounds, withValidate) {
  const [node, gen] = berth("generate");
  await measure(node, gen, fleet);
  git(fleet, "add", "-A");
  git(fleet, "commit", "-q", "-m", "fleet");
  // The change preview looks at: one app's values file, uncommitted in the working tree.
  const changed = readdirSync(join(fleet, "apps")).filter((a) => a !== "argo-cd").sort()[7 % (readdirSync(join(fleet, "apps")).length - 1)];
  appendFileSync(join(fleet, "apps", changed, "values.yaml"), "resources: { limits: { memory: 256Mi } }\n");
  const runs = {
    helm: () => measure(tools.helm, ["template", "fleet", join(repo, "bench/app-of-apps"), "-f", helmValues], dir),
    generate: () => (removeGenerated(fleet), measure(...berth("generate"), fleet)),
    check: () => measure(...berth("generate", "--check"), fleet),
    preview: () => measure(...berth("preview", "--base", "HEAD"), fleet, [1]),
    ...(withValidate ? { validate: () => measure(...berth("validate"), fleet) } : {}),
  };
  const results = Object.fromEntries(Object.keys(runs).map((k) => [k, []]));
  for (let round = 0; round <= rounds; round++) {
    for (const [name, run] of Object.entries(runs)) {
      const r = await run();
      if (round > 0) results[name].push(r);
    }
  }
  return results;
}

const LABELS = {
  helm: "helm template (app-of-apps chart)",
  generate: "berth generate (empty tree)",
  check: "berth generate --check (no change)",
  preview: "berth preview --base HEAD (one app changed)",
  validate: "berth validate",
};
const fmtMb = (x) => (x === undefined ? "n/a" : `${Math.round(x)} MB`);
const secs = (ms) => (ms / 1000).toFixed(2);

/** Medians and per-round spread; the berth/helm ratio of every round (each berth run against the helm run of its round). */
function report(results) {
  const med = {};
  for (const [name, rs] of Object.entries(results)) {
    const ms = rs.map((r) => r.ms);
    med[name] = median(ms);
    const rss = name === "helm" ? `peak RSS ${fmtMb(max(rs.map((r) => r.rssMb)))}` : `berth ${fmtMb(max(rs.map((r) => r.selfMb)))}, with children ${fmtMb(max(rs.map((r) => r.rssMb)))}`;
    console.log(`${LABELS[name].padEnd(44)} median ${secs(med[name]).padStart(6)} s  (${secs(Math.min(...ms))}–${secs(Math.max(...ms))})   ${rss}`);
  }
  const perRound = (name) => results[name].map((r, i) => r.ms / results.helm[i].ms);
  const ratio = (name) => (med[name] / med.helm).toFixed(2);
  const commands = Object.keys(results).filter((n) => n !== "helm");
  const peak = max(commands.flatMap((n) => results[n].map((r) => r.selfMb)));
  return { med, ratio, perRound, commands, peak };
}

/**
 * The per-round spread of each ratio against its goal: a goal is met only when every round meets it
 * (a median can hide a bad round on a noisy machine).
 */
function spreadLine(r, goals, extra = []) {
  const parts = r.commands.map((n) => {
    const xs = r.perRound(n);
    return `${n} ${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)} (${xs.map((x) => x.toFixed(2)).join(" ")})`;
  });
  const missed = [];
  for (const n of r.commands) {
    r.perRound(n).forEach((x, i) => {
      if (goals[n] !== undefined && x > goals[n]) missed.push(`${n} ${x.toFixed(2)} in round ${i + 1}`);
    });
  }
  for (const [what, value, goal] of extra) if (value === undefined || value > goal) missed.push(`${what} ${value === undefined ? "n/a" : value.toFixed(value < 10 ? 2 : 0)}`);
  const goalText = [...Object.entries(goals).map(([n, g]) => `${n} ≤ ${g}`), ...extra.map(([what, , goal]) => `${what} ≤ ${goal}`)].join(", ");
  return `per round: ${parts.join(", ")}; goals (every round) ${goalText}: ${missed.length === 0 ? "met" : `MISSED (${missed.join(", ")})`}`;
}

const tools = await resolveTools({ env: process.env });
const temp = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), "berth-bench-"));
  temp.push(d);
  return d;
};
try {
  // Spread fleet.
  let dir = tempDir();
  const spread = makeFleet(dir, CLUSTERS, APPS, false);
  console.log(`berth bench — node ${process.version}, ${process.platform}/${process.arch}; ${CLUSTERS} clusters × ${APPS} apps = ${CLUSTERS * APPS} Applications; helm ${tools.helmVersion}; ${ROUNDS} interleaved rounds after a warm-up`);
  const a = report(await rounds(tools, dir, spread, ROUNDS, false));
  console.log(`berth/helm time ratio: ${a.commands.map((n) => `${n} ${a.ratio(n)}`).join(", ")}; peak RSS ${a.peak === undefined ? "n/a" : Math.round(a.peak)} MB`);
  console.log(spreadLine(a, { generate: 0.5, check: 0.25, preview: 0.5 }));
  rmSync(dir, { recursive: true, force: true });

  // One big cluster, and one of twice its size for the growth figure.
  const totals = [];
  let big;
  for (const apps of [BIG_APPS, 2 * BIG_APPS]) {
    dir = tempDir();
    const fleet = makeFleet(dir, 1, apps, true);
    console.log(`\none cluster of ${apps} apps (appOfApps: layered); ${BIG_ROUNDS} interleaved rounds after a warm-up`);
    const r = report(await rounds(tools, dir, fleet, BIG_ROUNDS, true));
    totals.push(r.commands.reduce((n, c) => n + r.med[c], 0));
    big ??= r;
    rmSync(dir, { recursive: true, force: true });
  }
  const n = (x) => x.toLocaleString("en-US");
  const growth = totals[1] / totals[0];
  console.log(
    `berth/helm time ratio, one cluster of ${n(BIG_APPS)}: ${big.commands.map((c) => `${c} ${big.ratio(c)}`).join(", ")}; ` +
      `${n(2 * BIG_APPS)}/${n(BIG_APPS)}: ${growth.toFixed(2)}; peak RSS ${big.peak === undefined ? "n/a" : Math.round(big.peak)} MB`,
  );
  console.log(spreadLine(big, { generate: 0.5, check: 0.25, preview: 0.5, validate: 1.0 }, [[`${n(2 * BIG_APPS)}/${n(BIG_APPS)}`, growth, 2.2], ["peak RSS (MB)", big.peak, 300]]));
  benchYamlMapping();
} finally {
  for (const d of temp) rmSync(d, { recursive: true, force: true });
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
