import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { basename, resolve } from "node:path";
import { EnvironmentError, fail, ok, type Diagnostic, type Result } from "../errors.js";
import { checkSecretKey } from "../sealer/index.js";

/** The value sources of `berth seal`, as given on the command line. */
export interface SealSources {
  literal: readonly string[];
  file: readonly string[];
  envFile: readonly string[];
  stdin: readonly string[];
  /** `key` or `key:bytes`: a fresh random value, for credentials nobody needs to type. */
  random?: readonly string[];
}

/** Where a key came from, for messages (never the value). */
export interface SealInput {
  key: string;
  value: Buffer;
  from: string;
}

/**
 * Reads every value to seal into memory (never into a file) and checks the key names.
 * Problems with command-line arguments are reported at `at` (the file being sealed); problems in
 * an env file at that file's line and column. Messages never contain a value: an argument without
 * `=` may well be one.
 */
export async function readSealInputs(
  sources: SealSources,
  opts: { cwd: string; at: string; stdin: (() => Promise<Buffer>) | undefined; randomBytes?: (n: number) => Buffer },
): Promise<Result<SealInput[]>> {
  const inputs: SealInput[] = [];
  const diagnostics: Diagnostic[] = [];
  const argProblem = (message: string, hint: string) => diagnostics.push({ file: opts.at, line: 0, col: 0, message, hint });

  for (const spec of sources.literal) {
    const eq = spec.indexOf("=");
    if (eq < 0) {
      argProblem("--from-literal needs key=value (the argument has no '=')", "write --from-literal <key>=<value>");
      continue;
    }
    inputs.push({ key: spec.slice(0, eq), value: Buffer.from(spec.slice(eq + 1), "utf8"), from: "--from-literal" });
  }

  for (const spec of sources.file) {
    const eq = spec.indexOf("=");
    const path = eq < 0 ? spec : spec.slice(eq + 1);
    const key = eq < 0 ? basename(path) : spec.slice(0, eq);
    if (path === "") {
      argProblem(`--from-file ${key}= names no file`, "write --from-file <key>=<path>");
      continue;
    }
    try {
      inputs.push({ key, value: readFileSync(resolve(opts.cwd, path)), from: `--from-file ${path}` });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? String(e);
      diagnostics.push({ file: path, line: 0, col: 0, message: `--from-file: cannot read the file (${code})`, hint: "check the path (relative to the current directory) and that the file is readable" });
    }
  }

  for (const path of sources.envFile) {
    let text: string;
    try {
      text = readFileSync(resolve(opts.cwd, path), "utf8");
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? String(e);
      diagnostics.push({ file: path, line: 0, col: 0, message: `--from-env-file: cannot read the file (${code})`, hint: "check the path (relative to the current directory) and that the file is readable" });
      continue;
    }
    const parsed = parseEnvFile(text, path);
    diagnostics.push(...parsed.diagnostics);
    inputs.push(...parsed.inputs);
  }

  if (sources.stdin.length > 1) {
    argProblem(`--from-stdin is given ${sources.stdin.length} times, but stdin holds one value`, "read one key from stdin and the others with --from-file or --from-env-file");
  } else if (sources.stdin.length === 1) {
    const key = sources.stdin[0]!;
    if (!opts.stdin) throw new EnvironmentError("--from-stdin: this berth has no standard input to read from", "pipe the value into berth, or use --from-file");
    let value: Buffer;
    try {
      value = await opts.stdin();
    } catch (e) {
      throw new EnvironmentError(`--from-stdin: could not read standard input: ${(e as Error).message}`, "pipe the value into berth, e.g. `pass show db | berth seal … --from-stdin password`");
    }
    if (value.length === 0) argProblem(`--from-stdin ${key}: standard input was empty`, "pipe the value into berth; to seal an empty value use --from-literal <key>=");
    else inputs.push({ key, value, from: "--from-stdin" });
  }

  for (const spec of sources.random ?? []) {
    const m = /^([^:]+)(?::(\d+))?$/.exec(spec);
    const bytes = m?.[2] === undefined ? 32 : Number(m[2]);
    if (!m || bytes < 16 || bytes > 512) {
      argProblem(`--random ${spec}: expected <key> or <key>:<bytes> with 16 to 512 bytes`, "e.g. --random password or --random api-key:48");
      continue;
    }
    // base64url: safe in URLs, DSNs and shell arguments, which generated passwords end up in.
    inputs.push({ key: m[1]!, value: Buffer.from((opts.randomBytes ?? randomBytes)(bytes).toString("base64url"), "utf8"), from: "--random" });
  }

  const seen = new Map<string, string>();
  for (const input of inputs) {
    const problem = checkSecretKey(input.key);
    if (problem) argProblem(`key "${input.key}" (${input.from}) ${problem}`, "use a valid Secret key: letters, digits, '-', '_' and '.'");
    const previous = seen.get(input.key);
    if (previous !== undefined) argProblem(`key "${input.key}" is given twice (${previous} and ${input.from})`, "give each key once");
    seen.set(input.key, input.from);
  }
  if (inputs.length === 0 && diagnostics.length === 0) {
    argProblem("nothing to seal", "give at least one --from-literal, --from-file, --from-env-file, --from-stdin or --random");
  }
  if (diagnostics.length > 0) {
    for (const input of inputs) input.value.fill(0);
    return fail(diagnostics);
  }
  return ok(inputs);
}

/**
 * kubectl's env-file format: one KEY=VALUE per line, leading whitespace ignored, `#` comment
 * lines and blank lines skipped, the value taken literally up to the end of the line.
 */
export function parseEnvFile(text: string, file: string): { inputs: SealInput[]; diagnostics: Diagnostic[] } {
  const inputs: SealInput[] = [];
  const diagnostics: Diagnostic[] = [];
  const lines = text.replace(/^\uFEFF/, "").split("\n");
  lines.forEach((raw, i) => {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    const body = line.trimStart();
    if (body === "" || body.startsWith("#")) return;
    const col = line.length - body.length + 1;
    const eq = body.indexOf("=");
    if (eq < 0) {
      diagnostics.push({ file, line: i + 1, col, message: "expected KEY=VALUE (this line has no '=')", hint: "write one KEY=VALUE per line; comment lines start with #" });
      return;
    }
    const key = body.slice(0, eq);
    const problem = checkSecretKey(key);
    if (problem) {
      // The "key" of a malformed line may be part of a value (a PEM body line ends in "="): it is
      // located, never quoted.
      diagnostics.push({ file, line: i + 1, col, message: `the key before '=' (${key.length} characters from column ${col}) is not a valid Secret key: it ${problem}`, hint: "use a valid Secret key (letters, digits, '-', '_' and '.'); a multi-line value such as a PEM key cannot be in an env file: seal it with --from-file <key>=<path>" });
      return;
    }
    inputs.push({ key, value: Buffer.from(body.slice(eq + 1), "utf8"), from: `--from-env-file ${file}:${i + 1}` });
  });
  return { inputs, diagnostics };
}
