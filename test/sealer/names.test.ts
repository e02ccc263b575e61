import { describe, expect, it } from "vitest";
import { checkDnsLabel, checkDnsSubdomain, checkSecretKey } from "../../generator/sealer/index.js";

describe("checkSecretKey", () => {
  it.each(["password", "tls.crt", "a-b_c.D9", "-", "_", ".env", "a..b", "x".repeat(253)])("accepts %j", (key) => {
    expect(checkSecretKey(key)).toBeUndefined();
  });
  it.each([
    ["", /empty/],
    ["x".repeat(254), /at most 253/],
    ["a/b", /only letters/],
    ["a b", /only letters/],
    ["ключ", /only letters/],
    [".", /must not be '\.'/],
    ["..", /must not be '\.\.'/],
    ["..data", /start with '\.\.'/],
  ])("rejects %j", (key, problem) => {
    expect(checkSecretKey(key)).toMatch(problem);
  });
});

describe("checkDnsLabel", () => {
  it.each(["a", "kube-system", "a1", "1a", "x".repeat(63)])("accepts %j", (v) => {
    expect(checkDnsLabel(v)).toBeUndefined();
  });
  it.each(["", "x".repeat(64), "Prod", "-a", "a-", "a.b", "a_b"])("rejects %j", (v) => {
    expect(checkDnsLabel(v)).toBeTypeOf("string");
  });
});

describe("checkDnsSubdomain", () => {
  it.each(["a", "db-credentials", "a.b.c", "x".repeat(253)])("accepts %j", (v) => {
    expect(checkDnsSubdomain(v)).toBeUndefined();
  });
  it.each(["", "x".repeat(254), "A", "a..b", ".a", "a.", "a_b", "-a.b"])("rejects %j", (v) => {
    expect(checkDnsSubdomain(v)).toBeTypeOf("string");
  });
});
