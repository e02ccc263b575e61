import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { main } from "../../generator/cli.js";
import { berth, makeRepo, readTree, removeRepo } from "../helpers/repo.js";
import { fixtureFleet } from "../helpers/fleet-fixture.js";

const repos: string[] = [];
afterEach(() => repos.splice(0).forEach(removeRepo));

/** Runs generate on the fixture with some files replaced; asserts the user-error contract. */
async function expectUserError(patch: Record<string, string | null>, ...expected: (string | RegExp)[]) {
  const tree: Record<string, string> = fixtureFleet();
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete tree[k];
    else tree[k] = v;
  }
  const root = makeRepo(tree);
  repos.push(root);
  const before = readTree(root);
  const run = await berth(root, "generate");
  expect(run.code, run.stderr).toBe(1);
  expect(run.stdout).toBe("");
  expect(run.stderr).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/); // no stack trace
  expect(run.stderr).toMatch(/^[^\s:]+:\d+:\d+: /m); // file:line:col
  expect(run.stderr).toContain("fix: ");
  expect(run.stderr).toContain("nothing was written");
  for (const e of expected) expect(run.stderr).toMatch(e);
  expect(readTree(root)).toEqual(before);
  return run.stderr;
}

const cluster = () => fixtureFleet()["clusters/dev/cluster.yaml"]!;
const shop = () => fixtureFleet()["apps/shop/app.yaml"]!;

describe("bad input", () => {
  it("YAML syntax error", async () => {
    await expectUserError({ "clusters/dev/cluster.yaml": cluster().replace("profile: kind", "profile: [kind") }, /clusters\/dev\/cluster\.yaml:\d+:\d+: YAML syntax error/);
  });

  it("duplicate keys", async () => {
    await expectUserError({ "apps/shop/app.yaml": `${shop()}layer: infra\n` }, /apps\/shop\/app\.yaml:\d+:1: Map keys must be unique/, "remove or rename one of the repeated keys");
  });

  it("tabs used for indentation", async () => {
    await expectUserError({ "apps/metrics/app.yaml": "layer: monitoring\nsource:\n\ttype: manifests\n" }, "apps/metrics/app.yaml:", "indent with spaces");
  });

  it("wrong type", async () => {
    await expectUserError({ "clusters/dev/cluster.yaml": cluster().replace('nodes: 1', 'nodes: "one"') }, 'clusters/dev/cluster.yaml:4:', 'capacity.nodes is string "one", expected integer');
  });

  it("unknown field, with the nearest valid name", async () => {
    await expectUserError({ "apps/shop/app.yaml": shop().replace("dependsOn:", "dependOn:") }, "apps/shop/app.yaml:5:1: unknown field `dependOn`", "did you mean `dependsOn`?");
  });

  it("value outside an enum", async () => {
    await expectUserError({ "apps/metrics/app.yaml": "layer: observability\nnamespace: monitoring\nsource: { type: manifests, path: manifests }\n" }, 'apps/metrics/app.yaml:1:8: layer is "observability", expected one of: platform, infra, monitoring, apps');
  });

  it("missing required field", async () => {
    await expectUserError({ "apps/metrics/app.yaml": "layer: monitoring\nsource: { type: manifests, path: manifests }\n" }, "apps/metrics/app.yaml:1:1: the document is missing the required field `namespace`");
  });

  it("unknown source type", async () => {
    await expectUserError({ "apps/metrics/app.yaml": "layer: monitoring\nnamespace: m\nsource: { type: jsonnet, path: x }\n" }, "apps/metrics/app.yaml:3:", "source.type must be one of helm, chart, kustomize, manifests");
  });

  it("unknown app on a cluster", async () => {
    await expectUserError({ "clusters/dev/cluster.yaml": cluster().replace("  - metrics\n", "  - metric\n") }, 'clusters/dev/cluster.yaml:13:5: unknown app "metric"', 'did you mean "metrics"?');
  });

  it("unknown dependsOn target", async () => {
    await expectUserError({ "apps/metrics/app.yaml": fixtureFleet()["apps/metrics/app.yaml"]!.replace("[postgres]", "[postgress]") }, 'apps/metrics/app.yaml:4:13: dependsOn names "postgress"', 'did you mean "postgres"?');
  });

  it("dependency cycle, named in full", async () => {
    const err = await expectUserError(
      {
        "apps/postgres/app.yaml": `${fixtureFleet()["apps/postgres/app.yaml"]}dependsOn: [kustom]\n`,
        "apps/kustom/app.yaml": fixtureFleet()["apps/kustom/app.yaml"]!.replace("profiles: [kind]\n", "dependsOn: [postgres]\n"),
      },
      "dependency cycle: kustom → postgres → kustom",
    );
    expect(err.match(/dependency cycle/g)).toHaveLength(1);
  });

  it("dependency on a later layer", async () => {
    await expectUserError({ "apps/postgres/app.yaml": `${fixtureFleet()["apps/postgres/app.yaml"]}dependsOn: [metrics]\n` }, 'app "postgres" (layer infra) depends on "metrics" (layer monitoring), which syncs later');
  });

  it("dependency that does not run on the cluster", async () => {
    await expectUserError({ "clusters/dev/cluster.yaml": cluster().replace("  - postgres\n", "") }, 'app "metrics" depends on "postgres", which does not run on cluster "dev"', "external:");
  });

  it("two apps producing the same Application name", async () => {
    await expectUserError(
      {
        "apps/shop-staging/app.yaml": "layer: apps\nnamespace: shop-staging\nsource: { type: manifests, path: m }\n",
        "apps/shop-staging/m/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x }\n",
        "clusters/dev/cluster.yaml": `${cluster()}  - shop-staging\n`,
      },
      'two Applications are both named "shop-staging" on this cluster: app "shop" in environment "staging", and app "shop-staging"',
    );
  });

  it("a namespace claimed by two layers", async () => {
    await expectUserError({ "apps/metrics/app.yaml": fixtureFleet()["apps/metrics/app.yaml"]!.replace("namespace: monitoring", "namespace: data") }, 'namespace "data" is claimed by layer infra (postgres) and layer monitoring (metrics)');
  });

  it("an app enabled on a profile it does not support", async () => {
    await expectUserError({ "clusters/prod/cluster.yaml": fixtureFleet()["clusters/prod/cluster.yaml"]!.replace("metrics,", "metrics, kustom,") }, 'app "kustom" supports profiles kind, not this cluster\'s profile "cloud"');
  });

  it("a values file that is not a mapping", async () => {
    await expectUserError({ "apps/shop/values.yaml": "- replicas\n- 1\n" }, "apps/shop/values.yaml:1:1: is a list, expected a mapping of Helm values");
  });

  it("a missing local chart", async () => {
    await expectUserError({ "apps/shop/chart/Chart.yaml": null }, "apps/shop/app.yaml:", "source folder apps/shop/chart has no Chart.yaml");
  });

  it("an empty app.yaml", async () => {
    await expectUserError({ "apps/metrics/app.yaml": "" }, "apps/metrics/app.yaml:1:1: is empty, expected a app.yaml mapping");
  });

  it("a binary file", async () => {
    await expectUserError({ "apps/metrics/app.yaml": "layer: \u0000\u0001" }, "apps/metrics/app.yaml:1:1: is a binary file");
  });

  it("reports every problem of a run, sorted", async () => {
    const err = await expectUserError(
      {
        "apps/shop/app.yaml": shop().replace("dependsOn:", "dependOn:"),
        "clusters/dev/cluster.yaml": cluster().replace("nodes: 1", "nodes: 0"),
      },
      "unknown field `dependOn`",
      "capacity.nodes must be >= 1",
      "2 problems found",
    );
    expect(err.indexOf("apps/shop")).toBeLessThan(err.indexOf("clusters/dev"));
  });
});

describe("could not run", () => {
  it("a folder that is not a berth repository exits 2 for every gate", async () => {
    const root = makeRepo({ "README.md": "not a fleet\n" });
    repos.push(root);
    for (const args of [["validate"], ["generate", "--check"], ["generate"]]) {
      const run = await berth(root, ...args);
      expect(run.code, args.join(" ")).toBe(2);
      expect(run.stderr).toContain("berth: not a berth repository: no clusters/ folder");
      expect(run.stderr).toContain("fix: run berth in the fleet repository, or point at it with -C <repository>");
    }
    const missing = await berth(root, "-C", join(root, "nonexistent"), "validate");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("not a berth repository: no clusters/ folder");
  });

  it("an unreadable repository exits 2 without a stack trace", async () => {
    const root = makeRepo({ clusters: "not a folder\n" });
    repos.push(root);
    const run = await berth(root, "generate");
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^berth: could not scandir .*clusters: ENOTDIR/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it("an unexpected failure is reported as a bug with exit code 2", async () => {
    const root = makeRepo(fixtureFleet());
    repos.push(root);
    let stderr = "";
    const code = await main(["generate"], {
      stdout: { write: () => { throw new TypeError("stdout closed"); } },
      stderr: { write: (s: string) => (stderr += s) },
      cwd: root,
      env: {},
    });
    expect(code).toBe(2);
    expect(stderr).toContain("internal error (this is a bug in berth");
    expect(stderr).toContain("stdout closed");
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
