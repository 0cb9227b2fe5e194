import { dockerNamePattern } from "../../model/names.js";

/**
 * The names the lan strategy puts into a shell script and into Docker: each is
 * checked against what the kernel or Docker accepts, which also keeps every
 * shell metacharacter out (the script quotes them anyway).
 */

/** Linux interface names: at most 15 bytes (IFNAMSIZ 16 with the NUL); eth0, enp3s0, eth0.100, br-lan. */
const interfacePattern = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$/;

/** Swarm node names are host names: RFC 1123 labels, plus `_` which some hosts use. */
const nodePattern = /^[A-Za-z0-9](?:[A-Za-z0-9_-]{0,62})(?:\.[A-Za-z0-9](?:[A-Za-z0-9_-]{0,62}))*$/;

export function interfaceNameProblem(name: string): string | undefined {
  if (interfacePattern.test(name)) return undefined;
  return (
    `invalid interface name ${JSON.stringify(name)}: expected 1-15 characters of letters, digits, "_", "." or ` +
    `"-", starting with a letter or digit (e.g. eth0, enp3s0, eth0.100)`
  );
}

export function networkNameProblem(name: string): string | undefined {
  // Docker's name rule, and 2-64 characters for a network it creates.
  if (dockerNamePattern.test(name) && name.length >= 2 && name.length <= 64) return undefined;
  return (
    `invalid network name ${JSON.stringify(name)}: Docker accepts 2-64 characters of letters, digits, "_", "." ` +
    `or "-", starting with a letter or digit`
  );
}

export function nodeNameProblem(name: string): string | undefined {
  if (nodePattern.test(name) && name.length <= 253) return undefined;
  return (
    `invalid node name ${JSON.stringify(name)}: expected a host name as \`docker node ls\` shows it (letters, ` +
    `digits, "-", "_", dot-separated)`
  );
}
