import { Option, type Command } from "commander";
import { EnvironmentError } from "./errors.js";

/**
 * What every berth command shares on the command line: an `Examples:` block in its --help, and
 * the cluster as a positional argument (`berth bootstrap pi`) with `--cluster` kept as a synonym.
 */

/** Appends an `Examples:` block to a command's --help. */
export function withExamples(cmd: Command, examples: readonly string[]): Command {
  return cmd.addHelpText("after", examplesText(examples));
}

/** The `Examples:` section of a command's --help. */
export function examplesText(examples: readonly string[]): string {
  return `\nExamples:\n${examples.map((e) => `  $ ${e}`).join("\n")}\n`;
}

/** Declares `[cluster]` and `--cluster <name>` on a command. */
export function withCluster(cmd: Command, description: string): Command {
  return cmd.argument("[cluster]", description).option("--cluster <name>", `${description} (same as the positional argument)`);
}

/**
 * Declares `-o, --format <format>` (the first format the default): `-o` as kubectl and helm spell
 * it. Only on commands without an `--out`, where `-o` could be read as one.
 */
export function withFormat(cmd: Command, formats: readonly string[], description: string): Command {
  return cmd.addOption(new Option("-o, --format <format>", description).choices(formats).default(formats[0]));
}

/** The --format description of the commands that report findings (runWithFindings). */
export const FINDINGS_FORMATS = ["human", "github", "json"] as const;
export const FINDINGS_FORMAT_HELP = "human, or github (workflow commands: annotations on the pull request) or json (one array of findings)";

/** The cluster from the positional argument or --cluster; both given must agree. */
export function clusterOf(command: string, positional: string | undefined, option: string | undefined, required: true): string;
export function clusterOf(command: string, positional: string | undefined, option: string | undefined, required: false): string | undefined;
export function clusterOf(command: string, positional: string | undefined, option: string | undefined, required: boolean): string | undefined {
  if (positional !== undefined && option !== undefined && positional !== option) {
    throw new EnvironmentError(`the cluster is given twice, as ${positional} and as --cluster ${option}`, `give it once: berth ${command} ${positional}`);
  }
  const cluster = positional ?? option;
  if (required && cluster === undefined) throw new EnvironmentError(`berth ${command} needs a cluster`, `name it: berth ${command} <cluster> (or --cluster <cluster>)`);
  return cluster;
}
