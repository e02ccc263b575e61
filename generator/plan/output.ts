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

/**
 * A generated file as the bytes to write (UTF-8), planned without its objects: what generate
 * writes (the writer threads take the bytes without a copy) and compares with the disk.
 */
export interface EncodedFile {
  path: string;
  content: Uint8Array;
}
