// The kubectl berth itself uses (the pinned npm package, unpacked by berth on first use), put on
// the harness's PATH next to the Go-built binaries.
import { existsSync, mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { REPO_ROOT } from "./fleet.mjs";
import { HarnessError } from "./processes.mjs";

export async function linkKubectl(pathDir) {
  const candidates = ["dist/generator/exec/tools.js"].map((p) => join(REPO_ROOT, p));
  const module = candidates.find((p) => existsSync(p));
  if (!module) throw new HarnessError("kubectl", "berth is not built (no dist/): run npm ci or npm run build first");
  const { resolveTools } = await import(pathToFileURL(module).href);
  const tools = await resolveTools({ env: { ...process.env, BERTH_TOOLS: "bundled" } });
  mkdirSync(pathDir, { recursive: true });
  const link = join(pathDir, "kubectl");
  if (!existsSync(link)) symlinkSync(tools.kubectl, link);
  return tools.kubectl;
}
