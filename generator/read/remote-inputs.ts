/**
 * A remote kustomize resource is fetched when the render runs, so the same commit of the fleet
 * deploys whatever the remote holds that day unless the reference pins it. Pinned means a commit
 * (`?ref=<full sha>`, or a raw URL with the sha in its path); a tag (`?ref=v1.2.3`) can be moved
 * by whoever controls the remote, so it passes with a warning (`validate --strict` refuses it); a
 * branch, or no ref at all, is refused. Plain http:// and git:// are refused whatever the ref:
 * anyone on the network path could change what is deployed.
 */
export interface RemoteProblem {
  severity: "error" | "warning";
  message: string;
  hint: string;
}

const COMMIT = /^[0-9a-f]{40}([0-9a-f]{24})?$/;
/** What reads as a release tag: v1, v1.2.3, 1.2.3-rc.1. A ref that does not look like one may be a branch. */
const TAG = /^v?\d+(\.\d+)*([-+][0-9A-Za-z.-]+)?$/;
const PIN_HINT = "pin a commit: add ?ref=<the full commit sha> to the URL (a release tag such as ?ref=v1.2.3 passes with a warning)";

export function remoteResourceProblem(entry: string): RemoteProblem | undefined {
  const shown = entry.length > 120 ? `${entry.slice(0, 117)}...` : entry;
  if (/^(http|git):\/\//i.test(entry)) {
    return { severity: "error", message: `remote resource "${shown}" is fetched over plain ${entry.slice(0, entry.indexOf(":")).toLowerCase()}, so anyone on the network path can change what is deployed`, hint: `use https:// and ${PIN_HINT}` };
  }
  const query = entry.includes("?") ? entry.slice(entry.indexOf("?") + 1) : "";
  const params = new URLSearchParams(query);
  const ref = params.get("ref") ?? params.get("version") ?? undefined;
  const path = (entry.includes("?") ? entry.slice(0, entry.indexOf("?")) : entry).split(/[/@:]/);
  if (ref !== undefined) {
    if (COMMIT.test(ref)) return undefined;
    if (TAG.test(ref)) return tag(shown, ref);
    return { severity: "error", message: `remote resource "${shown}" is pinned to "${ref}", which is not a commit and may be a branch: the same commit of the fleet renders differently when it moves`, hint: PIN_HINT };
  }
  // A raw file URL pins itself by the commit (or tag) in its path.
  if (path.some((s) => COMMIT.test(s))) return undefined;
  const inPath = path.find((s) => /^v?\d+\.\d+/.test(s) && TAG.test(s));
  if (inPath) return tag(shown, inPath);
  return { severity: "error", message: `remote resource "${shown}" is not pinned: the same commit of the fleet renders whatever the remote holds that day`, hint: PIN_HINT };
}

function tag(shown: string, ref: string): RemoteProblem {
  return { severity: "warning", message: `remote resource "${shown}" is pinned by the tag "${ref}", which its owner can move`, hint: "pin the commit the tag points at (?ref=<full sha>); `berth validate --strict` refuses tags" };
}
