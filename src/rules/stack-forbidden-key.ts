import { cliCommit, forbiddenConfigText, forbiddenDeployText } from "./engine-texts.js";
import { everyEngine } from "./engines.js";
import { onEngines, type Rule } from "./rule.js";
import { forbiddenKeys } from "./stack/compose-keys.js";
import { keyFindings } from "./stack/key-findings.js";
import { moveResource, resourceKeys } from "./stack/resources.js";

export const stackForbiddenKey: Rule<"stack-forbidden-key"> = {
  id: "stack-forbidden-key",
  severity: "error",
  summary: "a Compose key that `docker stack deploy` refuses (the whole file fails)",
  dialects: ["swarm"],
  engines: onEngines(everyEngine),
  texts: [forbiddenDeployText, forbiddenConfigText],
  tag: "stack-compatibility",
  docs: {
    full:
      '`docker stack deploy` refuses a file with any of these service keys ("Compose file contains ' +
      'unsupported options:"; ' +
      '`docker stack config` says "Configuration contains forbidden properties"), before it deploys anything: ' +
      Object.entries(forbiddenKeys)
        .map(([key, why]) => `\`${key}\` (${why})`)
        .join(", ") +
      ".",
    help:
      "`rewrite` moves `mem_limit` to `deploy.resources.limits.memory` (with `mem_reservation` and `cpus`, " +
      "see stack-refused-key). " +
      "For the others: `volume_driver` → a top-level volume with that driver; `volumes_from` → a named " +
      "top-level volume in both services; " +
      "`cpu_shares`, `cpu_quota`, `cpuset`, `memswap_limit` have no Swarm equivalent: " +
      "`deploy.resources.limits.cpus` is the closest; " +
      "`extends` of a service of the same file: `rewrite` inlines it as Compose merges it; one it cannot " +
      "inline safely " +
      "(another file, a cycle, anchors the copy would share, a merge it does not write) it leaves, saying why: " +
      "write the service out (or merge an `x-` anchor with `<<`).",
    sources: [
      `${cliCommit} cli/compose/types/types.go (ForbiddenProperties), cli/compose/loader/loader.go validateForbidden`,
      "extends merged as docker-compose 1.29.2 merges it (compose/config/config.py merge_service_dicts, " +
        "merge_deploy, merge_networks) and the compose-spec says (spec.md extends, merge.md); " +
        "checked against the real docker-compose config in test/extends-inline.test.ts",
    ],
    fix:
      "`mem_limit` → `deploy.resources.limits.memory`; same-file `extends` inlined; the rest: finding with the " +
      "way out",
  },
  check(service, model) {
    if (model.dialect !== "swarm") return [];
    return keyFindings(this, service, model, (key) =>
      forbiddenKeys[key] === undefined
        ? undefined
        : `\`docker stack deploy\` refuses \`${key}\` ("Compose file contains unsupported options: ${key}: ` +
          `${forbiddenKeys[key]}")`,
    );
  },
  fix: {
    runs: "default",
    pass: "keys",
    apply(context) {
      const keys = [...new Set(context.findings.map((f) => f.key!))];
      const outcomes = keys.map((key) => (resourceKeys[key] ? moveResource(context, key) : false));
      return outcomes.every(Boolean) ? true : outcomes.some(Boolean) ? "partial" : false;
    },
  },
};
