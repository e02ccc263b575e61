/**
 * Which plain (unquoted) strings some YAML reader would take for something else. Generated files
 * are read by Argo CD and Helm through sigs.k8s.io/yaml (go-yaml v2, YAML 1.1 rules), by kubectl,
 * and by people's tools in YAML 1.2 or 1.1 mode; a string any of them reads as a bool, null,
 * number, timestamp or merge key is written quoted.
 */

/** Exact words: YAML 1.1 and 1.2 nulls and booleans, the 1.1 merge and value keys, special floats. */
const WORDS = new Set([
  "", "~", "null", "Null", "NULL",
  "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
  "true", "True", "TRUE", "false", "False", "FALSE",
  "on", "On", "ON", "off", "Off", "OFF",
  "<<", "=",
  ".nan", ".NaN", ".NAN",
]);

/** YAML 1.2 core and YAML 1.1 (as the `yaml` package reads them) numbers, sexagesimals and timestamps. */
const PATTERNS = [
  /^[-+]?\.(?:inf|Inf|INF)$/,
  /^[-+]?0b[0-1_]+$/,
  /^[-+]?0[0-7_]+$/,
  /^[-+]?[0-9][0-9_]*$/,
  /^[-+]?0x[0-9a-fA-F_]+$/,
  /^0o[0-7]+$/,
  /^[-+]?(?:[0-9][0-9_]*)?(?:\.[0-9_]*)?[eE][-+]?[0-9]+$/,
  /^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*$/,
  /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/,
  /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:$|[tT \t])/,
];

/**
 * go-yaml v2 removes every `_` from a scalar starting with a digit or sign, then tries Go's
 * `strconv.ParseInt(s, 0, 64)` (0x, 0o, 0b, leading-0 octal, either case) and its float pattern.
 */
const GO_NUMBER = /^[-+]?(?:0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|[0-9]+(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?|\.[0-9]+(?:[eE][-+]?[0-9]+)?)$/;

/** First characters that can start a non-string plain scalar in any of the readers above. */
const SUSPECT_START = new Set([..."-+.0123456789~<=nNyYtTfFoOeE"]);

export function couldMisread(s: string): boolean {
  if (s.length === 0) return true;
  if (!SUSPECT_START.has(s[0]!)) return false;
  if (WORDS.has(s)) return true;
  for (const p of PATTERNS) if (p.test(s)) return true;
  return "-+.0123456789".includes(s[0]!) && GO_NUMBER.test(s.replace(/_/g, ""));
}
