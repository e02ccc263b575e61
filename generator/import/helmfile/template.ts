/**
 * helmfile files are Go templates. berth does not run Go templates; it resolves the few
 * expressions that only name the environment or look up its values, and reports the rest with
 * their line so nothing is silently guessed.
 */

/** A `{{ … }}` berth could not resolve, with the line it is on. */
export interface Unresolved {
  line: number;
  col: number;
  expression: string;
}

/** Template actions that are logic, not a value: they decide what the file says. */
const LOGIC = /^\{\{-?\s*(if|else|end|range|with|define|template|block)\b/;

/** What a line-by-line pass over a templated file found and produced. */
export interface TemplatePass {
  /** The text with resolvable expressions substituted and logic lines blanked (line numbers kept). */
  text: string;
  /** Lines holding template logic (if/range/…), blanked out. */
  logic: Unresolved[];
  /** Expressions left unresolved, replaced by a marker so the YAML still parses. */
  unresolved: Unresolved[];
}

export const UNRESOLVED_MARK = "__berth_unresolved__";

/**
 * Substitutes `{{ .Environment.Name }}` and value lookups (`.Values.x.y`, `.Environment.Values.x`,
 * `.StateValues.x`) from the environment's values; blanks lines that are template logic.
 */
export function resolveTemplates(text: string, environment: string | undefined, values: Record<string, unknown>): TemplatePass {
  const logic: Unresolved[] = [];
  const unresolved: Unresolved[] = [];
  const lines = text.split("\n").map((line, i) => {
    const trimmed = line.trim();
    if (LOGIC.test(trimmed) && /\}\}\s*$/.test(trimmed) && trimmed.indexOf("{{", 2) === -1) {
      logic.push({ line: i + 1, col: line.indexOf("{{") + 1, expression: trimmed });
      return " ".repeat(line.length);
    }
    return line.replace(/\{\{-?\s*(.*?)\s*-?\}\}/g, (whole, expr: string, offset: number) => {
      const value = evaluate(expr, environment, values);
      if (value !== undefined) return value;
      unresolved.push({ line: i + 1, col: offset + 1, expression: whole });
      return UNRESOLVED_MARK;
    });
  });
  return { text: lines.join("\n"), logic, unresolved };
}

function evaluate(expr: string, environment: string | undefined, values: Record<string, unknown>): string | undefined {
  const quoted = /\s*\|\s*quote$/.test(expr);
  const v = lookup(expr.replace(/\s*\|\s*quote$/, ""), environment, values);
  return v !== undefined && quoted ? JSON.stringify(v) : v;
}

function lookup(e: string, environment: string | undefined, values: Record<string, unknown>): string | undefined {
  if (/^\.Environment\.Name$/.test(e)) return environment;
  const path = /^\.(?:Values|StateValues|Environment\.Values)((?:\.[A-Za-z_][A-Za-z0-9_-]*)+)$/.exec(e);
  if (path && environment !== undefined) {
    let v: unknown = values;
    for (const key of path[1]!.slice(1).split(".")) v = v && typeof v === "object" ? (v as Record<string, unknown>)[key] : undefined;
    if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return String(v);
  }
  return undefined;
}

/** Whether a string still carries an unresolved expression. */
export function hasUnresolved(s: string): boolean {
  return s.includes(UNRESOLVED_MARK);
}
