// Waves wait: nothing in a later wave than store's appeared before store was Healthy, and each
// wave started only once the one before it was Healthy (times as bootstrap's phase recorded them).
import { HOLD_MS } from "../harness/control-plane.mjs";
import { applications, waveOf } from "../harness/applications.mjs";
import { AssertionFailure } from "../harness/processes.mjs";

export async function waves(ctx) {
  const { firstSeen, firstHealthy } = ctx;
  const apps = await applications(ctx.kubectl);
  const store = apps.get("store");
  if (!store) throw new AssertionFailure("the store Application does not exist");
  const storeHealthy = firstHealthy.get("store");
  const early = [...apps.values()].filter((a) => waveOf(a) > waveOf(store) && firstSeen.get(a.metadata.name) < storeHealthy);
  if (early.length > 0) throw new AssertionFailure(`Applications of a later wave than store (${waveOf(store)}) were created before store was Healthy: ${early.map((a) => `${a.metadata.name} (wave ${waveOf(a)})`).join(", ")}`);
  const children = [...apps.values()].filter((a) => a.metadata.name !== "root");
  const order = [...new Set(children.map(waveOf))].sort((x, y) => x - y);
  for (let i = 1; i < order.length; i++) {
    const lastOfPrev = Math.max(...children.filter((a) => waveOf(a) === order[i - 1]).map((a) => firstHealthy.get(a.metadata.name) ?? 0));
    const firstOfNext = Math.min(...[...apps.values()].filter((a) => waveOf(a) === order[i]).map((a) => firstSeen.get(a.metadata.name) ?? Infinity));
    // One poll (1 s) of slack: both times are when the harness saw the change.
    if (firstOfNext < lastOfPrev - 1500) throw new AssertionFailure(`wave ${order[i]} started ${Math.round((lastOfPrev - firstOfNext) / 1000)} s before wave ${order[i - 1]} was Healthy`);
  }
  ctx.log(`waves completed in order: ${order.join(" → ")} (store held ${HOLD_MS / 1000} s by kwok; nothing later started before it was Healthy)`);
  return order;
}
