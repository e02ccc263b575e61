import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { berth } from "../helpers/repo.js";
import { ROOT } from "./fixture.js";

/** A scratch copy of the example fleet, so a test can over-commit it. */
function copyFleet(): string {
  const dir = mkdtempSync(join(tmpdir(), "berth-fleet-"));
  for (const d of ["clusters", "apps", "secrets"]) cpSync(join(ROOT, d), join(dir, d), { recursive: true });
  return dir;
}

function edit(root: string, file: string, from: string, to: string): void {
  const text = readFileSync(join(root, file), "utf8");
  if (!text.includes(from)) throw new Error(`${file} does not contain ${from}`);
  writeFileSync(join(root, file), text.replace(from, to));
}

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe("the example fleet's domain checks catch over-commitment", () => {
  it("validates as committed", async () => {
    const root = copyFleet();
    dirs.push(root);
    const run = await berth(root, "validate");
    // The example routes through the Gateway API: no ingress-nginx warning, nothing else.
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/pi: requests \d+Mi of 3624Mi memory/);
  });

  it("fails when Kafka on the Pi grows past its 4 × 906Mi, naming the largest consumers", async () => {
    const root = copyFleet();
    dirs.push(root);
    edit(root, "apps/everything-kafka/app.yaml", "memory: 192Mi }", "memory: 1536Mi }");
    const run = await berth(root, "validate");
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/clusters\/pi\/cluster\.yaml:\d+:\d+: memory requests on cluster "pi" add up to \d+Mi, over its capacity of 3624Mi \(4 × 906Mi\); largest: everything-kafka 1536Mi/);
    expect(run.stderr).toContain("fix: lower the requests or replicas of the largest consumers");
  });

  it("fails when the order service's pools no longer fit Postgres's max_connections", async () => {
    const root = copyFleet();
    dirs.push(root);
    edit(root, "apps/everything-order/app.yaml", "size: 5", "size: 10");
    const run = await berth(root, "validate");
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/apps\/everything-postgres\/app\.yaml:\d+:\d+: on cluster "pi", connection pools to everything-postgres need 115 connections \(.*everything-order-prod 20.*reserve 40\), over max_connections 100/);
    expect(run.stderr).toContain("fix: lower connectionPools sizes or replicas of the largest users");
  });
});
