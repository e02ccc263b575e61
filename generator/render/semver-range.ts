/**
 * Helm's version constraints (Masterminds/semver v3, as `helm dependency list` applies them to
 * the charts in charts/): `1.2.3`, `=`, `!=`, `>`, `<`, `>=`, `<=`, `~1.2`, `^1.2`, wildcards
 * (`21.x.x`, `1.2.*`, `*`), hyphen ranges (`1.2 - 1.4.5`), `,` or spaces for "and", `||` for "or".
 * A pre-release version satisfies only a constraint that names a pre-release.
 */

interface Version {
  parts: [number, number, number];
  pre: string;
}

const VERSION = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

export function parseVersion(s: string): Version | undefined {
  const m = VERSION.exec(s.trim());
  if (!m) return undefined;
  return { parts: [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)], pre: m[4] ?? "" };
}

function compare(a: Version, b: Version): number {
  for (let i = 0; i < 3; i++) if (a.parts[i] !== b.parts[i]) return a.parts[i]! - b.parts[i]!;
  if (a.pre === b.pre) return 0;
  if (a.pre === "") return 1;
  if (b.pre === "") return -1;
  const x = a.pre.split(".");
  const y = b.pre.split(".");
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if (x[i] === undefined) return -1;
    if (y[i] === undefined) return 1;
    const nx = /^\d+$/.test(x[i]!) ? Number(x[i]) : undefined;
    const ny = /^\d+$/.test(y[i]!) ? Number(y[i]) : undefined;
    if (nx !== undefined && ny !== undefined) {
      if (nx !== ny) return nx - ny;
    } else if (nx !== undefined) return -1;
    else if (ny !== undefined) return 1;
    else if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
  }
  return 0;
}

type Test = (v: Version) => boolean;
const PART = /^(?:v)?(\d+|[xX*])(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

/** One `op version` term as bounds; undefined when it does not parse. */
function term(op: string, text: string): { test: Test; pre: boolean } | undefined {
  const m = PART.exec(text);
  if (!m) return undefined;
  const wild = (s: string | undefined) => s === undefined || /^[xX*]$/.test(s);
  const given = [m[1], m[2], m[3]];
  const fixed = given.findIndex(wild) === -1 ? 3 : given.findIndex(wild); // how many leading parts are numbers
  const nums = given.map((s) => (wild(s) ? 0 : Number(s))) as [number, number, number];
  const pre = m[4] ?? "";
  const base: Version = { parts: nums, pre };
  const bump = (i: number): Version => ({ parts: nums.map((n, j) => (j < i ? n : j === i ? n + 1 : 0)) as [number, number, number], pre: "" });
  const ge = (a: Version) => (v: Version) => compare(v, a) >= 0;
  const lt = (a: Version) => (v: Version) => compare(v, a) < 0;
  const both = (a: Test, b: Test): Test => (v) => a(v) && b(v);
  const any: Test = () => true;
  let test: Test;
  switch (op) {
    case "":
    case "=":
      test = fixed === 3 ? (v) => compare(v, base) === 0 : fixed === 0 ? any : both(ge(base), lt(bump(fixed - 1)));
      break;
    case "!=":
      test = fixed === 3 ? (v) => compare(v, base) !== 0 : fixed === 0 ? () => false : (v) => !both(ge(base), lt(bump(fixed - 1)))(v);
      break;
    case ">":
      test = fixed === 3 ? (v) => compare(v, base) > 0 : fixed === 0 ? () => false : ge(bump(fixed - 1));
      break;
    case ">=":
      test = ge(base);
      break;
    case "<":
      test = (v) => compare(v, base) < 0;
      break;
    case "<=":
      test = fixed === 3 ? (v) => compare(v, base) <= 0 : fixed === 0 ? any : lt(bump(fixed - 1));
      break;
    case "~":
    case "~>":
      test = fixed === 0 ? any : both(ge(base), lt(bump(fixed === 1 ? 0 : 1)));
      break;
    case "^": {
      const first = nums[0] > 0 || fixed <= 1 ? 0 : nums[1] > 0 || fixed === 2 ? 1 : 2;
      test = fixed === 0 ? any : both(ge(base), lt(bump(first)));
      break;
    }
    default:
      return undefined;
  }
  return { test, pre: pre !== "" };
}

/**
 * Whether `version` satisfies `constraint`; undefined when either does not parse (helm reports
 * those itself, and berth does not guess).
 */
export function satisfies(version: string, constraint: string): boolean | undefined {
  const v = parseVersion(version);
  if (!v) return undefined;
  let anyOk = false;
  for (const alternative of constraint.split("||")) {
    const text = alternative.trim().replace(/(\d|[xX*])\s+-\s+(v?\d)/g, "$1 - $2");
    const tokens = text.split(/[\s,]+/).filter((t) => t !== "");
    const terms: { test: Test; pre: boolean }[] = [];
    for (let i = 0; i < tokens.length; i++) {
      if (tokens[i + 1] === "-" && tokens[i + 2] !== undefined) {
        const lo = term(">=", tokens[i]!);
        const hi = term("<=", tokens[i + 2]!);
        if (!lo || !hi) return undefined;
        terms.push(lo, hi);
        i += 2;
        continue;
      }
      const m = /^(!=|>=|<=|=|>|<|~>|~|\^)?\s*(.*)$/.exec(tokens[i]!)!;
      const op = m[1] ?? "";
      let rest = m[2]!;
      if (rest === "" && tokens[i + 1] !== undefined) rest = tokens[++i]!; // ">= 1.2"
      const t = term(op, rest);
      if (!t) return undefined;
      terms.push(t);
    }
    if (terms.length === 0) return undefined;
    const allowsPre = terms.some((t) => t.pre);
    if (v.pre !== "" && !allowsPre) continue;
    if (terms.every((t) => t.test(v))) anyOk = true;
  }
  return anyOk;
}
