import type { Diagnostic } from "../errors.js";
import { parseYamlSource, toPlain } from "../yaml/source.js";
import { checkApp, checkCluster } from "../model/schema-check.js";

/** A string-valued JSON Schema fragment from generator/model/schema/. */
interface StringRule {
  pattern?: string;
  maxLength?: number;
  enum?: readonly string[];
  description?: string;
}

/**
 * Checks a command-line value against the schema fragment the file field it fills is validated
 * with, so a bad flag is reported as the flag, before any file is planned.
 */
export function checkOption(flag: string, value: string, rule: StringRule, problems: Diagnostic[]): void {
  const bad =
    (rule.pattern !== undefined && !new RegExp(rule.pattern).test(value)) ||
    (rule.maxLength !== undefined && value.length > rule.maxLength) ||
    (rule.enum !== undefined && !rule.enum.includes(value));
  if (!bad) return;
  const described = rule.description ? rule.description.charAt(0).toLowerCase() + rule.description.slice(1).replace(/\.$/, "") : `a value matching ${rule.pattern}`;
  const expected = rule.enum ? `one of ${rule.enum.join(", ")}` : described;
  problems.push({ file: flag, line: 0, col: 0, message: `${JSON.stringify(value)} is not valid: expected ${expected}`, hint: `pass a valid ${flag}` });
}

/** A URL with a password or token in it would be committed in plain text: refused. */
export function checkNoCredentials(flag: string, url: string, problems: Diagnostic[]): void {
  if (!/^[a-z]+:\/\/[^/@\s]*:[^/@\s]*@/i.test(url)) return;
  problems.push({ file: flag, line: 0, col: 0, message: "holds credentials (user:password@); they would be committed in plain text", hint: "give the URL without them; Argo CD reads repository credentials from a Secret (seal it with berth seal)" });
}

/**
 * The last guard of every scaffolded app.yaml and cluster.yaml: it must pass the same schema
 * check `berth validate` runs. A failure is a bug in the planner, not in the user's input.
 */
export function assertSchemaValid(kind: "app" | "cluster", path: string, content: string): void {
  const parsed = parseYamlSource(path, content);
  const problems = parsed.source ? (kind === "app" ? checkApp : checkCluster)(parsed.source, toPlain(parsed.source)).diagnostics : parsed.diagnostics;
  if (problems.length > 0) throw new Error(`planned ${path} fails its schema: ${problems.map((p) => p.message).join("; ")}`);
}
