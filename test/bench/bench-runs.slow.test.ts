import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * `npm run bench` keeps working: the same script on a tiny fleet (2 clusters × 3 apps, one
 * round). Its figures are not checked here: speed goals live in the bench, never in tests.
 */
const repo = fileURLToPath(new URL("../..", import.meta.url));

describe("npm run bench", () => {
  it("runs helm and every berth command it compares and prints the ratio line", () => {
    const r = spawnSync(process.execPath, ["bench/fleet-scale.js"], {
      cwd: repo,
      encoding: "utf8",
      env: { ...process.env, BENCH_CLUSTERS: "2", BENCH_APPS: "3", BENCH_ROUNDS: "1", BENCH_BIG_APPS: "12", BENCH_BIG_ROUNDS: "1", BENCH_YAML_MIB: "0.05" },
      timeout: 120_000,
    });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("2 clusters × 3 apps = 6 Applications");
    for (const label of ["helm template (app-of-apps chart)", "berth generate (empty tree)", "berth generate --check (no change)", "berth preview --base HEAD (one app changed)", "berth validate"]) {
      expect(r.stdout).toMatch(new RegExp(`${label.replace(/[()]/g, "\\$&")}\\s+median\\s+\\d+\\.\\d\\d s  \\(\\d+\\.\\d\\d–\\d+\\.\\d\\d\\)`));
    }
    expect(r.stdout).toMatch(/^YAML parse time ratio 8x size: \d+\.\dx; goal at most 16x \(linear\), goal (met|MISSED)$/m);
    const round = "\\d+\\.\\d\\d";
    expect(r.stdout).toMatch(new RegExp(`^berth/helm time ratio: generate ${round}, check ${round}, preview ${round}; peak RSS (\\d+|n/a) MB$`, "m"));
    expect(r.stdout).toContain("one cluster of 12 apps (appOfApps: layered)");
    expect(r.stdout).toMatch(new RegExp(`^berth/helm time ratio, one cluster of 12: generate ${round}, check ${round}, preview ${round}, validate ${round}; 24/12: \\d+\\.\\d\\d; peak RSS (\\d+|n/a) MB$`, "m"));
    // Every round's ratio, against the goals, for both shapes.
    const spread = (name: string) => `${name} ${round}–${round} \\(${round}\\)`;
    expect(r.stdout).toMatch(new RegExp(`^per round: ${["generate", "check", "preview"].map(spread).join(", ")}; goals \\(every round\\) generate ≤ 0.5, check ≤ 0.25, preview ≤ 0.5: (met|MISSED \\(.+\\))$`, "m"));
    expect(r.stdout).toMatch(new RegExp(`^per round: ${["generate", "check", "preview", "validate"].map(spread).join(", ")}; goals \\(every round\\) generate ≤ 0.5, check ≤ 0.25, preview ≤ 0.5, validate ≤ 1, 24/12 ≤ 2.2, peak RSS \\(MB\\) ≤ 300: (met|MISSED \\(.+\\))$`, "m"));
  });
});
