import { afterAll, describe, expect, it } from "vitest";
import { MAX_RENDERED_OBJECTS } from "../../generator/render/limits.js";
import { fixtureFleet } from "../helpers/fleet-fixture.js";
import { makeRepo, removeRepo } from "../helpers/repo.js";
import { berthIn } from "../preview/helpers.js";

/** Documented resource limits give clear per-app errors, never a crash (issue 11, item 10). */
const repos: string[] = [];
afterAll(() => repos.forEach(removeRepo));

async function renderShop(template: string) {
  const root = makeRepo({ ...fixtureFleet(), "apps/shop/chart/templates/many.yaml": template });
  repos.push(root);
  return berthIn(root, "render", "--cluster", "dev", "--app", "shop");
}

describe("render limits per app", () => {
  it(`more than ${MAX_RENDERED_OBJECTS} objects is a clear error`, async () => {
    const run = await renderShop(`{{- range until ${MAX_RENDERED_OBJECTS + 1} }}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: { name: c{{ . }} }\n{{- end }}\n`);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`more than berth's limit of ${MAX_RENDERED_OBJECTS} objects per app`);
    expect(run.stderr).not.toContain("internal error");
  }, 60_000);

  it("more than 32 MiB of output is a clear error (helm is stopped, not buffered)", async () => {
    const run = await renderShop(`apiVersion: v1\nkind: ConfigMap\nmetadata: { name: huge }\ndata: { x: {{ repeat 40000000 "a" | quote }} }\n`);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("rendered more than 32 MiB, berth's limit per app");
  }, 60_000);
});
