import { isAbsolute } from "node:path";
import { helmTemplate, remoteChart, type HelmChart } from "./helm.js";
import { kustomizeBuild } from "./kustomize.js";
import { renderLimitProblem } from "./limits.js";
import { readManifestsDir } from "./manifests.js";
import { scrubSecrets } from "../scrub.js";
import { renderInputs } from "../read/render-inputs.js";
import type { Tools } from "../exec/tools.js";

// What to render is planned (plan/render-request.ts); the types are re-exported for the renderers.
export type { RenderRequest, RenderSource } from "../plan/render-request.js";
import { sourcePaths, type RenderRequest } from "../plan/render-request.js";

export type RenderResult = { ok: true; app: string; manifests: string } | { ok: false; app: string; error: string };

/**
 * Renders one application's manifests as Argo CD's repo-server would. A problem with this one
 * app (chart not found, network unreachable, template error, bad YAML) comes back as
 * `ok: false` with a one-paragraph, credential-free message, so a fleet render can report every
 * broken app at once. Only a missing tool is an environment problem, and that is caught
 * earlier by resolveTools.
 */
export async function renderApp(req: RenderRequest, tools: Tools, root?: string): Promise<RenderResult> {
  const { app } = req;
  // Given the repository, every file the render reads must pass the same checks as the app's
  // folder (read/render-inputs.ts); every command passes it, only tests of the tools leave it out.
  const refused = root === undefined ? [] : renderInputs(root, req.source).problems;
  if (refused.length > 0) return { ok: false, app, error: oneParagraph(`refused to render: ${refused.map((d) => `${d.file}:${Math.max(d.line, 1)}:${Math.max(d.col, 1)}: ${d.message}`).join("; ")}`) };
  try {
    const r = await renderSource(req, tools);
    if (!r.ok) return { ok: false, app, error: oneParagraph(r.error) };
    const limit = renderLimitProblem(r.manifests);
    return limit ? { ok: false, app, error: oneParagraph(limit) } : { ok: true, app, manifests: r.manifests };
  } catch (e) {
    // A bug or an I/O failure (disk full, permissions) in our own code: still per-app.
    return { ok: false, app, error: oneParagraph(`rendering failed: ${(e as Error).message}`) };
  }
}

type SourceResult = { ok: true; manifests: string } | { ok: false; error: string };

async function renderSource(req: RenderRequest, tools: Tools): Promise<SourceResult> {
  const s = req.source;
  const notAbsolute = sourcePaths(s).find((p) => !isAbsolute(p));
  if (notAbsolute !== undefined) return { ok: false, error: `path ${notAbsolute} is not absolute` };
  switch (s.type) {
    case "helm-remote":
    case "helm-local": {
      const chart: HelmChart =
        s.type === "helm-local" ? { kind: "local", dir: s.chartDir } : remoteChart(s.repo, s.chart, s.version);
      return helmTemplate(tools, {
        chart,
        releaseName: s.releaseName,
        namespace: req.namespace,
        kubeVersion: req.kubeVersion,
        apiVersions: req.apiVersions,
        valueFiles: s.valueFiles,
        values: s.values,
      });
    }
    case "kustomize":
      return kustomizeBuild(tools, s.dir);
    case "manifests":
      return readManifestsDir(s.dir);
  }
}

/** Callers print errors one per app; a stray newline would break that. Scrubbed once more here. */
function oneParagraph(s: string): string {
  return scrubSecrets(s.replace(/\s*\n\s*/g, " ").trim());
}

// The rest of the rendering API, so callers need only this module.
