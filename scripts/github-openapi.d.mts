// Types for scripts/github-openapi.mjs, so the tests can import it.
export interface OperationFixture {
  method: string;
  path: string;
  parameters: Array<{ name: string; in: string; required: boolean; schema: object }>;
  requestBody?: { required: boolean; schema: object };
  responses: Record<string, { schema?: object; headers?: string[] }>;
}
export interface OpenapiFixture {
  source: string;
  generatedBy: string;
  operations: Record<string, OperationFixture>;
}
export const OPERATIONS: string[];
export const FIXTURE: string;
export function extractOperations(spec: unknown, version: string): OpenapiFixture;
export function findPackage(repoRoot: string, env?: NodeJS.ProcessEnv): string | undefined;
export function extractFromPackage(dir: string): OpenapiFixture;
export function serialise(fixture: OpenapiFixture): string;
