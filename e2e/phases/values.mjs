// $values: the greeter's message exists only in apps/greeter/values.yaml in Git.
import { AssertionFailure } from "../harness/processes.mjs";

export const greeterMessage = async (kubectl, namespace = "greeter") => (await kubectl`kubectl -n ${namespace} get configmap greeter -o jsonpath=${"{.data.message}"}`.nothrow()).stdout;

export async function values(ctx) {
  const message = await greeterMessage(ctx.kubectl);
  if (message !== "from-the-values-file-in-git") throw new AssertionFailure(`greeter's ConfigMap says ${JSON.stringify(message)}, not the value from apps/greeter/values.yaml: $values did not resolve`);
  ctx.log("$values: the remote chart rendered with the values file from Git");
}
