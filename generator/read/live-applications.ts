/**
 * Argo CD's Application list as `kubectl get applications.argoproj.io -o json` prints it, read
 * defensively: bootstrap's watch and `berth status` each take what they need from these items.
 */

export type Plain = Record<string, unknown>;
export const isPlain = (v: unknown): v is Plain => v !== null && typeof v === "object" && !Array.isArray(v);
export const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

/** Argo CD's messages span lines and can be long: one line, bounded. */
export function oneLine(s: string, max = 400): string {
  const t = s.replace(/\s+/g, " ").trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

/** One named Application of the list, with its status parts (empty objects when absent). */
export interface ApplicationItem {
  name: string;
  status: Plain;
  sync: Plain;
  health: Plain;
}

/** The named items of the list; undefined when the text is not such a list. */
export function applicationItems(json: string): ApplicationItem[] | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (!isPlain(doc) || !Array.isArray(doc.items)) return undefined;
  const out: ApplicationItem[] = [];
  for (const item of doc.items) {
    if (!isPlain(item) || !isPlain(item.metadata)) continue;
    const name = str(item.metadata.name);
    if (!name) continue;
    const status = isPlain(item.status) ? item.status : {};
    out.push({ name, status, sync: isPlain(status.sync) ? status.sync : {}, health: isPlain(status.health) ? status.health : {} });
  }
  return out;
}

/** The Application's conditions, each on one line. */
export function conditionsOf(status: Plain, max?: number): { type: string; message: string }[] {
  return (Array.isArray(status.conditions) ? status.conditions : []).filter(isPlain).map((c) => ({ type: str(c.type) ?? "Condition", message: oneLine(str(c.message) ?? "", max) }));
}
