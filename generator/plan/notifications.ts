import type { Cluster } from "../model/fleet.js";
import { NOTIFICATIONS_SECRET, NOTIFY_KEYS, notifySecretKeys, type Notify } from "../model/notify-secret.js";
import { toYaml } from "../yaml/canonical.js";

// The Secret's name and keys are part of the model (the secrets a cluster declares): defined there.
export { NOTIFICATIONS_SECRET, NOTIFY_KEYS, notifySecretKeys, type Notify };

/**
 * Everything berth knows about Argo CD's notifications controller, in one place: the keys of
 * argocd-notifications-cm (as the argo-helm chart's `notifications.*` values take them), the
 * triggers and templates that post commit statuses, and the subscription annotations.
 *
 * Statuses, by design (docs/after-a-push.md):
 * - the root Application posts `berth/<cluster>`: pending when it first sees a revision, then
 *   success when it is Synced and Healthy at that revision (berth's Application health check makes
 *   the root Healthy only when its children are), or failure with Argo CD's message;
 * - child Applications post only failures, as `berth/<cluster>/<app>`, so a large fleet cannot
 *   run into GitHub's secondary rate limits on content creation.
 */

/** The annotation the notifications controller records what it sent in (notifications-engine's StateItemKey). */
const NOTIFIED_ANNOTATION = "notified.notifications.argoproj.io";
const SUBSCRIBE = "notifications.argoproj.io/subscribe";

/** Trigger names (argocd-notifications-cm `trigger.<name>`). */
export const TRIGGERS = {
  rootRevision: "on-berth-revision",
  rootDeployed: "on-berth-deployed",
  rootFailed: "on-berth-failed",
  appFailed: "on-berth-app-failed",
} as const;

/** Service names (argocd-notifications-cm `service.<type>[.<name>]`). */
const GITHUB_WEBHOOK = "berth-github";
const FAILURE_WEBHOOK = "berth-failures";

export const statusContext = (cluster: string, app?: string): string => (app ? `berth/${cluster}/${app}` : `berth/${cluster}`);

// expr (Argo CD trigger conditions). A revision counts as "announced" once the controller has
// recorded sending its pending status (notifications-engine's state key starts with the oncePer
// value and the trigger name): success and failure wait for it, so GitHub never shows a pending
// status after the final one for the same commit (the root can look Synced and Healthy at a new
// revision a moment before its children have noticed it).
const REVISION = "app.status?.sync?.revision";
// A status goes to a commit: an Application whose comparison has not yet recorded one (a sync can
// fail before it does) has nothing to post to, and a status to an empty SHA is a request GitHub
// refuses. A multi-source child's commit is the one full SHA among its revisions (as COMMIT below).
const SHA = "'^[0-9a-f]{40}$'";
const ROOT_COMMIT = `(${REVISION} ?? '') matches ${SHA}`;
const APP_COMMIT = `(${ROOT_COMMIT} or any(app.status?.sync?.revisions ?? [], {(# ?? '') matches ${SHA}}))`;
const ANNOUNCED = `((app.metadata?.annotations ?? {})['${NOTIFIED_ANNOTATION}'] ?? '') contains ((${REVISION} ?? '') + ':${TRIGGERS.rootRevision}:')`;
// A sync that Argo CD retries stays in phase Running with a retry count: a failure all the same.
const OPERATION_FAILING = "(app.status?.operationState != nil and (app.status.operationState.phase in ['Error', 'Failed'] or (app.status.operationState.phase == 'Running' and (app.status.operationState.retryCount ?? 0) > 0)))";
const DEGRADED = "app.status?.health?.status == 'Degraded'";
/** A child's revision: a multi-source Application has a list. */
const APP_REVISION = "app.status?.sync?.revision ?? join(app.status?.sync?.revisions ?? [], ',')";

function triggers(): Record<string, string> {
  const trigger = (when: string, oncePer: string, send: string, description: string) => toYaml([{ description, oncePer, send: [send], when }]);
  return {
    [`trigger.${TRIGGERS.rootRevision}`]: trigger(ROOT_COMMIT, REVISION, "berth-pending", "berth: the root Application sees a new revision"),
    [`trigger.${TRIGGERS.rootDeployed}`]: trigger(`${ROOT_COMMIT} and app.status?.sync?.status == 'Synced' and app.status?.health?.status == 'Healthy' and ${ANNOUNCED}`, REVISION, "berth-success", "berth: the cluster is Synced and Healthy at the revision"),
    [`trigger.${TRIGGERS.rootFailed}`]: trigger(`${ROOT_COMMIT} and (${OPERATION_FAILING} or ${DEGRADED}) and ${ANNOUNCED}`, REVISION, "berth-failure", "berth: the root Application failed at the revision"),
    [`trigger.${TRIGGERS.appFailed}`]: trigger(`${APP_COMMIT} and (${OPERATION_FAILING} or ${DEGRADED})`, APP_REVISION, "berth-app-failure", "berth: an Application's sync failed or it is Degraded"),
  };
}

// Go templates (Argo CD notification templates, with Sprig). Each sets $msg, then uses it. Argo CD
// puts a refused resource's reason on the resource's result, not on the operation: the first
// failed resource's reason wins over the operation's message, which wins over the health message.
const ARGO_MESSAGE = [
  `{{- $op := dig "status" "operationState" "message" "" .app -}}`,
  `{{- $msg := $op -}}`,
  `{{- range (dig "status" "operationState" "syncResult" "resources" list .app) }}{{ if and (eq (toString .status) "SyncFailed") (eq $msg $op) }}{{ $msg = printf "%s %s: %s" (toString .kind) (toString .name) (toString .message) }}{{ end }}{{ end -}}`,
  `{{- if eq $msg "" }}{{ $msg = printf "health %s: %s" (dig "status" "health" "status" "" .app) (dig "status" "health" "message" "" .app) }}{{ end -}}`,
].join("\n");
/** The Git commit: a multi-source Application's is the one full SHA among its revisions. */
const COMMIT = `{{- $sha := dig "status" "sync" "revision" "" .app -}}{{- range (dig "status" "sync" "revisions" list .app) }}{{ if regexMatch "^[0-9a-f]{40}$" (toString .) }}{{ $sha = toString . }}{{ end }}{{ end -}}`;

interface StatusTemplate {
  name: string;
  state: "pending" | "success" | "failure";
  context: string;
  /** Go template that sets $msg. */
  message: string;
}

function statusTemplates(cluster: string): StatusTemplate[] {
  const fixed = (text: string) => `{{- $msg := ${JSON.stringify(text)} -}}`;
  return [
    { name: "berth-pending", state: "pending", context: statusContext(cluster), message: fixed(`Argo CD on ${cluster} is deploying this commit`) },
    { name: "berth-success", state: "success", context: statusContext(cluster), message: fixed(`Synced and Healthy on ${cluster}`) },
    { name: "berth-failure", state: "failure", context: statusContext(cluster), message: ARGO_MESSAGE },
    { name: "berth-app-failure", state: "failure", context: `${statusContext(cluster)}/{{ .app.metadata.name }}`, message: ARGO_MESSAGE },
  ];
}

function template(cluster: string, t: StatusTemplate, notify: Notify): string {
  const targetUrl = notify.argocdUrl ? `${notify.argocdUrl.replace(/\/+$/, "")}/applications/argocd/{{ .app.metadata.name }}` : undefined;
  const out: Record<string, unknown> = { message: `${t.message}{{ $msg }}` };
  const webhook: Record<string, unknown> = {};
  if (notify.github.app) {
    // Argo CD's github service: it truncates the message to GitHub's 140 characters itself.
    out.github = {
      repoURLPath: `https://github.com/${notify.github.repository}`,
      revisionPath: `${COMMIT}{{ $sha }}`,
      status: { state: t.state, label: t.context, ...(targetUrl ? { targetURL: targetUrl } : {}) },
    };
  } else {
    // GitHub's "Create a commit status", POST /repos/{owner}/{repo}/statuses/{sha}; its
    // description is at most 140 characters.
    webhook[GITHUB_WEBHOOK] = {
      method: "POST",
      path: `${COMMIT}/repos/${notify.github.repository}/statuses/{{ $sha }}`,
      body: `${t.message}\n{"state": "${t.state}", "context": "${t.context}", "description": {{ $msg | trunc 140 | toJson }}${targetUrl ? `, "target_url": "${targetUrl}"` : ""}}`,
    };
  }
  if (t.state === "failure" && notify.webhook) {
    webhook[FAILURE_WEBHOOK] = {
      method: "POST",
      body: `${t.message}\n${COMMIT}\n{"cluster": "${cluster}", "application": "{{ .app.metadata.name }}", "revision": "{{ $sha }}", "message": {{ $msg | toJson }}}`,
    };
  }
  if (Object.keys(webhook).length > 0) out.webhook = webhook;
  return toYaml(out);
}

function services(notify: Notify): Record<string, string> {
  const out: Record<string, string> = {};
  const api = notify.github.api ?? DEFAULT_API;
  if (notify.github.app) {
    out["service.github"] = toYaml({
      appID: notify.github.app.id,
      installationID: notify.github.app.installationId,
      privateKey: `$${NOTIFY_KEYS.githubPrivateKey}`,
      ...(api !== DEFAULT_API ? { enterpriseBaseURL: api } : {}),
    });
  } else {
    out[`service.webhook.${GITHUB_WEBHOOK}`] = toYaml({
      url: api,
      headers: [
        { name: "Accept", value: "application/vnd.github+json" },
        { name: "Authorization", value: `token $${NOTIFY_KEYS.githubToken}` },
        { name: "Content-Type", value: "application/json" },
        { name: "X-GitHub-Api-Version", value: "2022-11-28" },
      ],
    });
  }
  if (notify.slack) out["service.slack"] = toYaml({ token: `$${NOTIFY_KEYS.slackToken}` });
  if (notify.webhook) out[`service.webhook.${FAILURE_WEBHOOK}`] = toYaml({ url: `$${NOTIFY_KEYS.webhookUrl}`, headers: [{ name: "Content-Type", value: "application/json" }] });
  return out;
}

const DEFAULT_API = "https://api.github.com";

/** The failure destinations besides GitHub: [service, recipient]. */
function failureDestinations(notify: Notify): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  if (notify.slack) out.push(["slack", notify.slack.channel]);
  if (notify.webhook) out.push([FAILURE_WEBHOOK, ""]);
  return out;
}

const githubService = (notify: Notify) => (notify.github.app ? "github" : GITHUB_WEBHOOK);

/**
 * The argo-helm chart's `notifications` values: argocd-notifications-cm's services, templates and
 * triggers. The Secret is berth's SealedSecret, so the chart must not create its own.
 */
export function notificationValues(cluster: Cluster): Record<string, unknown> | undefined {
  const notify = cluster.spec.notify;
  if (!notify) return undefined;
  const templates: Record<string, string> = {};
  for (const t of statusTemplates(cluster.name)) templates[`template.${t.name}`] = template(cluster.name, t, notify);
  return {
    notifications: {
      enabled: true,
      ...(notify.argocdUrl ? { argocdUrl: notify.argocdUrl } : {}),
      secret: { create: false },
      notifiers: services(notify),
      templates,
      triggers: triggers(),
    },
  };
}

/** Subscription annotations of the root Application: the cluster's status; failures also elsewhere. */
export function rootSubscriptions(cluster: Cluster): Record<string, string> {
  const notify = cluster.spec.notify;
  if (!notify) return {};
  const gh = githubService(notify);
  const out: Record<string, string> = {
    [`${SUBSCRIBE}.${TRIGGERS.rootRevision}.${gh}`]: "",
    [`${SUBSCRIBE}.${TRIGGERS.rootDeployed}.${gh}`]: "",
    [`${SUBSCRIBE}.${TRIGGERS.rootFailed}.${gh}`]: "",
  };
  for (const [service, recipient] of failureDestinations(notify)) out[`${SUBSCRIBE}.${TRIGGERS.rootFailed}.${service}`] = recipient;
  return out;
}

/** Subscription annotations of a child Application: failures only. */
export function appSubscriptions(cluster: Cluster): Record<string, string> {
  const notify = cluster.spec.notify;
  if (!notify) return {};
  const out: Record<string, string> = { [`${SUBSCRIBE}.${TRIGGERS.appFailed}.${githubService(notify)}`]: "" };
  for (const [service, recipient] of failureDestinations(notify)) out[`${SUBSCRIBE}.${TRIGGERS.appFailed}.${service}`] = recipient;
  return out;
}
