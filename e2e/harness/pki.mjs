// Certificates for a loopback control plane, made with openssl: a cluster CA, the API server's
// serving certificate (valid for 127.0.0.1 and the in-cluster names), an admin client certificate
// in system:masters, and the service-account signing key pair.
import { $ } from "zx";
import { join } from "node:path";
import { writeFileSync } from "node:fs";

export async function makePki(dir) {
  const f = (name) => join(dir, name);
  const q = $({ quiet: true, cwd: dir });
  await q`openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=berth-e2e-ca -keyout ${f("ca.key")} -out ${f("ca.crt")}`;
  writeFileSync(
    f("apiserver.ext"),
    "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc\nextendedKeyUsage=serverAuth\n",
  );
  await q`openssl req -newkey rsa:2048 -nodes -subj /CN=kube-apiserver -keyout ${f("apiserver.key")} -out ${f("apiserver.csr")}`;
  await q`openssl x509 -req -in ${f("apiserver.csr")} -CA ${f("ca.crt")} -CAkey ${f("ca.key")} -CAcreateserial -days 2 -extfile ${f("apiserver.ext")} -out ${f("apiserver.crt")}`;
  writeFileSync(f("client.ext"), "extendedKeyUsage=clientAuth\n");
  await q`openssl req -newkey rsa:2048 -nodes -subj ${"/O=system:masters/CN=berth-e2e-admin"} -keyout ${f("admin.key")} -out ${f("admin.csr")}`;
  await q`openssl x509 -req -in ${f("admin.csr")} -CA ${f("ca.crt")} -CAkey ${f("ca.key")} -CAcreateserial -days 2 -extfile ${f("client.ext")} -out ${f("admin.crt")}`;
  await q`openssl genrsa -out ${f("sa.key")} 2048`;
  await q`openssl rsa -in ${f("sa.key")} -pubout -out ${f("sa.pub")}`;
  return { ca: f("ca.crt"), caKey: f("ca.key"), serverCert: f("apiserver.crt"), serverKey: f("apiserver.key"), adminCert: f("admin.crt"), adminKey: f("admin.key"), saKey: f("sa.key"), saPub: f("sa.pub") };
}
