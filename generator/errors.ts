/**
 * berth's error taxonomy. Domain code returns {@link Diagnostic}s as values; only the CLI boundary
 * (cli.ts) turns them into output and an exit code.
 *
 * Exit codes: 0 ok, 1 a problem or a difference was found (bad input, stale output, invalid
 * objects), 2 berth could not run (a bug, a missing tool, an unreadable repository).
 */

/** A user-facing finding that points at a place in a file. */
export interface Diagnostic {
  /** Repository-relative path, forward slashes. */
  file: string;
  /** 1-based; 0 when the problem is about the file as a whole (printed as 1:1). */
  line: number;
  col: number;
  /** What is wrong, with the actual value where useful. */
  message: string;
  /** How to fix it. */
  hint?: string;
}

export function formatDiagnostic(d: Diagnostic): string {
  // Whole-file problems point at the file's first character, so every report reads file:line:col.
  const where = `${d.file}:${Math.max(d.line, 1)}:${Math.max(d.col, 1)}`;
  return d.hint ? `${where}: ${d.message}\n  fix: ${d.hint}` : `${where}: ${d.message}`;
}

/** Sorts diagnostics by file, then position, then text, so reports are stable. */
export function sortDiagnostics(ds: readonly Diagnostic[]): Diagnostic[] {
  return [...ds].sort(
    (a, b) =>
      cmp(a.file, b.file) || a.line - b.line || a.col - b.col || cmp(a.message, b.message),
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Bad input: reported without a stack trace, exit code 1. */
export class UserError extends Error {
  readonly exitCode = 1;
  constructor(readonly diagnostics: readonly Diagnostic[]) {
    super(diagnostics.map(formatDiagnostic).join("\n"));
    this.name = "UserError";
  }
}

/** berth cannot run (missing tool, unreadable path): exit code 2, no stack trace. */
export class EnvironmentError extends Error {
  readonly exitCode = 2;
  constructor(message: string, readonly hint?: string) {
    super(message);
    this.name = "EnvironmentError";
  }
}

/** A finding that is not an error in the input but a difference (stale output): exit code 1. */
export class ExitError extends Error {
  constructor(readonly exitCode: 0 | 1 | 2, message = "") {
    super(message);
    this.name = "ExitError";
  }
}

/** Result of an operation that may fail with user-facing diagnostics. */
export type Result<T> = { ok: true; value: T } | { ok: false; diagnostics: Diagnostic[] };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail<T = never>(diagnostics: Diagnostic[]): Result<T> {
  return { ok: false, diagnostics };
}
