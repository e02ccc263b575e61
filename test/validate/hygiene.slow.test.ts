import { generateKeyPairSync } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { entropy } from "../../generator/validate/hygiene.js";
import { projectPolicyProblems } from "../../generator/validate/project-policy.js";
import { scrubSecrets } from "../../generator/scrub.js";
import { berth, makeRepo, removeRepo } from "../helpers/repo.js";
import { fixtureFleet } from "../helpers/fleet-fixture.js";

const repos: string[] = [];
afterEach(() => repos.splice(0).forEach(removeRepo));

async function validate(patch: Record<string, string>) {
  const root = makeRepo({ ...fixtureFleet(), ...patch });
  repos.push(root);
  return berth(root, "validate");
}

describe("secret hygiene in berth validate", () => {
  it("refuses a private key anywhere in the repository", async () => {
    const pem = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    const run = await validate({ "bootstrap/keys/laptop.key": `# oops\n${pem}` });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("bootstrap/keys/laptop.key:2:1: contains a private key; private keys must never be committed");
  });

  it("scans what is deployed and read as values, not a vendored chart's README with a truncated example key", async () => {
    const pem = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    const example = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7\n...\n";
    const clean = await validate({ "apps/shop/chart/README.md": `## TLS\n\n\`\`\`\n${example}\`\`\`\n`, "apps/shop/chart/templates/NOTES.txt": `${pem}` });
    expect(clean.stderr).not.toContain("private key");
    // The same whole key in a file a chart deploys (.Files.Get) is found.
    const found = await validate({ "apps/shop/chart/files/tls.key": pem });
    expect(found.code).toBe(1);
    expect(found.stderr).toContain("apps/shop/chart/files/tls.key:1:1: contains a private key");
    expect(found.stderr).toContain("mark it with `berth:allow-secret` on the line above, or list the file in .berth/allow-secrets");
  });

  it("finds a key in a YAML block scalar, its lines indented", async () => {
    const pem = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    const indented = pem.trimEnd().split("\n").map((l) => `    ${l}`).join("\n");
    const run = await validate({ "apps/shop/values.yaml": `replicas: 1\ntls:\n  key: |\n${indented}\n` });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("apps/shop/values.yaml:4:1: contains a private key");
  });

  it("lets a person mark an example: a key's line, or a file or folder in .berth/allow-secrets", async () => {
    const pem = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    const line = await validate({ "apps/shop/chart/files/example.key": `# berth:allow-secret (the chart's test fixture)\n${pem}` });
    expect(line.stderr).not.toContain("private key");
    const listed = await validate({
      ".berth/allow-secrets": "# vendored chart fixtures\napps/shop/chart/files/\napps/postgres/values.yaml\n",
      "apps/shop/chart/files/example.key": pem,
      "apps/postgres/values.yaml": "db:\n  password: hunter2\n",
    });
    expect(listed.stderr).not.toContain("private key");
    expect(listed.stderr).not.toContain("literal value");
    // Only what is listed: another values file is still scanned.
    const other = await validate({ ".berth/allow-secrets": "apps/shop/\n", "apps/postgres/values.yaml": "db:\n  password: hunter2\n" });
    expect(other.stderr).toContain("apps/postgres/values.yaml:2:13: `password` holds a literal value");
  });

  it("flags a literal password in a values file, with its position", async () => {
    const run = await validate({ "apps/shop/values.yaml": "replicas: 1\ndb:\n  password: hunter2\n" });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("apps/shop/values.yaml:3:13: `password` holds a literal value");
    expect(run.stderr).toContain("berth seal");
  });

  it("flags a high-entropy string in a cluster override", async () => {
    const run = await validate({ "clusters/prod/values/shop.yaml": "replicas: 3\napiKeyValue: Zx8#kQ2!vR9@pL4$wT7&mN1\n" });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("clusters/prod/values/shop.yaml:2:14: `apiKeyValue` holds a high-entropy string");
  });

  it("accepts references, digests, URLs and lines marked as allowed", async () => {
    const run = await validate({
      "apps/shop/values.yaml": [
        "auth:",
        "  existingSecret: shop-db",
        "  passwordSecretKey: password",
        "image: { digest: 'sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08' }",
        "url: https://charts.example.com/aBcD1234eFgH5678iJkL",
        "grafana: { adminPassword: admin } # berth:allow-secret (local demo only)",
        "",
      ].join("\n"),
    });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
  });

  it("measures entropy", () => {
    expect(entropy("aaaaaaaa")).toBe(0);
    expect(entropy("abcdefgh")).toBe(3);
  });
});

describe("least privilege", () => {
  it("fails an app-layer app that declares cluster-scoped kinds", async () => {
    const run = await validate({ "apps/shop/app.yaml": `${fixtureFleet()["apps/shop/app.yaml"]}clusterResources:\n  - { group: rbac.authorization.k8s.io, kind: ClusterRole }\n` });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/apps\/shop\/app\.yaml:\d+:\d+: layer apps may not create the cluster-scoped kind rbac\.authorization\.k8s\.io\/ClusterRole/);
  });

  it("lets monitoring bind cluster-wide read access but not install CRDs", async () => {
    const metrics = fixtureFleet()["apps/metrics/app.yaml"]!;
    const ok = await validate({ "apps/metrics/app.yaml": `${metrics}clusterResources:\n  - { group: rbac.authorization.k8s.io, kind: ClusterRole }\n` });
    expect(ok.code).toBe(0);
    const bad = await validate({ "apps/metrics/app.yaml": `${metrics}clusterResources:\n  - { group: apiextensions.k8s.io, kind: CustomResourceDefinition }\n` });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("install CRDs from an infra app");
  });

  it("rejects AppProjects that allow any repository, any namespace, another cluster or cluster kinds outside platform/infra", () => {
    const project = (name: string, spec: object) => ({ metadata: { name }, spec });
    expect(projectPolicyProblems(project("apps", { sourceRepos: ["https://git.example.com/r.git"], destinations: [{ server: "https://kubernetes.default.svc", namespace: "shop" }] }))).toEqual([]);
    expect(projectPolicyProblems(project("apps", { sourceRepos: ["*"], destinations: [{ server: "https://kubernetes.default.svc", namespace: "*" }] }))).toEqual([
      "sourceRepos allows any repository (a '*' pattern)",
      "destination allows any namespace (*)",
    ]);
    expect(projectPolicyProblems(project("infra", { destinations: [{ server: "https://other.example.com", namespace: "x" }] }))).toEqual(["destination https://other.example.com is not the in-cluster API server"]);
    expect(projectPolicyProblems(project("apps", { clusterResourceWhitelist: [{ group: "", kind: "Namespace" }] }))).toEqual(["grants the cluster-scoped kind core/Namespace to layer apps"]);
    expect(projectPolicyProblems(project("platform", { clusterResourceWhitelist: [{ group: "*", kind: "*" }] }))).toEqual(["grants the cluster-scoped kind */* to layer platform"]);
  });
});

describe("token scrubbing", () => {
  it("removes credentials from URLs, query strings, bearer tokens and GitHub tokens", () => {
    expect(scrubSecrets("fetch https://bot:s3cr3t@git.example.com/r.git failed")).toBe("fetch https://***@git.example.com/r.git failed");
    expect(scrubSecrets("GET /index.yaml?token=abc123&x=1")).toBe("GET /index.yaml?token=***&x=1");
    expect(scrubSecrets("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.abc")).toBe("Authorization: Bearer ***");
    expect(scrubSecrets(`token ghp_${"a".repeat(36)} rejected`)).toBe("token *** rejected");
  });

  it("applies to error output of the CLI", async () => {
    const tree = fixtureFleet();
    tree["clusters/dev/cluster.yaml"] = tree["clusters/dev/cluster.yaml"]!.replace("https://git.example.com/fleet.git", "https://bot:hunter2secret@git.example.com/fleet.git").replace("  - metrics\n", "  - metrics\n  - nope\n");
    const root = makeRepo(tree);
    repos.push(root);
    const run = await berth(root, "validate");
    expect(run.code).toBe(1);
    expect(run.stderr).not.toContain("hunter2secret");
  });
});
