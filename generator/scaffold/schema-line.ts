/** The first line of every hand-written file berth scaffolds: editors then validate it as you type. */
export function schemaLine(kind: "cluster" | "app"): string {
  return `# yaml-language-server: $schema=../../generator/schemas/${kind}.schema.json\n`;
}
