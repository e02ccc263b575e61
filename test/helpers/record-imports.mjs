// Loaded with `node --import` by test/cli/startup-imports.slow.test.ts: appends the URL or
// path of every module the process loads (ES modules through a load hook, CommonJS modules from
// require's cache at exit) to the file named by BERTH_TEST_IMPORTS_FILE.
import { appendFileSync } from "node:fs";
import { createRequire, register } from "node:module";

const hooks = `
import { appendFileSync } from "node:fs";
export async function load(url, context, next) {
  appendFileSync(process.env.BERTH_TEST_IMPORTS_FILE, url + "\\n");
  return next(url, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`);
const require = createRequire(import.meta.url);
process.on("exit", () => appendFileSync(process.env.BERTH_TEST_IMPORTS_FILE, Object.keys(require.cache).join("\n") + "\n"));
