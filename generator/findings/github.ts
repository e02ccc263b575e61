import type { Finding } from "./finding.js";

// GitHub's workflow-command escaping (actions/toolkit, command.ts): the message may not hold raw
// line breaks or a literal %, and a property value additionally no `:` or `,`, which delimit them.
const escapeData = (s: string) => s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");

/** `::error file=…,line=…,col=…,title=…::message`: GitHub annotates the line on the pull request's diff. */
export function workflowCommand(f: Finding, title: string): string {
  const props = [`file=${escapeProperty(f.file)}`, `line=${f.line}`, `col=${f.col}`, `title=${escapeProperty(title)}`].join(",");
  return `::${f.severity} ${props}::${escapeData(f.fix ? `${f.message}\nfix: ${f.fix}` : f.message)}`;
}
