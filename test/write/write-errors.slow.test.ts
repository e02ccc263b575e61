import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { writeFileDurable } from "../../generator/write/atomic.js";

describe("a full disk names the file (issue 11, item 13)", () => {
  it.runIf(existsSync("/dev/full"))("ENOSPC from write(2) carries the path berth was writing", () => {
    let caught: NodeJS.ErrnoException | undefined;
    try {
      writeFileDurable("/dev/full", "x".repeat(1024));
    } catch (e) {
      caught = e as NodeJS.ErrnoException;
    }
    expect(caught?.code).toBe("ENOSPC");
    expect(caught?.path).toBe("/dev/full");
  });
});
