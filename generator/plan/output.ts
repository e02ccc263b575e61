/** A file the planner wants written: repository-relative path and full content. */
export interface OutputFile {
  path: string;
  content: string;
}
