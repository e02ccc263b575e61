/**
 * A line diff (Myers' O(ND) algorithm) and unified-diff hunks whose headers name the YAML field
 * they are in (`@@ spec.source.helm @@`) instead of line numbers, so the same change to the same
 * object reads the same on every cluster. Pure.
 */

/** One line of a unified diff: " " context, "-" removed, "+" added; hunk headers start with "@@". */
export type DiffLine = string;

type Op = { op: " " | "-" | "+"; text: string; oldIndex: number; newIndex: number };

/** Above this many differing lines the diff is shown as a whole-block replacement (bounded memory). */
const MAX_EDIT_DISTANCE = 2000;

/** The edit script from `a` to `b`, common prefix and suffix first, then Myers on the middle. */
function editScript(a: readonly string[], b: readonly string[]): Op[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const ops: Op[] = [];
  for (let i = 0; i < start; i++) ops.push({ op: " ", text: a[i]!, oldIndex: i, newIndex: i });
  // A loop, not push(...): a spread of a huge array overflows the stack.
  for (const op of middle(a, b, start, endA, start, endB)) ops.push(op);
  for (let i = 0; i < a.length - endA; i++) ops.push({ op: " ", text: a[endA + i]!, oldIndex: endA + i, newIndex: endB + i });
  return ops;
}

function middle(a: readonly string[], b: readonly string[], a0: number, a1: number, b0: number, b1: number): Op[] {
  const n = a1 - a0;
  const m = b1 - b0;
  const replace = (): Op[] => [
    ...Array.from({ length: n }, (_, i): Op => ({ op: "-", text: a[a0 + i]!, oldIndex: a0 + i, newIndex: b0 })),
    ...Array.from({ length: m }, (_, i): Op => ({ op: "+", text: b[b0 + i]!, oldIndex: a1, newIndex: b0 + i })),
  ];
  if (n === 0 || m === 0) return replace();
  const max = Math.min(n + m, MAX_EDIT_DISTANCE);
  const offset = max + 1;
  let v = new Int32Array(2 * max + 3);
  // Frontier before each step d, only its live diagonals -d-1..d+1: O(D²) memory in all.
  const trace: Int32Array[] = [];
  let found = false;
  for (let d = 0; d <= max && !found; d++) {
    trace.push(v.slice(offset - d - 1, offset + d + 2));
    const next = v.slice();
    for (let k = -d; k <= d; k += 2) {
      let x: number;
      if (k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!)) x = v[offset + k + 1]!;
      else x = v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[a0 + x] === b[b0 + y]) {
        x++;
        y++;
      }
      next[offset + k] = x;
      if (x >= n && y >= m) {
        found = true;
        break;
      }
    }
    v = next;
  }
  if (!found) return replace();
  // Backtrack through the saved frontiers.
  const ops: Op[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d > 0; d--) {
    const frontier = trace[d]!;
    const prev = (k: number) => frontier[k + d + 1]!;
    const k = x - y;
    const down = k === -d || (k !== d && prev(k - 1) < prev(k + 1));
    const prevK = down ? k + 1 : k - 1;
    const prevX = prev(prevK);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      x--;
      y--;
      ops.push({ op: " ", text: a[a0 + x]!, oldIndex: a0 + x, newIndex: b0 + y });
    }
    if (down) {
      y--;
      ops.push({ op: "+", text: b[b0 + y]!, oldIndex: a0 + x, newIndex: b0 + y });
    } else {
      x--;
      ops.push({ op: "-", text: a[a0 + x]!, oldIndex: a0 + x, newIndex: b0 + y });
    }
  }
  while (x > 0 && y > 0) {
    x--;
    y--;
    ops.push({ op: " ", text: a[a0 + x]!, oldIndex: a0 + x, newIndex: b0 + y });
  }
  return ops.reverse();
}

/**
 * Unified diff of two YAML texts with `context` lines around each change; empty when equal.
 * Each hunk starts with `@@ <yaml path> @@`.
 */
export function unifiedDiff(before: string, after: string, context = 3): DiffLine[] {
  if (before === after) return [];
  const a = splitLines(before);
  const b = splitLines(after);
  if (a.length === 0) return b.map((l) => `+${l}`);
  if (b.length === 0) return a.map((l) => `-${l}`);
  const ops = editScript(a, b);
  const changed = ops.map((o, i) => (o.op === " " ? -1 : i)).filter((i) => i >= 0);
  if (changed.length === 0) return [];
  // Group changes whose context windows touch into hunks.
  const hunks: Array<[number, number]> = [];
  for (const i of changed) {
    const lo = Math.max(0, i - context);
    const hi = Math.min(ops.length - 1, i + context);
    const last = hunks[hunks.length - 1];
    if (last && lo <= last[1] + 1) last[1] = hi;
    else hunks.push([lo, hi]);
  }
  const out: DiffLine[] = [];
  for (const [lo, hi] of hunks) {
    const first = ops.slice(lo, hi + 1).find((o) => o.op !== " ")!;
    const path = first.op === "-" ? yamlPath(a, first.oldIndex) : yamlPath(b, first.newIndex);
    out.push(path ? `@@ ${path} @@` : "@@");
    for (let i = lo; i <= hi; i++) out.push(`${ops[i]!.op}${ops[i]!.text}`);
  }
  return out;
}

export function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

const indentOf = (line: string) => line.length - line.trimStart().length;

/**
 * The dotted path of the mapping keys enclosing line `index` of a block-style YAML text, e.g.
 * `spec.source.helm`; list items read `[name=x]` when their first key is a short scalar.
 */
export function yamlPath(lines: readonly string[], index: number): string {
  const line = lines[index];
  if (line === undefined) return "";
  const parts: string[] = [];
  const own = keyOf(line);
  if (own !== undefined && !line.trimStart().startsWith("- ")) parts.push(own);
  let indent = line.trimStart().startsWith("- ") ? indentOf(line) : contentIndent(line);
  for (let i = index - 1; i >= 0 && indent > 0; i--) {
    const l = lines[i]!;
    if (l.trim() === "" || l.trimStart().startsWith("#") || indentOf(l) >= indent) continue;
    const t = l.trimStart();
    if (t.startsWith("- ")) {
      // A list item holding our line: nested under its first key, or a sibling of it.
      const k = keyOf(l);
      if (k !== undefined && contentIndent(l) < indent && /:\s*$/.test(t)) parts.unshift(k);
      const m = /^- ([^:\s][^:]*): ([^\s].{0,39})$/.exec(t);
      parts.unshift(m ? `[${m[1]}=${m[2]}]` : "[]");
    } else {
      const k = keyOf(l);
      if (k !== undefined) parts.unshift(k);
    }
    indent = indentOf(l);
  }
  // Keys join with dots; a list marker attaches to the key before it.
  return parts.reduce((s, p) => (p.startsWith("[") ? `${s}${p}` : s ? `${s}.${p}` : p), "");
}

/** Where a line's content starts: after `- ` markers for list items. */
function contentIndent(line: string): number {
  const m = /^(\s*)((?:- )*)/.exec(line)!;
  return m[1]!.length + m[2]!.length;
}

function keyOf(line: string): string | undefined {
  const t = line.trimStart().replace(/^(?:- )+/, "");
  const m = /^("(?:[^"\\]|\\.)*"|'[^']*'|[^\s:#'"][^:#]*?):(?:\s|$)/.exec(t);
  return m?.[1];
}
