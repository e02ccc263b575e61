import type { Instance } from "../model/instances.js";
import { LAYERS } from "../model/types.js";

/**
 * Sync waves: every layer starts after the last wave of the layer before it, and within a layer
 * an instance comes one wave after the latest of its dependencies. The graph is acyclic (rules.ts
 * rejects cycles before planning).
 */
export function computeWaves(instances: readonly Instance[]): Map<string, number> {
  const byId = new Map(instances.map((i) => [i.id, i]));
  const waves = new Map<string, number>();
  let base = 0;
  for (const layer of LAYERS) {
    const inLayer = instances.filter((i) => i.layer === layer);
    const waveOf = (inst: Instance, path: Set<string>): number => {
      const known = waves.get(inst.id);
      if (known !== undefined) return known;
      if (path.has(inst.id)) throw new Error(`dependency cycle through ${inst.id} reached planning`);
      path.add(inst.id);
      let wave = base;
      for (const depId of inst.deps) {
        const dep = byId.get(depId);
        if (dep) wave = Math.max(wave, waveOf(dep, path) + 1);
      }
      path.delete(inst.id);
      waves.set(inst.id, wave);
      return wave;
    };
    for (const inst of inLayer) waveOf(inst, new Set());
    if (inLayer.length > 0) base = Math.max(...inLayer.map((i) => waves.get(i.id)!)) + 1;
  }
  return waves;
}
