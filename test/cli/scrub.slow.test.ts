import { describe, expect, it } from "vitest";
import { scrubSecrets } from "../../generator/scrub.js";

describe("scrubbing is case-insensitive and URL-aware (issue 11, item 5)", () => {
  it("removes Authorization headers in any case and scheme", () => {
    expect(scrubSecrets("extraheader = AUTHORIZATION: basic eC1hY2Nlc3MtdG9rZW46Z2hzX3h4eA==")).toBe("extraheader = AUTHORIZATION: basic ***");
    expect(scrubSecrets("Authorization: bearer abc.def.ghi")).toBe("Authorization: bearer ***");
    expect(scrubSecrets("authorization=tok3n-without-scheme")).toBe("authorization=***");
  });

  it("removes access tokens in URL fragments", () => {
    expect(scrubSecrets("https://app.example.com/cb#access_token=ya29.secret&state=1")).toBe("https://app.example.com/cb#access_token=***&state=1");
  });

  it("removes GitLab tokens", () => {
    expect(scrubSecrets("push with glpat-AbCdEfGhIjKlMnOpQrSt failed")).toBe("push with *** failed");
  });

  it("removes a password that contains @ whole", () => {
    expect(scrubSecrets("clone https://deploy:Pa55@word!@git.example.com/r.git")).toBe("clone https://***@git.example.com/r.git");
    expect(scrubSecrets("postgres://app:p@ss@db.example.com:5432/app")).toBe("postgres://***@db.example.com:5432/app");
  });

  it("leaves digests and e-mail-like paths after the host alone", () => {
    const s = "oci://ghcr.io/a/b@sha256:00 and https://h.example.com/u/me@example.com; authorization failed";
    expect(scrubSecrets(s)).toBe(s);
  });
});
