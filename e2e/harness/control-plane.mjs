// A Kubernetes control plane on loopback, from the binaries e2e/tools/build.sh built: etcd,
// kube-apiserver (flags as controller-runtime's envtest uses them), and, from tier 2 on,
// kube-controller-manager, kube-scheduler and kwok with one fake Node. Nothing listens beyond
// 127.0.0.1. The kubeconfig's context is named after the test cluster, as bootstrap requires.
import { $ } from "zx";
import { mkdirSync, writeFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments, stringify } from "yaml";
import { makePki } from "./pki.mjs";
import { freePorts } from "./ports.mjs";
import { start, waitFor, HarnessError } from "./processes.mjs";

const KWOK_MODULE = "sigs.k8s.io/kwok@v0.8.0";
/** Pods with this label stay Pending until the delayed kwok stage makes them Ready: proves waves wait. */
export const HOLD_LABEL = "e2e.berth.dev/hold";
export const HOLD_MS = 20_000;

export async function startControlPlane({ bin, workDir, context, tier }) {
  const logDir = join(workDir, "logs");
  const pkiDir = join(workDir, "pki");
  mkdirSync(logDir, { recursive: true });
  mkdirSync(pkiDir, { recursive: true });
  const pki = await makePki(pkiDir);
  const [etcdClient, etcdPeer, apiPort] = await freePorts(3);

  const etcd = start("etcd", join(bin, "etcd"), [
    `--data-dir=${join(workDir, "etcd")}`,
    `--listen-client-urls=http://127.0.0.1:${etcdClient}`,
    `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
    `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
    `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
    `--initial-cluster=default=http://127.0.0.1:${etcdPeer}`,
    "--unsafe-no-fsync",
    "--quota-backend-bytes=4294967296",
  ], { logDir });

  const server = `https://127.0.0.1:${apiPort}`;
  const apiserver = start("kube-apiserver", join(bin, "kube-apiserver"), [
    `--etcd-servers=http://127.0.0.1:${etcdClient}`,
    `--secure-port=${apiPort}`,
    "--bind-address=127.0.0.1",
    "--service-cluster-ip-range=10.96.0.0/16",
    "--allow-privileged=true",
    "--authorization-mode=Node,RBAC",
    `--client-ca-file=${pki.ca}`,
    `--tls-cert-file=${pki.serverCert}`,
    `--tls-private-key-file=${pki.serverKey}`,
    "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
    `--service-account-key-file=${pki.saPub}`,
    `--service-account-signing-key-file=${pki.saKey}`,
    "--enable-priority-and-fairness=false",
    "--endpoint-reconciler-type=none",
    // A new Node gets no not-ready taint (nothing would lift it: no node lifecycle controller).
    "--disable-admission-plugins=TaintNodesByCondition",
    `--cert-dir=${pkiDir}`,
  ], { logDir });

  const kubeconfig = join(workDir, "kubeconfig");
  writeFileSync(kubeconfig, stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: context, cluster: { server, "certificate-authority": pki.ca } }],
    users: [{ name: "admin", user: { "client-certificate": pki.adminCert, "client-key": pki.adminKey } }],
    contexts: [{ name: context, context: { cluster: context, user: "admin" } }],
    "current-context": context,
  }));
  const kubectl = $({ quiet: true, env: { ...process.env, KUBECONFIG: kubeconfig } });
  await waitFor("the API server to answer /readyz", async () => (await kubectl`kubectl get --raw /readyz`.nothrow()).exitCode === 0, { timeoutMs: 120_000, watch: [apiserver, etcd] });
  await waitFor("the default namespace", async () => (await kubectl`kubectl get namespace default`.nothrow()).exitCode === 0, { timeoutMs: 60_000, watch: [apiserver] });
  const procs = [etcd, apiserver];

  if (tier >= 2) {
    procs.push(start("kube-controller-manager", join(bin, "kube-controller-manager"), [
      `--kubeconfig=${kubeconfig}`,
      "--leader-elect=false",
      "--bind-address=127.0.0.1",
      "--secure-port=0",
      `--root-ca-file=${pki.ca}`,
      `--service-account-private-key-file=${pki.saKey}`,
      "--use-service-account-credentials=true",
      // No node lifecycle controller: on a loaded machine a late kwok heartbeat would have it mark
      // the Node NotReady and every pod on it Ready=False for good (kwok's stages only make
      // Pending pods Ready). The not-ready taint it would lift is never added (see the API server).
      "--controllers=*,-nodeipam,-nodelifecycle", // the cloud controllers are gone from kube-controller-manager since 1.37
      "--concurrent-deployment-syncs=10",
      `--flex-volume-plugin-dir=${join(workDir, "flexvolume")}`,
    ], { logDir }));
    procs.push(start("kube-scheduler", join(bin, "kube-scheduler"), [
      `--kubeconfig=${kubeconfig}`,
      "--leader-elect=false",
      "--bind-address=127.0.0.1",
      "--secure-port=0",
    ], { logDir }));
    const kwokConfig = await writeKwokConfig(workDir);
    procs.push(start("kwok", join(bin, "kwok"), [
      `--kubeconfig=${kubeconfig}`,
      `--config=${kwokConfig}`,
      "--manage-all-nodes=false",
      "--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake",
      "--node-ip=127.0.0.1",
      "--server-address=127.0.0.1:0",
      "--cidr=10.244.0.0/16",
    ], { logDir }));
    await kubectl({ input: stringify(fakeNode()) })`kubectl apply -f -`;
    await waitFor("the fake node to become Ready", async () => {
      const r = await kubectl`kubectl get node kwok-node-0 -o jsonpath=${'{.status.conditions[?(@.type=="Ready")].status}'}`.nothrow();
      return r.stdout.trim() === "True";
    }, { timeoutMs: 60_000, watch: procs });
  }
  return { server, kubeconfig, pki, procs, logDir, kubectl };
}

function fakeNode() {
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name: "kwok-node-0",
      annotations: { "kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0" },
      labels: { "kubernetes.io/hostname": "kwok-node-0", "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64", type: "kwok", "node-role.kubernetes.io/agent": "" },
    },
    spec: {},
    status: {
      allocatable: { cpu: "32", memory: "256Gi", pods: "1000" },
      capacity: { cpu: "32", memory: "256Gi", pods: "1000" },
      nodeInfo: { architecture: "amd64", kubeletVersion: "fake", operatingSystem: "linux" },
      phase: "Running",
    },
  };
}

/**
 * kwok's standalone binary loads no stages: pass the `fast` node and pod stages that ship in its
 * module, plus a delayed copy of pod-ready for pods labelled HOLD_LABEL (the wave test).
 */
async function writeKwokConfig(workDir) {
  const modcache = (await $({ quiet: true })`go env GOMODCACHE`).stdout.trim();
  const stageDir = join(modcache, KWOK_MODULE, "kustomize", "stage");
  const read = (p) => parseAllDocuments(readFileSync(join(stageDir, p), "utf8")).map((d) => d.toJS());
  let docs;
  try {
    docs = [...read("node/fast/node-initialize.yaml"), ...read("node/heartbeat-with-lease/node-heartbeat-with-lease.yaml"), ...read("pod/fast/pod-ready.yaml"), ...read("pod/fast/pod-complete.yaml"), ...read("pod/fast/pod-delete.yaml")];
  } catch (e) {
    throw new HarnessError("kwok", `its stage files are missing from the Go module cache (${stageDir}): run e2e/tools/build.sh (${e.message})`);
  }
  const ready = docs.find((d) => d.metadata.name === "pod-ready");
  const held = structuredClone(ready);
  held.metadata.name = "pod-ready-held";
  held.spec.selector.matchExpressions.push({ key: `.metadata.labels["${HOLD_LABEL}"]`, operator: "In", values: ["true"] });
  held.spec.delay = { durationMilliseconds: HOLD_MS };
  ready.spec.selector.matchExpressions.push({ key: `.metadata.labels["${HOLD_LABEL}"]`, operator: "DoesNotExist" });
  docs.push(held);
  const file = join(workDir, "kwok-stages.yaml");
  writeFileSync(file, docs.map((d) => stringify(d)).join("---\n"));
  return file;
}
