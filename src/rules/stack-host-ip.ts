import { cliCommit, ignoringHostIpText } from "./engine-texts.js";
import { everyEngine } from "./engines.js";
import { findingOf, onEngines, type Rule } from "./rule.js";

const unspecified = new Set(["0.0.0.0", "::", "[::]"]);

/** `127.0.0.1:8080:80` in a stack file: Swarm publishes on every address of every node. */
export const stackHostIp: Rule<"stack-host-ip"> = {
  id: "stack-host-ip",
  severity: "warning",
  summary: "a port bound to one address in a stack file: Swarm publishes it on every address",
  dialects: ["swarm"],
  engines: onEngines(everyEngine),
  texts: [ignoringHostIpText],
  tag: "stack-compatibility",
  security: "7.5",
  docs: {
    full:
      "Swarm has no host IP for a published port: `docker stack deploy` drops the address of `127.0.0.1:8080:80` " +
      "(\"ignoring IP-address (127.0.0.1:8080:80/tcp) service will listen on '0.0.0.0'\") and publishes the " +
      "port on every address " +
      "of every node (moby/moby#32299, open since 2017). A port meant for the node itself is open to the network.",
    help:
      "Do not publish a port that must stay local: reach the service over an overlay network from the " +
      "services that need it, " +
      "or publish it with `mode: host` on a node whose firewall (the DOCKER-USER chain) drops outside traffic to it. " +
      "stackmod does not rewrite it: each way out changes who can reach the service.",
    sources: [`${cliCommit} opts/swarmopts/port.go (ConvertPortToPortConfig)`, "moby/moby#32299"],
  },
  check(service, model) {
    if (model.dialect !== "swarm") return [];
    return service.ports.flatMap((port) => {
      const ip = /^(\[[^\]]+\]|[0-9.]+|[0-9a-f:]+):\d/i.exec(port.raw ?? "")?.[1];
      const colons = (port.raw ?? "").replace(/\[[^\]]*\]/, "").split(":").length;
      if (!ip || colons < 3 || unspecified.has(ip)) return [];
      return [
        findingOf(
          this,
          service,
          port.position,
          `Swarm publishes "${port.raw}" on every address of every node, not on ${ip} ("ignoring IP-address ` +
            `... service will listen on '0.0.0.0'"): the port is open to the network`,
        ),
      ];
    });
  },
};
