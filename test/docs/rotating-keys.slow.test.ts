import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runKeysRemove, runKeysRotate } from "../../generator/commands/keys-live.js";
import type { CommandIO } from "../../generator/commands/context.js";
import { generateSealingKeyPair } from "../../generator/sealer/index.js";
import { makeRepo, removeRepo } from "../helpers/repo.js";
import { fakeCluster, fakeLiveDeps } from "../secrets/fake-controller.js";
import { fingerprintOf, fleetWithCerts, NOW, run } from "../secrets/helpers.js";

const PAGE = new URL("../../docs/rotating-keys.md", import.meta.url);
const page = readFileSync(PAGE, "utf8");
/** Every ```text block that shows a berth command and its output. */
const steps = [...page.matchAll(/```text\n\$ npx berth (.+)\n([\s\S]*?)```/g)].map((m) => ({ args: m[1]!.split(" "), output: m[2]! }));

/** The fingerprints the page shows, for the old and the new key (real ones differ on every run). */
const SHOWN = { old: "5d41402abc4b", new: "7d793037a076" };

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeRepo));

describe("docs/rotating-keys.md", () => {
  it("is linked from the README, after the sealing section", () => {
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    const link = readme.indexOf("(docs/rotating-keys.md)");
    expect(link).toBeGreaterThan(readme.indexOf("### The sealing-key lifecycle"));
    expect(link).toBeLessThan(readme.indexOf("### Preview a change"));
  });

  it("walks through status, rotate, re-seal, status and remove", () => {
    expect(steps.map((s) => s.args.slice(0, 2).join(" "))).toEqual(["secrets status", "keys rotate", "secrets status", "seal --reseal", "secrets status", "keys remove"]);
  });

  it("shows the real output of each command, run in order (the cluster is a scripted controller; the e2e runs the real one)", async () => {
    const keys = mkdtempSync(join(tmpdir(), "berth-doc-keys-"));
    dirs.push(keys);
    const old = await generateSealingKeyPair({ now: NOW });
    writeFileSync(join(keys, "prod.key"), old.privateKeyPem, { mode: 0o600 });
    const root = makeRepo(fleetWithCerts({ dev: old.certPem, prod: old.certPem }));
    dirs.push(root);
    for (const [ns, name, key] of [["data", "postgres-credentials", "postgres-password"], ["shop-prod", "shop-db", "password"]] as const) {
      expect((await run(root, ["seal", "prod", "--namespace", ns, "--name", name, "--random", key], { now: NOW })).code).toBe(0);
    }
    const cluster = fakeCluster();
    cluster.keySecrets.set(`sealed-secrets-key-${fingerprintOf(old.certPem).slice(0, 12)}`, { crt: old.certPem, key: old.privateKeyPem });
    const deps = fakeLiveDeps(cluster);
    const real = { old: fingerprintOf(old.certPem).slice(0, 12), new: "" };
    const actual: string[] = [];

    for (const step of steps) {
      const args = step.args.map((a) => a.replace("~/keys/", `${keys}/`).replace(SHOWN.old, real.old).replace(SHOWN.new, real.new));
      let out = "";
      let err = "";
      const io: CommandIO = { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) }, cwd: root, env: {}, now: () => NOW };
      const opt = (flag: string) => args[args.indexOf(flag) + 1]!;
      let code: number;
      if (args[0] === "keys" && args[1] === "rotate") {
        code = await runKeysRotate({ root, cluster: args[2]!, out: opt("--out"), context: opt("--context"), resealKeys: [], timeoutMs: 300_000 }, io, deps);
        real.new = /now ([0-9a-f]{12}) \(active\)/.exec(out)![1]!;
      } else if (args[0] === "keys" && args[1] === "remove") {
        code = await runKeysRemove({ root, cluster: args[2]!, certificate: opt("--certificate"), context: opt("--context"), keys: [opt("--key")], timeoutMs: 300_000 }, io, deps);
      } else {
        const r = await run(root, args, { now: NOW });
        [code, out, err] = [r.code, r.stdout, r.stderr];
      }
      const shown = out.replaceAll(`${keys}/`, "~/keys/").replaceAll(real.old, SHOWN.old).replaceAll(real.new || SHOWN.new, SHOWN.new);
      expect(err, step.args.join(" ")).toBe("");
      expect(code, step.args.join(" ")).toBe(0);
      actual.push(shown);
    }
    // BERTH_DOCS_WRITE=1 rewrites the page's outputs with what the commands printed.
    if (process.env.BERTH_DOCS_WRITE === "1") {
      let i = 0;
      writeFileSync(PAGE, page.replace(/(```text\n\$ npx berth .+\n)[\s\S]*?```/g, (_, head: string) => `${head}${actual[i++]}\`\`\``));
    }
    steps.forEach((step, i) => expect(actual[i], `berth ${step.args.join(" ")}`).toBe(step.output));
  });
});
