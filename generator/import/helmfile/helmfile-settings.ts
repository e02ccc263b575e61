import { posix } from "node:path";
import type { Diagnostic } from "../../errors.js";
import type { Located } from "./parse.js";

/**
 * helmfile settings that steer how helmfile itself runs rather than what a release deploys:
 * honoured where they change what is imported (missingFileHandler), reported where they do not
 * carry over (helmDefaults), and the one message for a helmfile berth cannot read as YAML.
 */

/** `missingFileHandler: Warn|Info|Debug` has helmfile skip a missing values file (only `Error`, the default, fails). */
export function skipsMissingFiles(handler: Located<string> | undefined): boolean {
  return handler !== undefined && ["Warn", "Info", "Debug"].includes(handler.value);
}

/** helmDefaults keys that change what helm renders, not only how `helm upgrade` runs. */
const RENDERING_DEFAULTS = new Set(["args", "postRenderer", "postRendererArgs", "templateArgs", "skipSchemaValidation", "devel"]);

/** `helmDefaults:` as a left-behind entry naming the keys it sets and which of them matter under Argo CD. */
export function helmDefaultsLeftBehind(file: string, defaults: Located<string[]>): Diagnostic {
  const keys = defaults.value;
  const rendering = keys.filter((k) => RENDERING_DEFAULTS.has(k));
  const upgrade = keys.filter((k) => !RENDERING_DEFAULTS.has(k));
  const upgradeAdvice = upgrade.length > 0 ? `${upgrade.join(", ")} steer \`helm upgrade\`, which Argo CD's sync replaces: nothing to carry over` : "";
  const renderingAdvice = rendering.length > 0 ? `${rendering.join(", ")} change what helm renders: carry them over by hand (values into each app's values.yaml, a post-renderer as a kustomize wrapper)` : "";
  return {
    file,
    line: defaults.line,
    col: defaults.col,
    message: `\`helmDefaults:\` is not imported${keys.length > 0 ? ` (${keys.join(", ")})` : ""}`,
    hint: [renderingAdvice, upgradeAdvice].filter(Boolean).join("; ") || "it sets nothing; nothing to carry over",
  };
}

/**
 * A helmfile whose template actions leave text that is not YAML (a `helmfile.yaml.gotmpl`, a
 * `{{ range }}` building releases) gives one message saying so, with the way out first, instead
 * of one YAML syntax error per line the template breaks.
 */
export function goTemplateProblem(file: string, text: string, problems: readonly Diagnostic[]): Diagnostic[] {
  const syntax = problems.filter((p) => p.message.startsWith("YAML syntax error"));
  const firstAction = text.split("\n").findIndex((l) => l.includes("{{"));
  if (syntax.length === 0 || firstAction === -1) return [...problems];
  const first = syntax[0]!;
  const rendered = posix.join(posix.dirname(file), "rendered.yaml");
  return [
    {
      file,
      line: firstAction + 1,
      col: text.split("\n")[firstAction]!.indexOf("{{") + 1,
      message: `is a Go template (helmfile renders it before reading the YAML), and berth does not run Go templates: without them the file is not YAML (first error at line ${first.line}: ${first.message.replace(/^YAML syntax error: /, "")})`,
      hint: `render it with helmfile first, next to it so relative paths still hold, and import the result: helmfile -f ${file} -e ENV build > ${rendered}, then berth import helmfile ${rendered}`,
    },
  ];
}
