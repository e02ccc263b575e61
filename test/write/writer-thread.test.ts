import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ownBytes, startWriterThread } from "../../generator/write/writer-thread.js";

describe("writer thread", () => {
  it("posts only a view's own bytes, never the buffer it is cut from", () => {
    // A blob cut out of one large read, as preview gets them from `git cat-file --batch`.
    const batch = Buffer.alloc(8 << 20, 0x61);
    const blob = batch.subarray(4096, 4096 + 100);
    const posted = ownBytes(blob) as Uint8Array;
    expect(posted.byteLength).toBe(100);
    expect(posted.buffer.byteLength).toBe(100);
    expect(Buffer.from(posted).equals(blob)).toBe(true);
    // Content that already owns its buffer, and text, go as they are.
    const whole = new Uint8Array(10);
    expect(ownBytes(whole)).toBe(whole);
    expect(ownBytes("text")).toBe("text");
  });

  it("writes views of a shared buffer with their own content", async () => {
    const dir = mkdtempSync(join(tmpdir(), "berth-writer-"));
    try {
      const batch = Buffer.from("alpha|beta|gamma");
      const thread = startWriterThread((why) => new Error(why));
      thread.file(join(dir, "a/1.txt"), batch.subarray(0, 5), 0o644);
      thread.file(join(dir, "b/2.txt"), batch.subarray(6, 10), 0o644);
      thread.file(join(dir, "3.txt"), batch.subarray(11), 0o644);
      await thread.done();
      expect(readFileSync(join(dir, "a/1.txt"), "utf8")).toBe("alpha");
      expect(readFileSync(join(dir, "b/2.txt"), "utf8")).toBe("beta");
      expect(readFileSync(join(dir, "3.txt"), "utf8")).toBe("gamma");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("moves handed-over bytes to the thread and leaves bytes not handed over with the caller", async () => {
    const dir = mkdtempSync(join(tmpdir(), "berth-writer-"));
    try {
      const given = new Uint8Array(Buffer.from("handed over"));
      const kept = new Uint8Array(Buffer.from("kept"));
      const thread = startWriterThread((why) => new Error(why));
      thread.file(join(dir, "given.txt"), given, 0o644, "given", { handOver: true });
      thread.file(join(dir, "kept.txt"), kept, 0o644, "kept");
      const hashes = await thread.done();
      // Moved, not copied: the caller's array no longer holds the bytes.
      expect(given.byteLength).toBe(0);
      expect(Buffer.from(kept).toString()).toBe("kept");
      expect(readFileSync(join(dir, "given.txt"), "utf8")).toBe("handed over");
      expect(readFileSync(join(dir, "kept.txt"), "utf8")).toBe("kept");
      expect(hashes.given).toBe(createHash("sha256").update("handed over").digest("hex"));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
