import type { ClusterSpec } from "./types.js";

/** The notifications block of cluster.yaml. */
export type Notify = NonNullable<ClusterSpec["notify"]>;

/** The Secret Argo CD's notifications controller reads `$key` references from. */
export const NOTIFICATIONS_SECRET = "argocd-notifications-secret";

/** Keys of the sealed notifications Secret. */
export const NOTIFY_KEYS = {
  githubToken: "github-token",
  githubPrivateKey: "github-privateKey",
  slackToken: "slack-token",
  webhookUrl: "webhook-url",
} as const;

/** The keys the cluster's notifications Secret must hold, sorted. */
export function notifySecretKeys(notify: Notify): string[] {
  const keys: string[] = [notify.github.app ? NOTIFY_KEYS.githubPrivateKey : NOTIFY_KEYS.githubToken];
  if (notify.slack) keys.push(NOTIFY_KEYS.slackToken);
  if (notify.webhook) keys.push(NOTIFY_KEYS.webhookUrl);
  return keys.sort();
}
