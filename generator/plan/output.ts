/** A file the planner wants written: repository-relative path and full content. */
export interface OutputFile {
  path: string;
  content: string;
  /** The objects the content holds, each with its canonical YAML (as in the content), for diffs without parsing. */
  documents?: readonly GeneratedDocument[];
}

export interface GeneratedDocument {
  object: Record<string, any>;
  yaml: string;
}
