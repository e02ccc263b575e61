/**
 * Documented bounds on what one Application may render (docs/guarantees.md, "Resource limits"). A chart from a pull
 * request can emit hundreds of megabytes or hundreds of thousands of objects; past these limits
 * the app's render is a clear per-app error instead of gigabytes of memory or a crash, and
 * memory stays proportional to one app's output.
 */
export const MAX_RENDERED_BYTES = 32 * 1024 * 1024;
export const MAX_RENDERED_OBJECTS = 20_000;

const mib = (n: number) => `${Math.round(n / 1024 / 1024)} MiB`;

/** Why `manifests` exceeds a limit, or undefined. Counts documents without parsing them. */
export function renderLimitProblem(manifests: string): string | undefined {
  const bytes = Buffer.byteLength(manifests, "utf8");
  if (bytes > MAX_RENDERED_BYTES) return tooLarge();
  let objects = 0;
  // Document separators at the start of a line; a stream without any holds one document.
  for (let i = manifests.indexOf("---"); i >= 0; i = manifests.indexOf("---", i + 3)) {
    if (i === 0 || manifests[i - 1] === "\n") objects++;
  }
  if (objects > MAX_RENDERED_OBJECTS) return `rendered ${objects} YAML documents, more than berth's limit of ${MAX_RENDERED_OBJECTS} objects per app; split the app into several apps`;
  return undefined;
}

export function tooLarge(): string {
  return `rendered more than ${mib(MAX_RENDERED_BYTES)}, berth's limit per app; split the app into several apps, or check the chart for a template that loops out of control`;
}
