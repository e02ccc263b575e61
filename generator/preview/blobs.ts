import { spawn, spawnSync } from "node:child_process";
import { dirname } from "node:path";
import { EnvironmentError } from "../errors.js";
import type { LazyBytes } from "../read/tree-fs.js";
import type { GitRepo } from "./git.js";

/** Blob contents from `git cat-file --batch` (argv-spawned, no shell): all at once, or each when first asked for. */

const TIMEOUT_MS = 120_000;

/** The contents of the given blobs, in order, from one `git cat-file --batch`; a string on failure. */
export function catFileBatch(repo: GitRepo, oids: readonly string[]): Promise<Buffer[] | string> {
  if (oids.length === 0) return Promise.resolve([]);
  return new Promise((resolve) => {
    const child = spawn(repo.git, ["cat-file", "--batch"], { cwd: repo.root, env: repo.env, stdio: ["pipe", "pipe", "pipe"], shell: false });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => child.kill("SIGKILL"), TIMEOUT_MS);
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => err.push(d));
    child.on("error", (e) => resolve(`git cat-file: ${e.message}`));
    child.stdin.on("error", () => undefined);
    child.stdin.end(`${oids.join("\n")}\n`);
    child.on("close", (code) => {
      clearTimeout(timer);
      if (code !== 0) return resolve(`git cat-file exited with ${code}: ${firstLine(Buffer.concat(err).toString("utf8"))}`);
      resolve(splitBatch(Buffer.concat(out), oids));
    });
  });
}

/** {@link catFileBatch}, waiting for git: for the readers, which are synchronous. */
function catFileBatchSync(repo: GitRepo, oids: readonly string[], bytes: number): Buffer[] | string {
  const r = spawnSync(repo.git, ["cat-file", "--batch"], {
    cwd: repo.root,
    env: repo.env,
    input: `${oids.join("\n")}\n`,
    // The contents plus a header line each (id, type, size) and a newline.
    maxBuffer: bytes + oids.length * 160 + 1024,
    timeout: TIMEOUT_MS,
    killSignal: "SIGKILL",
    shell: false,
  });
  if (r.error) return `git cat-file: ${r.error.message}`;
  if (r.status !== 0) return `git cat-file exited with ${r.status ?? r.signal}: ${firstLine(r.stderr.toString("utf8"))}`;
  return splitBatch(r.stdout, oids);
}

/** The blobs of `git cat-file --batch` output, checked against the ids asked for. */
function splitBatch(all: Buffer, oids: readonly string[]): Buffer[] | string {
  const blobs: Buffer[] = [];
  let at = 0;
  for (const oid of oids) {
    const nl = all.indexOf(10, at);
    const header = nl < 0 ? "" : all.toString("utf8", at, nl);
    const m = /^([0-9a-f]+) blob (\d+)$/.exec(header);
    if (!m || m[1] !== oid) return `unexpected git cat-file output for ${oid}: ${header.slice(0, 80)}`;
    const size = Number(m[2]);
    if (nl + 1 + size > all.length) return `git cat-file output ends inside ${oid}`;
    blobs.push(all.subarray(nl + 1, nl + 1 + size));
    at = nl + 1 + size + 1;
  }
  return blobs;
}

export interface BlobRef {
  /** Fleet-relative path (the folder decides what is read with it). */
  path: string;
  oid: string;
  /** As `git ls-tree -l` gives it. */
  size: number;
}

/** Folder batches read before the rest is read in one go. */
const FOLDER_BATCHES = 4;

/**
 * The contents of `blobs`, each read from git when first asked for. A reader that needs one file
 * of a folder usually needs its neighbours (the preview hashes a changed app's folder on both
 * sides), so a miss reads every unread blob of the same folder in one `git cat-file --batch`;
 * after {@link FOLDER_BATCHES} such batches, a reader going through many folders (a fallback
 * hashing every file) gets everything left in one more. A blob git no longer gives (a repository
 * changed under the run) is the run's error, not the fleet's.
 */
export function lazyBlobs(repo: GitRepo, sha: string, blobs: readonly BlobRef[]): LazyBlobs {
  const read = new Map<string, Buffer>();
  // Grouped on the first miss: most runs never have one.
  let byFolder: Map<string, BlobRef[]> | undefined;
  const folderOf = (want: BlobRef) => {
    if (!byFolder) {
      byFolder = new Map();
      for (const b of blobs) {
        const folder = dirname(b.path);
        let list = byFolder.get(folder);
        if (!list) byFolder.set(folder, (list = []));
        list.push(b);
      }
    }
    return byFolder.get(dirname(want.path)) ?? [want];
  };
  const unread = (list: readonly BlobRef[]) => {
    const oids = [...new Set(list.filter((b) => !read.has(b.oid)).map((b) => b.oid))];
    const sizes = new Map(list.map((b) => [b.oid, b.size]));
    return { oids, sizes, bytes: oids.reduce((n, oid) => n + sizes.get(oid)!, 0) };
  };
  const fail = (why: string) => new EnvironmentError(`could not read ${sha.slice(0, 7)} of the repository: ${why}`, "check that the repository is not corrupt (`git fsck`)");
  /** Keeps what git gave, or says why it does not fit. */
  const keep = (oids: readonly string[], sizes: ReadonlyMap<string, number>, got: Buffer[]): string | undefined => {
    const wrong = oids.findIndex((oid, i) => got[i]!.length !== sizes.get(oid));
    if (wrong >= 0) return `blob ${oids[wrong]} is not the size git ls-tree gave`;
    oids.forEach((oid, i) => read.set(oid, got[i]!));
    return undefined;
  };
  let batches = 0;
  const fetch = (want: BlobRef) => {
    const { oids, sizes, bytes } = unread(++batches > FOLDER_BATCHES ? blobs : folderOf(want));
    const got = catFileBatchSync(repo, oids, bytes);
    const problem = typeof got === "string" ? got : keep(oids, sizes, got);
    if (problem !== undefined) throw fail(problem);
  };
  return {
    contents: blobs.map((b) => ({
      size: b.size,
      bytes: () => {
        if (!read.has(b.oid)) fetch(b);
        return read.get(b.oid)!;
      },
    })),
    prefetch: async (wanted) => {
      const { oids, sizes } = unread(blobs.filter((b) => wanted(b.path)));
      const got = await catFileBatch(repo, oids);
      // A failure here is met again, and reported, by the reader that needs the blob.
      if (typeof got !== "string") keep(oids, sizes, got);
    },
  };
}

export interface LazyBlobs {
  contents: LazyBytes[];
  /**
   * Reads the blobs whose paths `wanted` names in the background (one `git cat-file --batch`
   * while the caller computes), so that the readers that will ask for them need not wait for git.
   */
  prefetch(wanted: (path: string) => boolean): Promise<void>;
}

function firstLine(s: string): string {
  return s.trim().split("\n")[0] ?? "";
}
