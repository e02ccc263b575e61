import { afterEach, describe, expect, it } from "vitest";
import { berth, makeRepo, removeRepo, writeTree } from "../helpers/repo.js";
import { fixtureFleet } from "../helpers/fleet-fixture.js";

const roots: string[] = [];
afterEach(() => roots.splice(0).forEach(removeRepo));

/**
 * apps/argo-cd's chart renders every configs.repositories entry as a plain Secret (as argo-helm
 * does): settings such as enableOCI belong there, credentials never.
 */
describe("validate: credentials in Argo CD's repository values", () => {
  const settings = `configs:
  repositories:
    bitnami:
      url: registry-1.docker.io/bitnamicharts
      type: helm
      enableOCI: "true"
`;

  it("accepts repository settings and refuses each credential key at its line and column, with the sealed alternative", async () => {
    const tree = fixtureFleet();
    tree["apps/argo-cd/values.yaml"] = settings;
    const root = makeRepo(tree);
    roots.push(root);
    const ok = await berth(root, "validate");
    expect(ok.stderr).toBe("");
    expect(ok.code).toBe(0);

    writeTree(root, {
      "apps/argo-cd/values.yaml": `${settings}    private:
      url: https://charts.example.com
      username: deploy
      password: <fill-me>
  credentialTemplates:
    github:
      url: https://github.com/acme
      githubAppPrivateKey: "see the vault"
`,
    });
    const bad = await berth(root, "validate");
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("apps/argo-cd/values.yaml:9:7: configs.repositories.private.username is a credential: Argo CD's chart renders this entry as a plain Secret");
    // A placeholder is refused too: the chart would sync it as the password.
    expect(bad.stderr).toContain("apps/argo-cd/values.yaml:10:7: configs.repositories.private.password is a credential");
    expect(bad.stderr).toContain("apps/argo-cd/values.yaml:14:7: configs.credentialTemplates.github.githubAppPrivateKey is a credential");
    expect(bad.stderr).toContain("fix: remove it (keep only settings such as url, type, enableOCI); give Argo CD the credential sealed: `berth repo connect <cluster>`");
    expect(bad.stderr).toContain("`berth repo connect <cluster> --registry <url>`");
    // Reported once per key: not again as a plaintext value.
    expect(bad.stderr.match(/values\.yaml:10:/g)).toHaveLength(1);
    expect(bad.stderr).not.toContain("url:");
  });

  it("finds them in a cluster's inline values too", async () => {
    const tree = fixtureFleet();
    tree["clusters/dev/cluster.yaml"] = tree["clusters/dev/cluster.yaml"]!.replace(
      "  - argo-cd\n",
      "  - name: argo-cd\n    values:\n      configs:\n        repositories:\n          internal: { url: https://git.example.com/charts.git, bearerToken: abc }\n",
    );
    const root = makeRepo(tree);
    roots.push(root);
    const r = await berth(root, "validate");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/clusters\/dev\/cluster\.yaml:\d+:\d+: configs\.repositories\.internal\.bearerToken is a credential/);
  });
});
