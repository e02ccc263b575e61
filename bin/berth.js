#!/usr/bin/env node
// Runs the compiled CLI (built by `npm ci` through the prepare script) so that starting berth
// never pays for compiling TypeScript.
import { main } from "../dist/generator/cli.js";

process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
  env: process.env,
});
