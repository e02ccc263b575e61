import { describe, expect, it } from "vitest";
import { scrubSecrets } from "../../generator/scrub.js";
import { summarizeStderr } from "../../generator/exec/stderr.js";
import { run } from "../../generator/exec/spawn.js";

describe("scrubSecrets", () => {
  it("removes userinfo from URLs and secret-looking query values", () => {
    expect(scrubSecrets('Get "https://bob:s3cret@charts.example.com/index.yaml?token=abc&v=1"')).toBe(
      'Get "https://***@charts.example.com/index.yaml?token=***&v=1"',
    );
    expect(scrubSecrets("oci://ghp_abcdef@ghcr.io/x")).toBe("oci://***@ghcr.io/x");
    expect(scrubSecrets("https://s3.example.com/c.tgz?X-Amz-Signature=deadbeef&X-Amz-Credential=AKIA/x")).toBe(
      "https://s3.example.com/c.tgz?X-Amz-Signature=***&X-Amz-Credential=***",
    );
    expect(scrubSecrets("https://h/p?access_token=a1&password=p2;sig=s3")).toBe("https://h/p?access_token=***&password=***;sig=***");
    expect(scrubSecrets("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.x")).toBe("Authorization: Bearer ***");
  });

  it("leaves ordinary text alone", () => {
    const s = 'chart "demo" version "9.9.9" not found in http://127.0.0.1:8080 repository; oci://ghcr.io/a/b@sha256:00';
    expect(scrubSecrets(s)).toBe(s);
  });
});

describe("summarizeStderr", () => {
  it("makes one paragraph without helm's noise", () => {
    const stderr = [
      'level=WARN msg="something chatty"',
      "Error: mychart/templates/bad.yaml:1:10",
      '  executing "mychart/templates/bad.yaml" at <.Values.nope.x>:',
      "    nil pointer evaluating interface {}.x",
      "",
      "Use --debug flag to render out invalid YAML",
      "",
    ].join("\n");
    expect(summarizeStderr(stderr)).toBe(
      'mychart/templates/bad.yaml:1:10 executing "mychart/templates/bad.yaml" at <.Values.nope.x>: nil pointer evaluating interface {}.x',
    );
  });

  it("keeps noise when it is all there is, and caps the length", () => {
    expect(summarizeStderr("WARNING: only this\n")).toBe("WARNING: only this");
    expect(summarizeStderr("error: " + "y".repeat(5000)).length).toBe(1500);
  });
});

describe("run", () => {
  it("collects large output completely (no maxBuffer cut-off)", async () => {
    const r = await run(process.execPath, ["-e", "process.stdout.write('y'.repeat(5_000_000))"], { env: {} });
    expect(r.code).toBe(0);
    expect(r.stdout.length).toBe(5_000_000);
  });

  it("reports a binary that cannot start, and kills one that runs too long", async () => {
    const missing = await run("/nonexistent/helm", ["version"], { env: {} });
    expect(missing).toMatchObject({ code: null, spawnError: expect.stringContaining("ENOENT"), timedOut: false });
    const slow = await run("/bin/sleep", ["10"], { env: {}, timeoutMs: 100 });
    expect(slow).toMatchObject({ code: null, timedOut: true });
  });

  it("passes arguments verbatim, never through a shell", async () => {
    const arg = "$(echo pwned) `id` ; rm -rf / 'quoted' \"double\"";
    const r = await run(process.execPath, ["-e", "process.stdout.write(process.argv[1])", arg], { env: {} });
    expect(r.stdout).toBe(arg);
  });
});
