import { closeSync, fstatSync, lstatSync, openSync, readdirSync, readSync } from "node:fs";
import { join } from "node:path";
import { EnvironmentError } from "../errors.js";
import { parsePartMarker, partFileName, PART_FILE } from "../preview/marker.js";

/** GitHub rejects comment bodies over 65536 characters. */
export const MAX_COMMENT_CHARS = 65_536;
/** More parts than this is not a preview anyone reads; refuse rather than flood the pull request. */
export const MAX_PARTS = 100;

/**
 * The Markdown parts `berth preview --out-dir` wrote, in order. The folder may come from an
 * artifact built by a pull request, so it is treated as untrusted data: only regular files named
 * part-1.md … part-N.md, numbered without gaps, each starting with its own `part i/N` marker and
 * within GitHub's size limit.
 */
export function readParts(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    throw new EnvironmentError(`--dir ${dir}: cannot read the folder (${(e as NodeJS.ErrnoException).code ?? "error"})`, "point it at the folder `berth preview --out-dir` wrote");
  }
  const numbers = names.map((n) => PART_FILE.exec(n)).filter((m): m is RegExpExecArray => m !== null && m[2] === "md").map((m) => Number(m[1])).sort((a, b) => a - b);
  if (numbers.length === 0) throw new EnvironmentError(`--dir ${dir}: no part-1.md … in the folder`, "run `berth preview --out-dir <dir>` (Markdown format) first and pass the same folder");
  if (numbers.length > MAX_PARTS) throw new EnvironmentError(`--dir ${dir}: ${numbers.length} parts, more than ${MAX_PARTS}`, "narrow the preview with --cluster, or raise --max-comment-chars");
  const n = numbers.length;
  const gap = numbers.findIndex((num, i) => num !== i + 1);
  if (gap >= 0) throw new EnvironmentError(`--dir ${dir}: ${partFileName(gap + 1)} is missing (found ${numbers.map((x) => partFileName(x)).join(", ")})`, "post only a complete preview: run `berth preview --out-dir` again");
  return numbers.map((_, i) => {
    const name = partFileName(i + 1);
    const body = readSmallFile(join(dir, name), dir);
    const marker = parsePartMarker(body);
    if (!marker || marker.part !== i + 1 || marker.of !== n) {
      throw new EnvironmentError(`--dir ${dir}/${name}: expected it to start with <!-- berth-preview part ${i + 1}/${n} -->`, "post only the parts of one `berth preview --out-dir` run, unedited");
    }
    return body;
  });
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
