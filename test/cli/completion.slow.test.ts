import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

/** Real bash sources `berth completion bash` and completes against the example fleet (dist/ via bin/berth.js). */
const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const binDir = mkdtempSync(join(tmpdir(), "berth-completion-"));
symlinkSync(join(repoRoot, "bin/berth.js"), join(binDir, "berth"));
afterAll(() => rmSync(binDir, { recursive: true, force: true }));

function complete(shell: "bash" | "zsh", ...words: string[]): string[] {
  const script = `source <(berth completion ${shell} | sed '/^#compdef/d; /bashcompinit/d')
COMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")}); COMP_CWORD=${words.length - 1}
_berth; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const out = execFileSync("bash", ["-c", script], { cwd: repoRoot, env: { PATH: `${binDir}:${process.env.PATH}` }, encoding: "utf8" });
  return out.split("\n").filter(Boolean).sort();
}

describe("shell completion", () => {
  it("completes commands, subcommands and options", () => {
    expect(complete("bash", "berth", "")).toEqual(expect.arrayContaining(["bootstrap", "completion", "generate", "preview", "validate"]));
    expect(complete("bash", "berth", "keys", "")).toEqual(["generate", "install", "remove", "rotate", "secret"]);
    expect(complete("bash", "berth", "bootstrap", "--d")).toEqual(["--dry-run"]);
    expect(complete("bash", "berth", "completion", "")).toEqual(["bash", "zsh"]);
  });

  it("completes cluster names as the positional argument and after --cluster, app names after --app", () => {
    expect(complete("bash", "berth", "bootstrap", "")).toEqual(["cloud", "laptop", "pi"]);
    expect(complete("bash", "berth", "secrets", "status", "la")).toEqual(["laptop"]);
    expect(complete("bash", "berth", "render", "--cluster", "p")).toEqual(["pi"]);
    expect(complete("bash", "berth", "render", "pi", "--app", "cert-")).toEqual(["cert-manager"]);
  });

  it("completes each command's own --format choices after --format and its short form -o (issue 25, item 16)", () => {
    expect(complete("bash", "berth", "validate", "--format", "")).toEqual(["github", "human", "json"]);
    expect(complete("bash", "berth", "fleet", "-o", "")).toEqual(["json", "markdown"]);
    expect(complete("bash", "berth", "render", "pi", "-o", "j")).toEqual(["json"]);
    expect(complete("bash", "berth", "graph", "--format", "")).toEqual(["json", "mermaid"]);
    expect(complete("bash", "berth", "preview", "--format", "")).toEqual(["markdown", "text"]);
  });

  it("gives zsh the same completion through bashcompinit", () => {
    const script = execFileSync(process.execPath, [join(repoRoot, "bin/berth.js"), "completion", "zsh"], { encoding: "utf8" });
    expect(script.split("\n").slice(0, 2)).toEqual(["#compdef berth", "autoload -U +X bashcompinit && bashcompinit"]);
    expect(complete("zsh", "berth", "graph", "")).toEqual(["cloud", "laptop", "pi"]);
  });
});
