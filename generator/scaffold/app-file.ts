import { Document } from "yaml";
import type { AppSpec } from "../model/types.js";
import { schemaLine } from "./schema-line.js";

/** The keys of app.yaml in the order people read them. */
const ORDER = ["description", "layer", "namespace", "releaseName", "source", "dependsOn", "secrets"];

/** app.yaml as written: fields with a schema default may be left out. */
export type AppFile = Omit<AppSpec, "perEnvironment" | "berthValues"> & { perEnvironment?: boolean; berthValues?: boolean };

/** An apps/<name>/app.yaml with the `$schema` line, keys in reading order. */
export function appFileContent(spec: AppFile): string {
  const entries = Object.entries(spec).filter(([, v]) => v !== undefined);
  entries.sort(([a], [b]) => rank(a) - rank(b));
  const doc = new Document(Object.fromEntries(entries));
  return `${schemaLine("app")}${doc.toString({ lineWidth: 0 })}`;
}

function rank(key: string): number {
  const i = ORDER.indexOf(key);
  return i === -1 ? ORDER.length : i;
}
