#!/usr/bin/env node
// Times the render job of .github/workflows/preview.yml on this machine: the same commands, in the
// same order, from a fresh clone of this checkout's HEAD (berth/) and a pull request that changes
// one app's values (pr/). The npm cache is this machine's (~/.npm, warm: the job restores it from
// the Actions cache); helm and kubectl are timed unpacked from scratch (a cache miss) and again
// from the unpacked folder (a hit). Checkouts are not timed: on Actions they are network-bound.
// docs/pull-request-previews.md quotes its output; test/docs/pull-request-previews.test.ts checks
// that STEPS are the workflow's own commands.
//
//   node scripts/preview-job-time.mjs
import { spawnSync } from "node:child_process";
import { appendFileSync, mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The render job's `run:` commands this script times, with the folder each runs in. */
export const STEPS = [
  { label: "npm ci (npm cache restored)", cwd: "berth", command: "npm ci --ignore-scripts --prefer-offline --no-audit --no-fund" },
  { label: "npm run build", cwd: "berth", command: "npm run build" },
  { label: "unpack helm and kubectl (cache miss)", cwd: "berth", command: "node scripts/unpack-tools.mjs" },
  { label: "unpack helm and kubectl (cache hit)", cwd: "berth", command: "node scripts/unpack-tools.mjs" },
  { label: "berth preview --render", cwd: ".", command: 'node berth/bin/berth.js --root pr preview --base "$base" --head HEAD --render --out-dir "$OUT/work"' },
];

/** The report's lines after its heading: one per step, then the totals. */
export const REPORT_LINE = /^ {2}(.+?) +(\d+\.\d) s$/;

const sh = (cwd, command, env = {}) => {
  const r = spawnSync("bash", ["-c", command], { cwd, env: { ...process.env, ...env }, encoding: "utf8", maxBuffer: 64 << 20 });
  return r;
};

function must(r, what) {
  if (r.status !== 0) {
    process.stderr.write(`preview-job-time: ${what} failed (exit ${r.status})\n${r.stderr}`);
    process.exit(2);
  }
  return r.stdout;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const repo = join(dirname(fileURLToPath(import.meta.url)), "..");
  const work = mkdtempSync(join(tmpdir(), "berth-preview-job-"));
  try {
    const head = must(sh(repo, "git rev-parse HEAD"), "git rev-parse").trim();
    must(sh(work, `git clone -q --no-hardlinks "${repo}" berth && git -C berth checkout -q ${head}`), "clone berth");
    must(sh(work, `git clone -q --no-hardlinks "${repo}" pr && git -C pr checkout -q -b change ${head}`), "clone the pull request");
    const values = join(work, "pr/apps/coalesce-gateway/values.yaml");
    appendFileSync(values, "# a pull request's change to this app's values\n");
    must(sh(join(work, "pr"), "git -c user.name=t -c user.email=t@example.invalid commit -qam change"), "commit the change");
    const env = { base: head, OUT: join(work, "out"), BERTH_TOOLS: "bundled" };
    const times = [];
    for (const s of STEPS) {
      const start = process.hrtime.bigint();
      const r = sh(join(work, s.cwd), s.command, env);
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      // berth preview: 1 = changes, as this pull request has.
      if (r.status !== 0 && !(s.label.startsWith("berth preview") && r.status === 1)) must(r, s.label);
      times.push([s.label, seconds]);
    }
    const t = Object.fromEntries(times);
    const common = t["npm ci (npm cache restored)"] + t["npm run build"] + t["berth preview --render"];
    const width = Math.max(...times.map(([l]) => l.length), 32);
    const line = (label, s) => `  ${label.padEnd(width)} ${s.toFixed(1).padStart(6)} s`;
    console.log(`preview render job on this machine: ${cpus().length} cores, ${process.platform}/${process.arch}, node ${process.version}`);
    for (const [label, s] of times) console.log(line(label, s));
    console.log(line("total, both caches hit", common + t["unpack helm and kubectl (cache hit)"]));
    console.log(line("total, helm cache missed", common + t["unpack helm and kubectl (cache miss)"]));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
