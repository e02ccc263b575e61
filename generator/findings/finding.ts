import type { Diagnostic } from "../errors.js";

/** One problem, in the shape CI systems read: `--format json` prints an array of these. */
export interface Finding {
  /** Repository-relative path, forward slashes. */
  file: string;
  /** 1-based; 1 for a problem with the file as a whole. */
  line: number;
  col: number;
  severity: "error" | "warning" | "notice";
  message: string;
  /** How to fix it; null when there is nothing more to say than the message. */
  fix: string | null;
}

export function fromDiagnostic(d: Diagnostic, severity: Finding["severity"] = "error"): Finding {
  return { file: d.file, line: Math.max(d.line, 1), col: Math.max(d.col, 1), severity, message: d.message, fix: d.hint ?? null };
}
