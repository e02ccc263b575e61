import { afterEach, describe, expect, it } from "vitest";
import { kindConfig } from "../../generator/bootstrap/kind-config.js";
import { fixtureFleet } from "../helpers/fleet-fixture.js";
import { berthWithEnv, makeRepo, removeRepo } from "../helpers/repo.js";

const repos: string[] = [];
afterEach(() => repos.splice(0).forEach(removeRepo));

const CONFIG_8080 = `kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
nodes:
  - role: control-plane
    extraPortMappings:
      - { containerPort: 80, hostPort: 8080, protocol: TCP }
`;

/** The fixture fleet plus a second kind cluster, generated. */
async function twoKindClusters(extra: Record<string, string> = {}): Promise<string> {
  const root = makeRepo({
    ...fixtureFleet(),
    "clusters/dev2/cluster.yaml": `profile: kind
repo: { url: https://git.example.com/fleet.git, revision: main }
kubernetes: { version: 1.31.4 }
capacity: { nodes: 1, cpu: "4", memory: 8Gi }
environments: [prod]
apps: [argo-cd, sealed-secrets]
`,
    ...extra,
  });
  repos.push(root);
  expect((await berthWithEnv(root, {}, "generate")).code).toBe(0);
  return root;
}

const dryRun = (root: string, cluster: string) => berthWithEnv(root, {}, "bootstrap", "--cluster", cluster, "--dry-run");

describe("kind host ports", () => {
  it("says so when it adds an ingress host port the cluster's kind config did not ask for", async () => {
    expect(kindConfig(CONFIG_8080, "dev2", []).addedIngress).toEqual([443]);
    expect(kindConfig(CONFIG_8080, "dev2", []).hostPorts).toEqual([443, 8080]);
    const root = await twoKindClusters({ "clusters/dev2/kind-config.yaml": CONFIG_8080 });
    const r = await dryRun(root, "dev2");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("container port 443 (ingress, hostPort mode) not mapped by clusters/dev2/kind-config.yaml: mapped to host port 443");
    expect(r.stdout).not.toContain("container port 80 ");
  });

  it("reports a host port two kind clusters of the fleet both claim, and nothing once each has its own", async () => {
    const shared = await twoKindClusters();
    const r = await dryRun(shared, "dev");
    expect(r.stderr).toContain("warning: kind clusters dev and dev2 both claim host ports 80, 443 (berth's built-in kind config, berth's built-in kind config)");
    const own = await twoKindClusters({
      "clusters/dev2/kind-config.yaml": CONFIG_8080.replace("hostPort: 8080, protocol: TCP }", "hostPort: 8080, protocol: TCP }\n      - { containerPort: 443, hostPort: 8443, protocol: TCP }"),
    });
    expect((await dryRun(own, "dev")).stderr).not.toContain("both claim");
    expect((await dryRun(own, "dev2")).stderr).not.toContain("both claim");
  });
});
