import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

/**
 * vitest globalSetup of the slow project: its process-spawning tests run the compiled CLI
 * (bin/berth.js → dist/), so build once before them; `npx vitest` after an edit never tests
 * stale code. The unit project runs the TypeScript sources in-process and needs no build.
 */
export default function setup(): void {
  const root = fileURLToPath(new URL("..", import.meta.url));
  execFileSync(process.execPath, [fileURLToPath(new URL("../node_modules/typescript/bin/tsc", import.meta.url)), "-p", "tsconfig.build.json"], { cwd: root, stdio: "inherit" });
}
