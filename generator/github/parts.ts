import { closeSync, fstatSync, lstatSync, openSync, readdirSync, readSync } from "node:fs";
import { join } from "node:path";
import { EnvironmentError } from "../errors.js";
import { encodeFleet, parsePartMarker, partFileName, PART_FILE } from "../preview/marker.js";

/** GitHub rejects comment bodies over 65536 characters. */
export const MAX_COMMENT_CHARS = 65_536;
/** More parts than this is not a preview anyone reads: the comment is cut to one (see cut.ts). */
export const MAX_PARTS = 100;

export interface PreviewParts {
  /** The fleet every part's marker names ("." for parts from before markers named it). */
  fleet: string;
  /** How many parts the folder holds. */
  total: number;
  /** Every part, in order; only the first when there are more than `maxParts`. */
  parts: string[];
}

/**
 * The Markdown parts `berth preview --out-dir` wrote, in order. The folder is treated as untrusted
 * data: only regular files named part-1.md … part-N.md, numbered without gaps, each starting with
 * its own `part i/N` marker of one fleet and within GitHub's size limit. Beyond `maxParts` only the
 * first part is read: the comment is cut.
 */
export function readPreviewParts(dir: string, maxParts = MAX_PARTS): PreviewParts {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    throw new EnvironmentError(`--dir ${dir}: cannot read the folder (${(e as NodeJS.ErrnoException).code ?? "error"})`, "point it at the folder `berth preview --out-dir` wrote");
  }
  const numbers = names.map((n) => PART_FILE.exec(n)).filter((m): m is RegExpExecArray => m !== null && m[2] === "md").map((m) => Number(m[1])).sort((a, b) => a - b);
  if (numbers.length === 0) throw new EnvironmentError(`--dir ${dir}: no part-1.md … in the folder`, "run `berth preview --out-dir <dir>` (Markdown format) first and pass the same folder");
  const n = numbers.length;
  const gap = numbers.findIndex((num, i) => num !== i + 1);
  if (gap >= 0) {
    const found = numbers.length > 10 ? `${numbers.length} parts, up to ${partFileName(numbers[numbers.length - 1]!)}` : numbers.map((x) => partFileName(x)).join(", ");
    throw new EnvironmentError(`--dir ${dir}: ${partFileName(gap + 1)} is missing (found ${found})`, "post only a complete preview: run `berth preview --out-dir` again");
  }
  let fleet: string | undefined;
  const parts = numbers.slice(0, n > maxParts ? 1 : n).map((_, i) => {
    const name = partFileName(i + 1);
    const body = readSmallFile(join(dir, name), dir);
    const marker = parsePartMarker(body);
    const same = marker !== undefined && (i === 0 || marker.fleet === fleet);
    if (!marker || marker.part !== i + 1 || marker.of !== n || !same) {
      throw new EnvironmentError(`--dir ${dir}/${name}: expected it to start with <!-- berth-preview part ${i + 1}/${n}${i > 0 && fleet !== undefined ? ` fleet=${fleet}` : ""} -->`, "post only the parts of one `berth preview --out-dir` run, unedited");
    }
    if (i === 0) fleet = marker.fleet;
    return body;
  });
  return { fleet: fleet ?? encodeFleet(""), total: n, parts };
}

function readSmallFile(path: string, dir: string): string {
  // lstat first: a symlink in an artifact could point anywhere on the runner.
  const st = lstatSync(path);
  if (!st.isFile()) throw new EnvironmentError(`--dir ${dir}: ${path} is not a regular file`, "the parts must be plain files");
  const fd = openSync(path, "r");
  try {
    // At most 4 bytes per character: anything larger cannot be a comment GitHub accepts.
    const limit = MAX_COMMENT_CHARS * 4;
    if (fstatSync(fd).size > limit) throw new EnvironmentError(`--dir ${dir}: ${path} is larger than a GitHub comment can be`, "post the parts `berth preview` wrote (at most 65000 characters each)");
    const buf = Buffer.alloc(fstatSync(fd).size);
    let off = 0;
    while (off < buf.length) {
      const got = readSync(fd, buf, off, buf.length - off, off);
      if (got === 0) break;
      off += got;
    }
    const text = buf.subarray(0, off).toString("utf8");
    if ([...text].length > MAX_COMMENT_CHARS) throw new EnvironmentError(`--dir ${dir}: ${path} has more than ${MAX_COMMENT_CHARS} characters, GitHub's limit for a comment`, "run `berth preview` with --max-comment-chars 65000 or less");
    return text;
  } finally {
    closeSync(fd);
  }
}
