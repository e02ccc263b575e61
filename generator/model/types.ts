import type { FromSchema } from "json-schema-to-ts";
import type { appSchema } from "./schema/app.schema.js";
import type { clusterSchema } from "./schema/cluster.schema.js";

/** cluster.yaml as validated by its JSON Schema. */
export type ClusterSpec = FromSchema<typeof clusterSchema>;
/** app.yaml as validated by its JSON Schema. */
export type AppSpec = FromSchema<typeof appSchema>;

export type Profile = ClusterSpec["profile"];
export type Layer = AppSpec["layer"];
export type AppSource = AppSpec["source"];
export type ClusterAppEntry = ClusterSpec["apps"][number];
export type Replicas = NonNullable<NonNullable<AppSpec["resources"]>[number]["replicas"]>;

export const LAYERS: readonly Layer[] = ["platform", "infra", "monitoring", "apps"];
