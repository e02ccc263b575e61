import { readdirSync, readlinkSync, realpathSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { UserError, type Diagnostic } from "../errors.js";

/**
 * A revision unpacked from git may hold symbolic links; one pointing outside the tree would let a
 * pull request have berth read (and a preview then show) any file on the machine, such as
 * /proc/self/environ. Every link must resolve inside `root`; otherwise the revision does not load.
 */
export function requireLinksInside(root: string): void {
  const top = realpathSync(root);
  const problems: Diagnostic[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.isSymbolicLink()) {
        const link = readlinkSync(full);
        let target: string;
        try {
          target = realpathSync(full);
        } catch {
          // A dangling link: judge where it says it points.
          target = isAbsolute(link) ? link : resolve(realpathSync(dirname(full)), link);
        }
        if (target !== top && !target.startsWith(top + sep)) {
          problems.push({ file: relative(root, full).split(sep).join("/"), line: 0, col: 0, message: `is a symbolic link to ${link}, outside the repository`, hint: "commit the file itself, or a link to a file inside the repository" });
        }
      }
    }
  };
  walk(root);
  if (problems.length > 0) throw new UserError(problems);
}
