#!/usr/bin/env node
// `npm run bench`: how long berth takes on the example fleet (and on a synthetic 300-app fleet),
// measured in-process on the compiled CLI. Figures quoted in the README come from this script.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { main } from "../dist/generator/cli.js";

const repo = fileURLToPath(new URL("..", import.meta.url));
const quiet = { write: () => true };
const io = (cwd) => ({ stdout: quiet, stderr: { write: (s) => process.stderr.write(s) }, cwd, env: {} });

async function time(label, cwd, args, runs) {
  const ms = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    const code = await main(args, io(cwd));
    ms.push(Number(process.hrtime.bigint() - t) / 1e6);
    if (code !== 0) throw new Error(`${label}: berth ${args.join(" ")} exited ${code}`);
  }
  ms.sort((a, b) => a - b);
  const mean = ms.reduce((s, x) => s + x, 0) / ms.length;
  console.log(`${label.padEnd(44)} mean ${mean.toFixed(1).padStart(7)} ms   median ${ms[Math.floor(ms.length / 2)].toFixed(1).padStart(7)} ms   (${runs} runs)`);
}

function copyFleet() {
  const dir = mkdtempSync(join(tmpdir(), "berth-bench-"));
  for (const d of ["clusters", "apps", "secrets"]) cpSync(join(repo, d), join(dir, d), { recursive: true });
  return dir;
}

function syntheticFleet(apps) {
  const dir = mkdtempSync(join(tmpdir(), "berth-bench-big-"));
  const write = (p, s) => (mkdirSync(dirname(join(dir, p)), { recursive: true }), writeFileSync(join(dir, p), s));
  const names = Array.from({ length: apps }, (_, i) => `svc-${String(i).padStart(3, "0")}`);
  write("apps/argo-cd/app.yaml", "layer: platform\nnamespace: argocd\nrole: argocd\nsource: { type: helm, repo: https://argoproj.github.io/argo-helm, chart: argo-cd, version: 8.5.0 }\n");
  for (const c of ["a", "b", "c"]) {
    write(`clusters/${c}/cluster.yaml`, `profile: kind\nrepo: { url: https://git.example.com/f.git }\nkubernetes: { version: 1.31.4 }\ncapacity: { nodes: 3, cpu: "64", memory: 256Gi }\nenvironments: [dev]\napps: [argo-cd, ${names.join(", ")}]\n`);
  }
  names.forEach((n, i) => {
    write(`apps/${n}/app.yaml`, `layer: ${["infra", "monitoring", "apps"][i % 3]}\nnamespace: ${n}\nsource: { type: chart }\n${i > 2 ? `dependsOn: [${names[i - 3]}]\n` : ""}resources: [{ workload: w, cpu: 10m, memory: 16Mi }]\n`);
    write(`apps/${n}/chart/Chart.yaml`, `apiVersion: v2\nname: ${n}\nversion: 0.1.0\n`);
    write(`apps/${n}/values.yaml`, "replicas: 1\n");
  });
  return dir;
}

const example = copyFleet();
const big = syntheticFleet(300);
try {
  console.log(`berth bench — node ${process.version}, ${process.platform}/${process.arch}`);
  await time("example fleet: generate (first write)", example, ["generate"], 1);
  await time("example fleet: generate --check", example, ["generate", "--check"], 20);
  await time("example fleet: validate", example, ["validate"], 5);
  await time("synthetic 3 clusters × 300 apps: generate", big, ["generate"], 3);
  await time("synthetic 3 clusters × 300 apps: --check", big, ["generate", "--check"], 5);
} finally {
  rmSync(example, { recursive: true, force: true });
  rmSync(big, { recursive: true, force: true });
}
