import {
  kept,
  lost,
  offTheHost,
  portText,
  published,
  type FlowReasoning,
  type Placement,
} from "../../analysis/flows.js";

const lostBroadcastIn =
  "a published port gets a broadcast only through docker-proxy, with the sender's address replaced, and not " +
  "at all with userland-proxy: false; use --strategy proxy (inbound)";

/** The service publishes its host ports at the same numbers, on the node that runs it; broadcasts stay behind. */
export function publishFlows(at: Placement<undefined>): FlowReasoning {
  const name = at.service;
  const lostSending =
    `off the host network ${name} cannot send or join it on the LAN; use --direction outbound or ` + "--strategy lan";
  return {
    hostPort(port) {
      const ports = portText(port);
      const how =
        at.dialect === "swarm"
          ? `published with mode: host at ${ports} on the node that runs it; clients keep their own address`
          : `published at ${ports}; clients keep their own address`;
      return kept(how, [published(name, port.port, port.protocol)]);
    },
    lanUse: (use) => lost(use.kind === "receives" ? lostBroadcastIn : lostSending),
    ...offTheHost(name),
  };
}
