import type { ParseOptions, DocumentOptions, SchemaOptions, ScalarTag } from "yaml";

/**
 * How Helm and Argo CD read YAML: sigs.k8s.io/yaml on go-yaml v2, YAML 1.1 rules as Go
 * implements them. berth reads its inputs (app.yaml, cluster.yaml with its inline values, values
 * files) the same way, so a value means to berth what it will mean to them:
 *
 * - `y`, `yes`, `on`, `off`, `NO`, … are booleans; `~`, `null` and an empty value are null;
 * - numbers follow Go: `_` is dropped, `0x1F`, `0o17`, `0b101` and old-style octal `017` are
 *   integers, `1e3`, `.5`, `09` are floats, `.inf`, `.nan` special floats;
 * - an integer literal that a JavaScript number cannot hold exactly is kept as a bigint, so it is
 *   written back digit for digit (never rounded through floating point);
 * - timestamps and sexagesimals (`2001-12-14`, `1:20`) stay strings, as go-yaml v2 leaves them
 *   when it decodes into untyped values;
 * - `<<` merges, as in Go.
 */
export const HELM_YAML: ParseOptions & DocumentOptions & SchemaOptions = {
  version: "1.1",
  merge: true,
  // The schema's own int, float and timestamp tags give way to Go's rules; its `.inf`/`.nan` tag stays.
  customTags: (tags) => [goInt, goFloat, ...tags.filter((t) => typeof t === "object" && (!REPLACED.has(t.tag) || (isScalarTag(t) && t.tag === FLOAT && /inf/.test(String(t.test)))))],
};

const INT = "tag:yaml.org,2002:int";
const FLOAT = "tag:yaml.org,2002:float";
const REPLACED = new Set([INT, FLOAT, "tag:yaml.org,2002:timestamp"]);

function isScalarTag(t: unknown): t is ScalarTag {
  return typeof t === "object" && t !== null && "test" in t;
}

// After go-yaml removes every `_`: Go's strconv.ParseInt(s, 0, 64) / ParseUint forms.
const GO_INT = /^[-+]?(?:0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/;
// go-yaml's yamlStyleFloat.
const GO_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
// A plain scalar go-yaml tries as a number starts with a digit or a sign (or `.`, for floats).
const NUMERIC_START = /^[-+0-9]/;
const FLOAT_START = /^[-+.0-9]/;

const goInt: ScalarTag = {
  tag: INT,
  default: true,
  identify: (v) => typeof v === "bigint" || (typeof v === "number" && Number.isInteger(v)),
  test: { test: (s: string) => NUMERIC_START.test(s) && GO_INT.test(s.replace(/_/g, "")) } as RegExp,
  resolve: (s: string) => {
    const t = s.replace(/_/g, "");
    const negative = t.startsWith("-");
    const body = t.replace(/^[-+]/, "");
    const digits = /^0[0-7]+$/.test(body) ? `0o${body.slice(1)}` : body.replace(/^0([XOB])/, (_m, p: string) => `0${p.toLowerCase()}`);
    const big = BigInt(digits);
    const value = negative ? -big : big;
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
  },
};

const goFloat: ScalarTag = {
  tag: FLOAT,
  default: true,
  identify: (v) => typeof v === "number",
  test: { test: (s: string) => FLOAT_START.test(s) && GO_FLOAT.test(s.startsWith(".") ? s : s.replace(/_/g, "")) } as RegExp,
  resolve: (s: string) => Number.parseFloat(s.startsWith(".") ? s : s.replace(/_/g, "")),
};
