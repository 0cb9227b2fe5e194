import { cliCommit, deprecatedOptionsText } from "./engine-texts.js";
import { everyEngine } from "./engines.js";
import { onEngines, type Rule } from "./rule.js";
import { deprecatedKeys } from "./stack/compose-keys.js";
import { keyFindings, localEntry } from "./stack/key-findings.js";

export const stackDeprecatedKey: Rule<"stack-deprecated-key"> = {
  id: "stack-deprecated-key",
  severity: "warning",
  summary: "`container_name` or `expose` in a stack file: `docker stack deploy` ignores them as deprecated",
  dialects: ["swarm"],
  engines: onEngines(everyEngine),
  texts: [deprecatedOptionsText],
  tag: "stack-compatibility",
  docs: {
    full:
      '`docker stack deploy` prints "Ignoring deprecated options:" and deploys without `container_name` ' +
      `("${deprecatedKeys.container_name}": Swarm names containers STACK_SERVICE.SLOT.TASK; other services ` +
      "reach it by its service name) " +
      `and \`expose\` ("${deprecatedKeys.expose}").`,
    help:
      "Run `stackmod rewrite FILE --fix stack-deprecated-key`: it drops `container_name`. " +
      "`expose` is kept: it documents the ports the service listens on (and stackmod reads it for the proxy strategy).",
    sources: [`${cliCommit} cli/compose/types/types.go (DeprecatedProperties), cli/command/stack/loader/loader.go`],
    fix: "drops `container_name` (says so); keeps `expose`",
  },
  check(service, model) {
    if (model.dialect !== "swarm") return [];
    return keyFindings(this, service, model, (key) =>
      deprecatedKeys[key] === undefined
        ? undefined
        : `\`docker stack deploy\` ignores \`${key}\` ("Ignoring deprecated options: ${key}: ${deprecatedKeys[key]}")`,
    );
  },
  fix: {
    runs: "asked",
    pass: "keys",
    apply({ model, service, findings, edits, notes }) {
      if (!findings.some((f) => f.key === "container_name")) return false;
      const entry = localEntry(service, model, "container_name");
      if (!entry) return false;
      edits.removeKey(service, "container_name");
      notes.info(
        `${service.name}: removed container_name, which docker stack ignores: Swarm names the containers ` +
          `STACK_${service.name}.SLOT.TASK; reach the service by its name "${service.name}"`,
      );
      return findings.some((f) => f.key === "expose") ? "partial" : true;
    },
  },
};
