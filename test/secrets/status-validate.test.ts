import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { generateSealingKeyPair, type SealingKeyPair } from "../../generator/sealer/index.js";
import { fixtureFleet } from "../helpers/fleet-fixture.js";
import { makeRepo, removeRepo } from "../helpers/repo.js";
import { fixtureSealedSecrets } from "../helpers/fleet-fixture.js";
import { certificateFingerprint } from "../../generator/secrets/cluster-certificate.js";
import { fleetWithCerts, NOW, run } from "./helpers.js";

let pair: SealingKeyPair;
const repos: string[] = [];
afterEach(() => repos.splice(0).forEach(removeRepo));
beforeAll(async () => {
  pair = await generateSealingKeyPair({ now: NOW });
});

function repo(extra: Record<string, string> = {}): string {
  const root = makeRepo({ ...fleetWithCerts({ dev: pair.certPem, prod: pair.certPem }), ...extra });
  repos.push(root);
  return root;
}

async function sealAll(root: string): Promise<void> {
  for (const [cluster, ns, name, key] of [
    ["dev", "data", "postgres-credentials", "postgres-password"],
    ["prod", "data", "postgres-credentials", "postgres-password"],
    ["dev", "shop-staging", "shop-db", "password"],
    ["prod", "shop-prod", "shop-db", "password"],
  ] as const) {
    const r = await run(root, ["seal", "--cluster", cluster, "--namespace", ns, "--name", name, "--from-literal", `${key}=v`]);
    expect(r.code, r.stderr).toBe(0);
  }
}

describe("berth secrets status", () => {
  it("lists consumed secrets nobody sealed, per cluster and namespace, with the command to seal them", async () => {
    const root = repo();
    const r = await run(root, ["secrets", "status"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(
      [
        "CLUSTER  STATE    SECRET                     SEALED WITH  DETAIL",
        "dev      missing  data/postgres-credentials  -            not sealed (consumed by postgres); run: berth seal --cluster dev --namespace data --name postgres-credentials --from-literal postgres-password=<value>",
        "dev      missing  shop-staging/shop-db       -            not sealed (consumed by shop-staging); run: berth seal --cluster dev --namespace shop-staging --name shop-db --from-literal password=<value>",
        "prod     missing  data/postgres-credentials  -            not sealed (consumed by postgres); run: berth seal --cluster prod --namespace data --name postgres-credentials --from-literal postgres-password=<value>",
        "prod     missing  shop-prod/shop-db          -            not sealed (consumed by shop-prod); run: berth seal --cluster prod --namespace shop-prod --name shop-db --from-literal password=<value>",
        "",
        "4 secrets: 4 missing",
        // Certificates made at NOW, status at LATER (91 days and 12 hours on): past the cloud profile's rotation period.
        "note: prod: the active sealing certificate is 91 days old; the cloud profile rotates every 90 days: berth keys rotate prod --out <new key file> --context <context> --key <current key file>",
        "",
      ].join("\n"),
    );
  });

  it("reports missing keys and unused secrets; exits 0 when only unused ones remain", async () => {
    const root = repo();
    await sealAll(root);
    expect((await run(root, ["seal", "--cluster", "prod", "--namespace", "data", "--name", "legacy", "--from-literal", "x=1"])).code).toBe(0);
    const clean = await run(root, ["secrets", "status"]);
    expect(clean.code, clean.stdout).toBe(0);
    expect(clean.stdout).toMatch(/^prod +unused +data\/legacy +[0-9a-f]{12} active \(unverified\) +no app on this cluster consumes it$/m);
    expect(clean.stdout).toContain("5 secrets: 1 unused, 4 ok");

    const shop = fixtureFleet()["apps/shop/app.yaml"]!.replace("keys: [password]", "keys: [password, username]");
    writeFileSync(join(root, "apps/shop/app.yaml"), shop);
    const lacking = await run(root, ["secrets", "status", "--cluster", "dev"]);
    expect(lacking.code).toBe(1);
    expect(lacking.stdout).toMatch(/^dev +missing +shop-staging\/shop-db +[0-9a-f]{12} active \(unverified\) +lacks username \(consumed by shop-staging\); run: berth seal --cluster dev --namespace shop-staging --name shop-db --from-literal username=<value>$/m);
    expect(lacking.stdout).not.toMatch(/^prod/m);
  });

  it("shows invalid files and files of unknown clusters", async () => {
    const root = repo({
      "secrets/dev/data/postgres-credentials.yaml": "apiVersion: v1\nkind: Secret\nmetadata: { name: postgres-credentials, namespace: data }\n",
      "secrets/gone/data/x.yaml": fixtureSealedSecrets()["secrets/dev/data/postgres-credentials.yaml"]!.replace(/postgres-credentials/g, "x"),
    });
    const r = await run(root, ["secrets", "status"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^dev +invalid +data\/postgres-credentials +- +secrets\/dev\/data\/postgres-credentials\.yaml:1:\d+: expected a bitnami\.com\/v1alpha1 SealedSecret, found v1 Secret$/m);
    expect(r.stdout).toMatch(/^gone +unused +data\/x +- +there is no cluster "gone"/m);
  });
});

describe("berth validate: secrets", () => {
  it("fails when an app consumes a secret not sealed for its cluster and namespace, at the app.yaml entry, with the seal command", async () => {
    const root = repo();
    const r = await run(root, ["validate"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'apps/postgres/app.yaml:6:5: postgres on cluster "dev" consumes secret data/postgres-credentials, which is not sealed for that cluster and namespace (no secrets/dev/data/postgres-credentials.yaml)\n' +
        "  fix: berth seal --cluster dev --namespace data --name postgres-credentials --from-literal postgres-password=<value>",
    );
    expect(r.stderr).toContain('apps/shop/app.yaml:8:5: shop-staging on cluster "dev" consumes secret shop-staging/shop-db, which is not sealed');
    expect(r.stderr).toContain('apps/shop/app.yaml:8:5: shop-prod on cluster "prod" consumes secret shop-prod/shop-db, which is not sealed');
    expect(r.stderr).toContain("4 problems found");

    await sealAll(root);
    const ok = await run(root, ["validate"]);
    expect(ok.stderr).toBe("");
    expect(ok.code).toBe(0);

    writeFileSync(join(root, "apps/postgres/app.yaml"), fixtureFleet()["apps/postgres/app.yaml"]!.replace("keys: [postgres-password]", "keys: [postgres-password, replication-password]"));
    const lacking = await run(root, ["validate", "--cluster", "dev"]);
    expect(lacking.code).toBe(1);
    expect(lacking.stderr).toContain(
      'apps/postgres/app.yaml:6:5: postgres on cluster "dev" consumes secret data/postgres-credentials, but secrets/dev/data/postgres-credentials.yaml lacks replication-password\n' +
        "  fix: berth seal --cluster dev --namespace data --name postgres-credentials --from-literal replication-password=<value>",
    );
    expect(lacking.stderr).toContain("1 problem found");
  });

  it("passes on the fixture fleet with (fake) sealed secrets and no certificates", async () => {
    const root = makeRepo({ ...fixtureFleet(), ...fixtureSealedSecrets() });
    repos.push(root);
    const r = await run(root, ["validate"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });

  it("flags plaintext Secrets under apps/, clusters/ and secrets/, but not Helm templates or SealedSecrets", async () => {
    const secret = (name: string, field = "data") => `apiVersion: v1\nkind: Secret\nmetadata: { name: ${name}, namespace: data }\n${field}:\n  password: cGFzc3dvcmQ=\n`;
    const root = repo({
      ...fixtureSealedSecrets(certificateFingerprint(pair.certPem)),
      "apps/metrics/manifests/creds.yaml": `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x }\ndata: { a: b }\n---\n${secret("metrics-creds", "stringData")}`,
      "apps/shop/chart/templates/secret.yaml": `apiVersion: v1\nkind: Secret\nmetadata: { name: shop }\ndata:\n  password: {{ .Values.password | b64enc }}\n`,
      "apps/shop/chart/templates/literal.yaml": secret("shop-literal"),
      "clusters/dev/extra/list.json": JSON.stringify({ apiVersion: "v1", kind: "List", items: [JSON.parse(JSON.stringify({ apiVersion: "v1", kind: "Secret", metadata: { name: "in-list" }, data: { a: "Yg==" } }))] }),
      "clusters/dev/extra/empty.yaml": "apiVersion: v1\nkind: Secret\nmetadata: { name: sa-token }\ntype: kubernetes.io/service-account-token\n",
      "secrets/dev/data/plain.yaml": secret("plain"),
    });
    const r = await run(root, ["validate"]);
    expect(r.code).toBe(1);
    const lines = r.stderr.split("\n").filter((l) => /^\S+:\d+:\d+: /.test(l));
    expect(lines).toEqual([
      'apps/metrics/manifests/creds.yaml:9:1: plaintext Secret "metrics-creds": its stringData is only base64-encoded, not encrypted',
      'apps/shop/chart/templates/literal.yaml:4:1: plaintext Secret "shop-literal": its data is only base64-encoded, not encrypted',
      'clusters/dev/extra/list.json:1:1: plaintext Secret "in-list": its data is only base64-encoded, not encrypted',
      "secrets/dev/data/plain.yaml:1:13: expected a bitnami.com/v1alpha1 SealedSecret, found v1 Secret",
      'secrets/dev/data/plain.yaml:4:1: plaintext Secret "plain": its data is only base64-encoded, not encrypted',
    ]);
    expect(r.stderr).toContain("fix: seal the values instead (berth seal --cluster dev --namespace data --name plain --from-…), remove the Secret from this file, and rotate the values");
  });

  it("requires every file under secrets/ to be a SealedSecret matching its path, on a known cluster", async () => {
    const base = fixtureSealedSecrets(certificateFingerprint(pair.certPem));
    const pg = base["secrets/dev/data/postgres-credentials.yaml"]!;
    const root = repo({
      ...base,
      "secrets/dev/data/renamed.yaml": pg,
      "secrets/dev/other/postgres-credentials.yaml": pg,
      "secrets/dev/data/notes.txt": "x",
      "secrets/dev/README.md": "# docs are fine\n",
      "secrets/dev/stray.yaml": pg,
      "secrets/staging/data/postgres-credentials.yaml": pg,
    });
    const r = await run(root, ["validate"]);
    expect(r.code).toBe(1);
    const lines = r.stderr.split("\n").filter((l) => /^\S+:\d+:\d+: /.test(l));
    expect(lines).toEqual([
      "secrets/dev/data/notes.txt:1:1: a file without a .yaml extension is not where a SealedSecret belongs",
      'secrets/dev/data/renamed.yaml:4:9: metadata.name is "postgres-credentials", but the file is named renamed.yaml',
      'secrets/dev/other/postgres-credentials.yaml:5:14: metadata.namespace is "data", but the file is in the namespace folder "other"',
      "secrets/dev/stray.yaml:1:1: a file directly under secrets/dev/ (not in a namespace folder) is not where a SealedSecret belongs",
      'secrets/staging/data/postgres-credentials.yaml:1:1: is sealed for cluster "staging", which does not exist (no clusters/staging/cluster.yaml)',
    ]);
  });
});
