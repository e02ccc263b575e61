import { symlinkSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderApp, type RenderRequest } from "../../generator/render/render.js";
import type { Tools } from "../../generator/exec/tools.js";
import { bundledTools, docs, removeDir, tempDir, writeFiles } from "./helpers.js";

let dir: string;
let tools: Tools;

const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;

beforeAll(async () => {
  tools = await bundledTools();
  dir = tempDir("manifests");
  writeFiles(dir, {
    "app/b.yaml": cm("b"),
    "app/a.yml": `---\n${cm("a1")}---\n${cm("a2")}`,
    "app/sub/c.json": JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" } }),
    "app/sub/d.json": JSON.stringify([
      { apiVersion: "v1", kind: "Secret", metadata: { name: "d1" } },
      { apiVersion: "v1", kind: "Secret", metadata: { name: "d2" } },
    ]),
    "app/Z.yaml": cm("z"), // uppercase sorts before lowercase: byte order, not locale
    "app/empty.yaml": "",
    "app/notes.txt": "not a manifest",
    "app/.github/workflow.yaml": "on: push\n",
    "outside/secret.yaml": cm("outside"),
    "bad/ok.yaml": cm("ok"),
    "bad/x.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [unclosed\n",
    "badjson/x.json": "{nope",
  });
  symlinkSync(join(dir, "outside/secret.yaml"), join(dir, "app/link.yaml"));
  symlinkSync(join(dir, "app/b.yaml"), join(dir, "app/sub/inside-link.yaml"));
});

afterAll(() => removeDir(dir));

function request(mdir: string): RenderRequest {
  return { app: "plain", namespace: "x", kubeVersion: "1.30.0", apiVersions: [], source: { type: "manifests", dir: mdir } };
}

describe("manifests directory", () => {
  it("concatenates *.yaml/*.yml/*.json recursively in sorted order as a YAML stream", async () => {
    const r = await renderApp(request(join(dir, "app")), tools);
    expect(r).toMatchObject({ ok: true, app: "plain" });
    if (!r.ok) return;
    expect(docs(r.manifests).map((d) => d.metadata.name)).toEqual(["z", "a1", "a2", "b", "c", "d1", "d2", "b"]);
    const sources = [...r.manifests.matchAll(/^# Source: (.*)$/gm)].map((m) => m[1]);
    expect(sources).toEqual(["Z.yaml", "a.yml", "b.yaml", "sub/c.json", "sub/d.json", "sub/d.json", "sub/inside-link.yaml"]);
    expect(r.manifests.startsWith("---\n# Source: Z.yaml\napiVersion: v1\n")).toBe(true);
    expect(r.manifests).not.toContain("outside"); // symlink out of the directory is ignored
    expect(r.manifests).not.toContain("push"); // dot-directories are ignored
  });

  it("reports a syntax error with its file and line", async () => {
    const r = await renderApp(request(join(dir, "bad")), tools);
    expect(r).toMatchObject({ ok: false, error: expect.stringMatching(/bad\/x\.yaml: line \d+: /) });
    const j = await renderApp(request(join(dir, "badjson")), tools);
    expect(j).toMatchObject({ ok: false, error: expect.stringContaining("x.json: invalid JSON") });
    const none = await renderApp(request(join(dir, "nope")), tools);
    expect(none).toMatchObject({ ok: false, error: expect.stringContaining("not found") });
  });
});
