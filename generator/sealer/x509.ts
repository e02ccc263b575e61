import { webcrypto } from "node:crypto";
import { createRequire } from "node:module";
import type * as X509 from "@peculiar/x509";

const require = createRequire(import.meta.url);
let loaded: typeof X509 | undefined;

/**
 * @peculiar/x509, loaded on first use: with its dependencies it is a fifth of a second of every
 * start (more than the rest of `berth validate`'s modules), and most runs read no certificate.
 * It resolves its algorithm providers through tsyringe, which needs the Reflect metadata polyfill
 * loaded before the library itself.
 */
export function x509(): typeof X509 {
  if (!loaded) {
    require("reflect-metadata");
    loaded = require("@peculiar/x509") as typeof X509;
    loaded.cryptoProvider.set(webcrypto as unknown as Crypto);
  }
  return loaded;
}
