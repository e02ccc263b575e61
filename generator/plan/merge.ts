type Plain = Record<string, unknown>;

function isPlain(v: unknown): v is Plain {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** Deep-merges Helm-style values: maps merge key by key, anything else in `over` replaces `base`. */
export function mergeValues(base: Plain, over: Plain): Plain {
  const out: Plain = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const prev = out[k];
    out[k] = isPlain(prev) && isPlain(v) ? mergeValues(prev, v) : v;
  }
  return out;
}
