// Edits a YAML file of the fleet by parsing it (comments and layout kept), never by replacing text.
import { readFileSync, writeFileSync } from "node:fs";
import { parseDocument } from "yaml";

export function editYaml(file, edit) {
  const doc = parseDocument(readFileSync(file, "utf8"));
  edit(doc);
  writeFileSync(file, doc.toString());
}
