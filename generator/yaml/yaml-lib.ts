import { createRequire } from "node:module";
import type * as Yaml from "yaml";

let lib: typeof Yaml | undefined;

/**
 * The `yaml` package, loaded when first asked for. It is CommonJS of some seventy files (20-70 ms
 * to load, as an ES import more), and a run whose inputs the parse cache knows parses nothing
 * and needs no positions: then it is never loaded. Required, not imported, so that it stays
 * synchronous for the parser's callers.
 */
export function yamlLib(): typeof Yaml {
  return (lib ??= createRequire(import.meta.url)("yaml") as typeof Yaml);
}
