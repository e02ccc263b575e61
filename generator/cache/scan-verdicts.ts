import { codeDigest } from "./output-cache.js";
import { readPrivateCacheFile, repoCacheFile, writePrivateCacheFile } from "./private-file.js";

/**
 * The files in which `berth validate`'s text scans (private keys, plaintext credentials, Argo CD
 * repository credentials: validate/hygiene.ts, validate/repository-credentials.ts) found nothing,
 * each by its path and the stat signature it had when looked at, so that a file unchanged since is
 * not read and scanned again: at 10,000 apps the scans read 20,000 files, a fifth of a validate.
 *
 * Only a trusted signature counts (read/input-tree.ts: a regular file under apps/, clusters/ or
 * secrets/ whose change time is two seconds older than the walk, the rule git's index and the
 * parse cache follow), so a file rewritten since never matches; the verdict is this build's
 * (another build's file reads as empty), and "nothing found" does not depend on anything outside
 * the file: an allowlist only removes findings, and an allowed file is never recorded (the
 * private-key scan skips it). A file with a finding is never recorded, so it is scanned, and
 * reported, every time. Kept in one of this user's private cache files (private-file.ts).
 */
export interface ScanVerdicts {
  /** Whether `file` had `signature` when every scan looked at it and found nothing. */
  clean(file: string, signature: string): boolean;
  /** Records that every scan that applies to `file` looked at it, with `signature`, and found nothing. */
  record(file: string, signature: string): void;
  /** Writes the verdicts back when they changed: those recorded in this run, and those still clean. */
  save(): void;
}

const VERSION = 1;

/** The verdicts kept for the repository at `root`; none without a per-user cache folder. */
export function openScanVerdicts(root: string, env: Record<string, string | undefined>): ScanVerdicts {
  const file = repoCacheFile(env, "scans", root, "txt");
  if (!file) return { clean: () => false, record: () => {}, save: () => {} };
  const stored = readVerdicts(file, codeDigest());
  const now = new Map<string, string>();
  return {
    clean: (path, signature) => {
      const recorded = stored.get(path);
      const yes = recorded !== undefined && recorded === signature;
      if (yes) now.set(path, signature);
      return yes;
    },
    record: (path, signature) => void now.set(path, signature),
    save: () => {
      if (now.size === stored.size && [...now].every(([p, s]) => stored.get(p) === s)) return;
      const lines = [`berth scan verdicts ${VERSION} ${codeDigest()}`];
      for (const [p, s] of [...now].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) lines.push(`${p}\0${s}`);
      writePrivateCacheFile(file, Buffer.from(`${lines.join("\n")}\n`, "utf8"));
    },
  };
}

/**
 * One line a file, `path NUL signature`, under a header naming the format's version and the build:
 * a text, split once, instead of a serialised map (20,000 entries' objects cost as much to
 * deserialise as the reads they save).
 */
function readVerdicts(file: string, code: string): Map<string, string> {
  const body = readPrivateCacheFile(file)?.toString("utf8");
  const out = new Map<string, string>();
  if (!body) return out;
  const lines = body.split("\n");
  if (lines[0] !== `berth scan verdicts ${VERSION} ${code}`) return out;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const nul = line.indexOf("\0");
    if (nul > 0) out.set(line.slice(0, nul), line.slice(nul + 1));
  }
  return out;
}
