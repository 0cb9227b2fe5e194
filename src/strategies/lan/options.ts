import * as z from "../../zod.js";
import { formatAddress, parseAddress, parseCidr } from "./ipv4.js";
import { interfaceNameProblem, networkNameProblem, nodeNameProblem } from "./names.js";

/** Each value is checked on its own here, so that an error points at the value in the file. */
const checked = (problem: (value: string) => string | undefined) =>
  z.string().check(
    z.superRefine((value, ctx) => {
      const message = problem(value);
      if (message) ctx.addIssue({ code: "custom", message });
    }),
  );

function cidrProblem(value: string): string | undefined {
  if (value.includes(":"))
    return (
      `${JSON.stringify(value)}: IPv6 is not supported by the lan strategy; give an IPv4 block such as ` +
      "192.168.50.0/24"
    );
  const parsed = parseCidr(value);
  if (!parsed)
    return `invalid CIDR ${JSON.stringify(value)}: expected an IPv4 block such as 192.168.50.0/24 (no leading zeros)`;
  if (parsed.hostBits) {
    return (
      `${JSON.stringify(value)} has host bits set; the block ` +
      `${value.replace(/^[^/]+/, formatAddress(parsed.cidr.base))} starts at its network address`
    );
  }
  return undefined;
}

function addressProblem(value: string): string | undefined {
  if (parseAddress(value) !== undefined) return undefined;
  return (
    `invalid IPv4 address ${JSON.stringify(value)}: expected four numbers 0-255 such as 192.168.50.1 (no ` +
    "leading zeros)"
  );
}

/** A path beside the stack file: never absolute, never out of its folder, since the file itself may name it. */
function scriptPathProblem(value: string): string | undefined {
  const parts = value.split(/[\\/]/);
  if (
    value.length > 0 &&
    !/^[\\/]/.test(value) &&
    !/^[A-Za-z]:/.test(value) &&
    !parts.includes("..") &&
    !/[\0\n\r]/.test(value)
  )
    return undefined;
  return `invalid script path ${JSON.stringify(value)}: give a path relative to the stack file's folder, without ".."`;
}

const ipRanges = z.record(z.string(), checked(cidrProblem)).check(
  z.superRefine((ranges, ctx) => {
    for (const node of Object.keys(ranges)) {
      const message = nodeNameProblem(node);
      if (message) ctx.addIssue({ code: "custom", message, path: [node] });
    }
  }),
);

export const lanOptions = z.object({
  driver: z
    ._default(z.enum(["macvlan", "ipvlan"]), "macvlan")
    .check(
      z.describe(
        "the network driver: macvlan (each task gets its own MAC address) or ipvlan (tasks share the " +
          "parent's MAC address)",
      ),
    ),
  ipvlanMode: z
    .optional(z.enum(["l2", "l3"]))
    .check(
      z.describe(
        "ipvlan only: l2 (default, same broadcast domain as the LAN) or l3 (routed; needs a route on the LAN's router)",
      ),
    ),
  parent: z
    .optional(checked(interfaceNameProblem))
    .check(z.describe("required: the parent interface on every node, e.g. eth0 or eth0.100")),
  subnet: z.optional(checked(cidrProblem)).check(z.describe("required: the LAN's IPv4 subnet, e.g. 192.168.50.0/24")),
  gateway: z
    .optional(checked(addressProblem))
    .check(
      z.describe(
        "the LAN's router; without it, Engine 29 and later give the containers no default route " +
          "(moby/moby#50929), older engines took the subnet's first address",
      ),
    ),
  network: z
    .optional(checked(networkNameProblem))
    .check(
      z.describe(
        "the swarm-scoped network's name; default: PARENT-lan (one macvlan/ipvlan network per parent interface)",
      ),
    ),
  ipRanges: z
    .optional(ipRanges)
    .check(
      z.describe(
        "the addresses each node hands out, {NODE: CIDR}, inside the subnet and not overlapping; --lan-range NODE=CIDR",
      ),
    ),
  script: z
    .optional(checked(scriptPathProblem))
    .check(z.describe("where the setup script goes, relative to the stack file's folder; default: STACK.lan-setup.sh")),
});

export type LanOptions = z.infer<typeof lanOptions>;
