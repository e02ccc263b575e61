import type { Profile } from "../model/types.js";

/**
 * The sealing-key renewal policy, per profile. The controller's own renewal stays off everywhere
 * (the sealed-secrets app sets keyrenewperiod: "0") and `berth keys rotate` on a schedule is the
 * policy, because a key the controller makes itself exists only inside the cluster: it is in no
 * backup, its certificate is not in Git (so `berth seal` and pull-request checks would seal with
 * a certificate the controller no longer prefers, and nothing would tell), and a rebuilt cluster
 * (kind delete, a Pi's SD card, a cloud cluster re-created from Git) could not open what was sealed
 * with it. `keys rotate` writes the new private key where the operator backs it up, installs it,
 * proves the controller holds it, and only then commits the certificate.
 *
 * - kind: no schedule. A laptop cluster is rebuilt from Git and the key file at will, holds no
 *   one else's secrets, and rotating there only proves the procedure. Rotate on a leak.
 * - k3s: yearly. A small cluster run by one person; the key lives on a laptop and in a backup.
 * - cloud: every 90 days, and whenever someone who had the key leaves: a team's cluster, whose key
 *   has been on more machines.
 *
 * A leaked private key is rotated at once, on every profile, together with the secret values
 * themselves: whoever has the old key and the Git history can open every SealedSecret ever
 * sealed with it (docs/rotating-keys.md).
 */
export const ROTATE_AFTER_DAYS: Readonly<Record<Profile, number | undefined>> = { kind: undefined, k3s: 365, cloud: 90 };

/** A note when the active certificate is older than the profile's rotation period. */
export function renewalNote(cluster: string, profile: Profile, notBefore: Date, now: Date): string | undefined {
  const days = ROTATE_AFTER_DAYS[profile];
  if (days === undefined) return undefined;
  const age = Math.floor((now.getTime() - notBefore.getTime()) / 86_400_000);
  if (age < days) return undefined;
  return `${cluster}: the active sealing certificate is ${age} days old; the ${profile} profile rotates every ${days} days: berth keys rotate ${cluster} --out <new key file> --context <context> --key <current key file>`;
}
