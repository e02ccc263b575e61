const UNITS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1_000 };

/** Parses "15m", "90s", "1h30m" (Go/kubectl style) into milliseconds; undefined when malformed or zero. */
export function parseDuration(text: string): number | undefined {
  const s = text.trim();
  if (!/^(\d+[hms])+$/.test(s)) return undefined;
  let ms = 0;
  for (const m of s.matchAll(/(\d+)([hms])/g)) ms += Number(m[1]) * UNITS[m[2]!]!;
  return ms > 0 ? ms : undefined;
}

/** "15m", "1h30m", "45s", "2m5s": the inverse of parseDuration, rounded up to whole seconds. */
export function formatDuration(ms: number): string {
  let s = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const parts = [h ? `${h}h` : "", m ? `${m}m` : "", s || (!h && !m) ? `${s}s` : ""];
  return parts.join("");
}
