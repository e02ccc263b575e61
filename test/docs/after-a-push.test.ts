import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { application } from "../bootstrap/fake-tools.js";
import { hqApps, setApps, setup, status } from "../status/helpers.js";

/**
 * docs/after-a-push.md shows `berth status` as it prints: the page's ```text blocks that start
 * with `$ berth status` are the output of runs against the fake kubectl, in the scripted states
 * below (test/golden/notify's fleet, committed with fixed dates).
 */
const page = readFileSync(new URL("../../docs/after-a-push.md", import.meta.url), "utf8");
const blocks = [...page.matchAll(/```text\n\$ berth status( [^\n]*)?\n([\s\S]*?)```/g)].map((m) => ({ args: (m[1] ?? "").trim(), output: m[2]! }));
const cleanup: Array<() => void> = [];
afterEach(() => cleanup.splice(0).forEach((f) => f()));

/** The scripted states, in the order of the page's examples. */
function scenarios(sha: string): unknown[] {
  const refused = application("metrics", "OutOfSync", "Missing", {
    sync: { status: "OutOfSync", revision: sha },
    operationState: {
      phase: "Running",
      retryCount: 2,
      message: "one or more synchronization tasks are not valid. Retrying attempt #2 at 2026-12-01T12:01:10Z.",
      syncResult: { revision: sha, resources: [{ group: "apiextensions.k8s.io", kind: "CustomResourceDefinition", name: "widgets.example.com", status: "SyncFailed", message: "resource apiextensions.k8s.io:CustomResourceDefinition is not permitted in project monitoring" }] },
    },
  });
  return [hqApps(sha), hqApps(sha, { metrics: refused })];
}

describe("docs/after-a-push.md", () => {
  it("shows the real output of berth status", async () => {
    expect(blocks.length).toBe(2);
    for (const [i, block] of blocks.entries()) {
      const { root, world, sha } = setup({ contexts: ["hq"] }, cleanup);
      setApps(world, [scenarios(sha)[i]]);
      const r = await status(root, world, { cluster: "hq" });
      expect(`${r.stdout}(exit ${r.code})\n`, `block ${i + 1}`).toBe(block.output);
    }
  });
});
