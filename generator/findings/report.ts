import { UserError } from "../errors.js";
import { scrubSecrets } from "../scrub.js";
import { fromDiagnostic, type Finding } from "./finding.js";
import { workflowCommand } from "./github.js";

export const OUTPUT_FORMATS = ["human", "github", "json"] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** What a command writes to; declared here so findings/ does not depend on commands/ (a command passes its CommandIO). */
export interface FindingsIO {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
}

/** Where a command hands the problems it found, besides telling them in its human output. */
export type ReportFindings = (findings: readonly Finding[]) => void;

/**
 * Where a command hands what its human output shows besides findings (a table), for `--format
 * json`: the JSON becomes one object, `{<key>: value, …, findings}`, instead of the findings array.
 */
export type AttachData = (key: string, value: unknown) => void;

/**
 * Runs a checking command in the chosen format. human: exactly as before. github: the command's
 * own output, then one workflow command per finding on standard output (annotations on the PR).
 * json: one array of findings on standard output, and the human text on standard error. Bad input
 * (a UserError) becomes findings and exit 1 instead of the error report; "could not run" (exit 2)
 * stays the CLI's to report.
 */
export async function runWithFindings<IO extends FindingsIO, Code extends number>(format: OutputFormat, title: string, writes: boolean, io: IO, run: (io: IO, report: ReportFindings, attach: AttachData) => Code | Promise<Code>): Promise<Code | 1> {
  if (format === "human") return await run(io, () => {}, () => {});
  const findings: Finding[] = [];
  const data: Record<string, unknown> = {};
  const inner: IO = format === "json" ? { ...io, stdout: io.stderr } : io;
  let code: Code | 1;
  try {
    code = await run(inner, (fs) => void findings.push(...fs), (key, value) => void (data[key] = value));
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    findings.push(...e.diagnostics.map((d) => fromDiagnostic(d)));
    io.stderr.write(`berth: ${findings.length} problem${findings.length === 1 ? "" : "s"} found${writes ? "; nothing was written" : ""}\n`);
    code = 1;
  }
  // Messages quote values from the repository: credentials are scrubbed, as in the human format.
  const shown = findings.map((f) => ({ ...f, message: scrubSecrets(f.message), fix: f.fix === null ? null : scrubSecrets(f.fix) }));
  if (format === "json") io.stdout.write(`${JSON.stringify(Object.keys(data).length > 0 ? { ...data, findings: shown } : shown, null, 2)}\n`);
  else for (const f of shown) io.stdout.write(`${workflowCommand(f, title)}\n`);
  return code;
}
