/** What a command may touch besides its options: injected so tests run commands in-process. */
export interface CommandIO {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Standard input, read to the end (`berth seal --from-stdin`); absent when there is none. */
  stdin?: () => Promise<Buffer>;
  /** Asks a question at a terminal; absent when there is none (then a missing option is an error). */
  prompt?: (question: string) => Promise<string>;
  /** Whether standard error is a terminal: progress lines are shown only then (commands/progress.ts). */
  stderrIsTTY?: boolean;
  /** The terminal's width, to keep a progress line on one line. */
  stderrColumns?: number;
  /** The clock (certificate validity, key generation); defaults to `new Date()`. */
  now?: () => Date;
}

/** Exit codes: 0 ok, 1 a problem or a difference was found, 2 could not run. */
export type ExitCode = 0 | 1 | 2;
