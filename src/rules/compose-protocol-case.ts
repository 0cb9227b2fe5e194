import { isScalar } from "yaml";
import { everyEngine } from "./engines.js";
import { findingOf, type Rule } from "./rule.js";

/** The protocol of a short-syntax port, as written after its `/`. */
const protocolPattern = /\/([A-Za-z]+)\s*$/;

/**
 * `161:161/UDP` in a Compose file: docker stack lower-cases the protocol of a short-syntax port,
 * docker-compose v1 refuses the file.
 */
export const composeProtocolCase: Rule<"compose-protocol-case"> = {
  id: "compose-protocol-case",
  severity: "warning",
  summary: "a Compose port's protocol in upper case (`/UDP`): docker-compose v1 refuses the file",
  dialects: ["compose"],
  engines: { swarm: [], compose: everyEngine },
  texts: [],
  docs: {
    full:
      "docker stack reads the protocol of a short-syntax port without regard to case (go-connections " +
      "nat.ParsePortSpec lower-cases it: `161:161/UDP` is UDP), but docker-compose v1 checks " +
      "the text against docker-py's pattern, which takes `/tcp`, `/udp` and `/sctp` only, and refuses the " +
      'whole file ("services.NAME.ports contains an invalid type, it should be a number, or an object"; ' +
      "docker-compose 1.29.2, measured here; docker compose v2 is not packaged for Debian 12 and was not " +
      "checked). stackmod writes protocols in lower case; one you wrote stays as written unless you ask.",
    help:
      "Run `stackmod rewrite FILE --fix compose-protocol-case`: it writes the protocol in lower case where it " +
      "stands (`161:161/udp`), which every tool reads the same.",
    sources: [
      "docker-compose 1.29.2 compose/config/validation.py (format_ports) and docker-py 5.0.3 " +
        "docker/utils/ports.py (PORT_SPEC: `/(udp|tcp|sctp)`), measured here with docker-compose -f FILE config",
      "docker/cli v28.2.2 vendor/github.com/docker/go-connections/nat/nat.go (ParsePortSpec: strings.ToLower)",
    ],
    fix: "writes the protocol in lower case",
  },
  check(service, model) {
    if (model.dialect !== "compose") return [];
    return service.ports.flatMap((port) => {
      const written = protocolPattern.exec(port.raw ?? "")?.[1];
      if (written === undefined || written === written.toLowerCase()) return [];
      return [
        findingOf(
          this,
          service,
          port.position,
          `"${port.raw}": docker-compose v1 refuses a port's protocol in upper case (docker stack reads it ` +
            `as ${written.toLowerCase()}); write /${written.toLowerCase()}`,
        ),
      ];
    });
  },
  fix: {
    runs: "asked",
    pass: "keys",
    apply({ service, findings, edits, notes }) {
      const at = new Set(findings.map((f) => `${f.line}:${f.column}`));
      let fixed = 0;
      for (const port of service.ports) {
        if (!at.has(`${port.position.line}:${port.position.column}`) || !isScalar(port.node)) continue;
        const written = protocolPattern.exec(port.raw ?? "")?.[1];
        if (written === undefined) continue;
        if (edits.replaceInScalar(service, port.node, `/${written}`, `/${written.toLowerCase()}`)) fixed += 1;
      }
      if (fixed > 0) notes.info(`${service.name}: ${fixed} port protocol(s) written in lower case`);
      return fixed === findings.length ? true : fixed > 0 ? "partial" : false;
    },
  },
};
