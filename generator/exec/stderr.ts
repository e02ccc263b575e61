/** Lines helm/kubectl print that never explain a failure. */
const NOISE: readonly RegExp[] = [
  /^Use --debug flag to render out invalid YAML/,
  /^WARNING:/i,
  /\blevel=(?:WARN|INFO|DEBUG)\b/, // helm 4's structured (slog) logging
  /^walk\.go:\d+: found symbolic link/,
];

const MAX_CHARS = 1500;

/**
 * Turns a tool's stderr into one paragraph for an error message: noise lines dropped, "Error: "
 * / "error: " prefixes removed, whitespace collapsed, lines joined with spaces, capped in length. When
 * everything was noise, the noise is kept: something is better than nothing.
 */
export function summarizeStderr(stderr: string): string {
  const lines = stderr
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== "");
  const useful = lines.filter((l) => !NOISE.some((re) => re.test(l)));
  const text = (useful.length > 0 ? useful : lines)
    .map((l) => l.replace(/^error:\s*/i, ""))
    .join(" ")
    .replace(/\s+/g, " ")
    .trim();
  return text.length > MAX_CHARS ? `${text.slice(0, MAX_CHARS - 1)}…` : text;
}
