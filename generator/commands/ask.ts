import { EnvironmentError, sortDiagnostics, UserError, type Diagnostic } from "../errors.js";
import type { CommandIO } from "./context.js";

/**
 * An option's value: the flag when given, else asked at a terminal, else (no terminal: CI, a
 * script) an error naming the flag, so nothing waits for an answer that never comes.
 */
export async function optionOrAsk(io: CommandIO, flag: string, value: string | undefined, question: string, why: string): Promise<string> {
  if (value !== undefined) return value;
  if (io.prompt) {
    const answer = (await io.prompt(`${question}: `)).trim();
    if (answer !== "") return answer;
  }
  throw new EnvironmentError(`${flag} is required: ${why}`, `pass ${flag} (there is no terminal to ask at)`);
}

/**
 * Throws a planner's problems: those about command-line options (named by the flag, not a file)
 * first, as a usage error like Commander's own (exit 2); else those about files as a UserError.
 */
export function throwProblems(problems: readonly Diagnostic[]): never {
  const flags = problems.filter((p) => p.line === 0 && /^(-|[A-Z]+$)/.test(p.file));
  if (flags.length > 0) {
    throw new EnvironmentError(flags.map((p) => `${p.file} ${p.message}`).join("\nberth: "), [...new Set(flags.map((p) => p.hint).filter(Boolean))].join("; "));
  }
  throw new UserError(sortDiagnostics(problems));
}
