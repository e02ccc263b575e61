import type { OnProgress } from "../render/progress.js";
import type { CommandIO } from "./context.js";

/**
 * One status line on standard error, rewritten in place, while long renders run: only when
 * standard error is a terminal (`io.stderrIsTTY`, injected) and not in CI, so it never reaches a
 * log, a pipe or machine-readable output. `end()` clears the line before the report is printed.
 */
export function renderProgress(io: CommandIO, verb = "rendering"): { update: OnProgress; end: () => void } {
  if (!io.stderrIsTTY || io.env.CI) return { update: () => {}, end: () => {} };
  const width = Math.max(20, (io.stderrColumns ?? 80) - 1);
  let shown = false;
  return {
    update: ({ done, total, running }) => {
      const line = `berth: ${verb} ${done} of ${total}${running.length > 0 ? `: ${running.join(", ")}` : ""}`;
      io.stderr.write(`\r\x1b[2K${line.length > width ? `${line.slice(0, width - 1)}…` : line}`);
      shown = true;
    },
    end: () => {
      if (shown) io.stderr.write("\r\x1b[2K");
      shown = false;
    },
  };
}
