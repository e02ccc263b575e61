// Types for scripts/preview-job-time.mjs, so the tests can import it.
export const STEPS: Array<{ label: string; cwd: "berth" | "."; command: string }>;
export const REPORT_LINE: RegExp;
