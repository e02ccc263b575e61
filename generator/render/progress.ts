/** What a long render is doing: how many of how many are done, and which are running now. */
export interface RenderProgress {
  done: number;
  total: number;
  running: readonly string[];
}

/** Told whenever a render starts or ends; commands/progress.ts shows it on a terminal. */
export type OnProgress = (p: RenderProgress) => void;
