import { afterEach, describe, expect, it } from "vitest";
import { workflowCommand } from "../../generator/findings/github.js";
import { fixtureFleet } from "../helpers/fleet-fixture.js";
import { berth, makeRepo, removeRepo } from "../helpers/repo.js";

const repos: string[] = [];
afterEach(() => repos.splice(0).forEach(removeRepo));
function repo(edit: (tree: Record<string, string>) => void = () => {}): string {
  const tree = fixtureFleet();
  edit(tree);
  const root = makeRepo(tree);
  repos.push(root);
  return root;
}
const broken = (t: Record<string, string>) => void (t["clusters/dev/cluster.yaml"] = t["clusters/dev/cluster.yaml"]!.replace("profile: kind", "profile: kindd"));
const KEYS = ["col", "file", "fix", "line", "message", "severity"];

describe("workflow commands", () => {
  it("escape the message (%25 %0D %0A) and the properties (also %3A %2C) as GitHub requires", () => {
    const line = workflowCommand({ file: "apps/a,b:c.yaml", line: 3, col: 7, severity: "error", message: "100% wrong\r\nsecond line", fix: "set x: 1, y: 2" }, "berth validate: schema");
    expect(line).toBe("::error file=apps/a%2Cb%3Ac.yaml,line=3,col=7,title=berth validate%3A schema::100%25 wrong%0D%0Asecond line%0Afix: set x: 1, y: 2");
    expect(line.split("\n")).toHaveLength(1);
  });
});

describe("--format github and --format json", () => {
  it("validate --format github: one annotation per problem, exit 1", async () => {
    const r = await berth(repo(broken), "validate", "--format", "github");
    expect(r.code).toBe(1);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) expect(l).toMatch(/^::error file=[^,:]+,line=\d+,col=\d+,title=berth validate::\S/);
    expect(r.stdout).toMatch(/^::error file=clusters\/dev\/cluster\.yaml,line=\d+,col=\d+,title=berth validate::.*kindd/m);
    // validate never writes, so it does not say "nothing was written".
    expect(r.stderr).toMatch(/berth: \d+ problems? found\n$/);
  });

  it("validate --format json: one array of {file, line, col, severity, message, fix}; [] when valid", async () => {
    const bad = await berth(repo(broken), "validate", "--format", "json");
    expect(bad.code).toBe(1);
    const findings = JSON.parse(bad.stdout) as Array<Record<string, unknown>>;
    expect(findings.length).toBeGreaterThan(0);
    for (const f of findings) expect(Object.keys(f).sort()).toEqual(KEYS);
    expect(findings[0]).toMatchObject({ file: "clusters/dev/cluster.yaml", severity: "error" });
    const good = await berth(repo(), "validate", "--format", "json");
    expect(good.code).toBe(0);
    expect(JSON.parse(good.stdout)).toEqual([]);
    // The human summary still shows, on standard error, so standard output stays one JSON document.
    expect(good.stderr).toMatch(/^valid: 2 clusters/);
  });

  it("the human format is unchanged", async () => {
    const r = await berth(repo(broken), "validate");
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^clusters\/dev\/cluster\.yaml:\d+:\d+: /);
  });

  it("generate --check --format github: an annotation per stale file", async () => {
    const r = await berth(repo(), "generate", "--check", "--format", "github");
    expect(r.code).toBe(1);
    const annotations = r.stdout.split("\n").filter((l) => l.startsWith("::"));
    const stale = r.stdout.split("\n").filter((l) => l.startsWith("stale"));
    expect(annotations.length).toBe(stale.length);
    expect(annotations[0]).toMatch(/^::error file=clusters\/\w+\/argocd\/[^,]+,line=1,col=1,title=berth generate --check::stale%3A|^::error file=clusters\/\w+\/argocd\/[^,]+,line=1,col=1,title=berth generate --check::stale: /);
    expect(annotations[0]).toContain("%0Afix: run `berth generate` and commit the result");
  });

  it("secrets status --format json: stale and missing secrets are errors on their sealed file", async () => {
    const r = await berth(repo(), "secrets", "status", "--format", "json");
    expect(r.code).toBe(1);
    // One object: the table's rows and notes with the findings (issue 25, item 16).
    const { findings } = JSON.parse(r.stdout) as { findings: Array<{ file: string; severity: string; message: string }> };
    expect(findings.length).toBeGreaterThan(0);
    expect(findings).toContainEqual(expect.objectContaining({ file: "secrets/dev/data/postgres-credentials.yaml", severity: "error", message: expect.stringMatching(/^dev: data\/postgres-credentials is stale: sealed with certificate/) }));
  });

  it("rejects an unknown format", async () => {
    const r = await berth(repo(), "validate", "--format", "xml");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/argument 'xml' is invalid. Allowed choices are human, github, json/);
  });
});
