/** Kubernetes quantities as numbers: CPU in millicores, memory in bytes. */

const MEMORY_FACTORS: Record<string, number> = {
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
};

export function cpuMillis(q: string): number {
  return q.endsWith("m") ? Number(q.slice(0, -1)) : Math.round(Number(q) * 1000);
}

export function memoryBytes(q: string): number {
  const m = /^([0-9.]+)([A-Za-z]*)$/.exec(q);
  if (!m) return NaN;
  return Math.round(Number(m[1]) * (MEMORY_FACTORS[m[2] ?? ""] ?? NaN));
}

export function formatCpu(millis: number): string {
  return millis % 1000 === 0 ? String(millis / 1000) : `${millis}m`;
}

export function formatMemory(bytes: number): string {
  const mi = bytes / 1024 ** 2;
  return mi >= 1024 && Number.isInteger(mi / 1024) ? `${mi / 1024}Gi` : `${Math.round(mi)}Mi`;
}
