#!/usr/bin/env node
// Runs the compiled CLI (built by `npm ci` through the prepare script) so that starting berth
// never pays for compiling TypeScript.
import { main } from "../dist/generator/cli.js";

/** Standard input, read only when a command asks for it (`berth seal --from-stdin`). */
async function readStdin() {
  if (process.stdin.isTTY) {
    // A value typed at a terminal would be echoed on screen.
    throw new Error("standard input is a terminal; pipe the value in instead");
  }
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** A question at the terminal (`berth init` without flags); absent when not interactive, so CI never waits. */
async function prompt(question) {
  // Loaded on the first question, not at every start.
  const { createInterface } = await import("node:readline/promises");
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}
const interactive = process.stdin.isTTY && process.stderr.isTTY;

// `berth … | head`: the reader is gone, so stop quietly, as other command-line tools do.
process.stdout.on("error", (e) => {
  if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw e;
});

process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
  env: process.env,
  stdin: readStdin,
  prompt: interactive ? prompt : undefined,
  stderrIsTTY: process.stderr.isTTY === true,
  stderrColumns: process.stderr.columns,
  now: () => new Date(),
});
