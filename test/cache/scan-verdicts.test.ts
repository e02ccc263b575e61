import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { openScanVerdicts } from "../../generator/cache/scan-verdicts.js";
import { readInputTree } from "../../generator/read/input-tree.js";
import { berthWithEnv, removeRepo } from "../helpers/repo.js";
import { fleetWithUserCache } from "../helpers/user-cache.js";

const dirs: string[] = [];
afterEach(() => {
  dirs.splice(0).forEach(removeRepo);
  vi.useRealTimers();
});

const VALUES = "apps/shop/values.yaml";
const OTHER = "apps/postgres/values.yaml";
// Split so that this file holds no key for the scan of this repository to find.
const KEY = ["-----BEGIN RSA", " PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7\n-----END RSA", " PRIVATE KEY-----\n"].join("");

/** Three seconds on: the files written so far have signatures old enough to be trusted (read/input-tree.ts). */
const later = () => {
  vi.useRealTimers();
  vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 3000 });
};

describe("validate's scan verdicts", () => {
  it("pass over a file only while it is as it was when nothing was found in it: a key or a credential written into it is found", async () => {
    const { root, env, cacheFile } = fleetWithUserCache(dirs, "scans");
    later();
    expect((await berthWithEnv(root, env, "validate")).code).toBe(0);
    const signature = readInputTree(root, { signatures: true }).trustedSignature(VALUES)!;
    expect(signature).toMatch(/^f:/);
    expect(openScanVerdicts(root, env).clean(VALUES, signature)).toBe(true);
    expect(readFileSync(cacheFile(), "utf8")).toContain(`${OTHER}\0`);

    // A private key in one values file, a plaintext password in another: both found, and reported again next time.
    appendFileSync(join(root, VALUES), `tls: |\n  ${KEY.trimEnd().split("\n").join("\n  ")}\n`);
    appendFileSync(join(root, OTHER), "admin: { password: hunter2-Kx8#qLz9!vB3 }\n");
    // Their new signatures trusted too: still scanned, as they were never recorded.
    later();
    for (let run = 0; run < 2; run++) {
      const r = await berthWithEnv(root, env, "validate");
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`${VALUES}:\\d+:1: .*contains a private key`));
      expect(r.stderr).toMatch(new RegExp(`${OTHER}:\\d+:\\d+: .*password`));
    }
    const now = readInputTree(root, { signatures: true });
    for (const file of [VALUES, OTHER]) {
      expect(now.trustedSignature(file)).toMatch(/^f:/);
      expect(openScanVerdicts(root, env).clean(file, now.trustedSignature(file)!)).toBe(false);
    }
  });

  it("never record a file the scans were told to pass over: taking it off the allowlist finds its key", async () => {
    const { root, env } = fleetWithUserCache(dirs, "scans");
    appendFileSync(join(root, VALUES), `example: |\n  ${KEY.trimEnd().split("\n").join("\n  ")}\n`);
    mkdirSync(join(root, ".berth"), { recursive: true });
    writeFileSync(join(root, ".berth/allow-secrets"), `${VALUES}\n`);
    later();
    expect((await berthWithEnv(root, env, "validate")).code).toBe(0);
    expect((await berthWithEnv(root, env, "validate")).code).toBe(0);
    writeFileSync(join(root, ".berth/allow-secrets"), "");
    const r = await berthWithEnv(root, env, "validate");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`${VALUES}:\\d+:1: .*contains a private key`));
  });

  it("are another build's or a hand-edited file's: not used", async () => {
    const { root, env, cacheFile } = fleetWithUserCache(dirs, "scans");
    later();
    await berthWithEnv(root, env, "validate");
    const signature = readInputTree(root, { signatures: true }).trustedSignature(VALUES)!;
    expect(openScanVerdicts(root, env).clean(VALUES, signature)).toBe(true);
    const text = readFileSync(cacheFile(), "utf8");
    // Another build: its header names another code digest (the file's own hash line made to match, as a writer would).
    const [hashLine, header, ...rest] = text.split("\n");
    const { createHash } = await import("node:crypto");
    const body = [header!.replace(/ \S+$/, " another-build"), ...rest].join("\n");
    writeFileSync(cacheFile(), `${createHash("sha256").update(body).digest("hex")}\n${body}`, { mode: 0o600 });
    expect(openScanVerdicts(root, env).clean(VALUES, signature)).toBe(false);
    // Edited without its hash line: read as no cache at all.
    writeFileSync(cacheFile(), `${hashLine}\n${[header, ...rest].join("\n").replace(`${VALUES}\0`, `${VALUES}\0x`)}`, { mode: 0o600 });
    expect(openScanVerdicts(root, env).clean(VALUES, signature)).toBe(false);
  });
});
