import { ignoredOptionsText } from "./engine-texts.js";
import { everyEngine } from "./engines.js";
import { cliCommit } from "./engine-texts.js";
import { onEngines, type Rule } from "./rule.js";
import { ignoredKeys, stackFormat } from "./stack/compose-keys.js";
import { keyFindings } from "./stack/key-findings.js";
import { fixRestart } from "./stack/restart.js";
import { fixShmSize } from "./stack/shm-size.js";

export const stackIgnoredKey: Rule<"stack-ignored-key"> = {
  id: "stack-ignored-key",
  severity: "warning",
  summary: "a Compose key that `docker stack deploy` ignores (it deploys without it)",
  dialects: ["swarm"],
  engines: onEngines(everyEngine),
  texts: [ignoredOptionsText],
  tag: "stack-compatibility",
  docs: {
    full:
      "`docker stack deploy` ignores these service keys and says so once, on standard error: " +
      '"Ignoring unsupported options: build, restart, ...". The stack deploys without them, so it is not ' +
      "what the file says: " +
      Object.entries(ignoredKeys)
        .map(([key, meaning]) => `\`${key}\`: ${meaning}`)
        .join("; ") +
      ". (`network_mode` is its own rule, network-mode-in-stack.)",
    help:
      "Run `stackmod rewrite FILE --fix stack-ignored-key`: `restart` becomes `deploy.restart_policy` " +
      "(no → none, on-failure[:N] → on-failure with max_attempts, always and unless-stopped → any) and " +
      "`shm_size` a tmpfs mount at /dev/shm " +
      "of that size (format 3.6 or later). The other keys have no Swarm equivalent: drop them, or run the " +
      "service with Compose.",
    sources: [
      `${cliCommit} cli/compose/types/types.go (UnsupportedProperties) and ` +
        "cli/command/stack/loader/loader.go (the warning)",
      "docker stack config does not print the warning (only deploy does); it accepts the keys",
    ],
    fix: "`restart` → `deploy.restart_policy`, `shm_size` → tmpfs at /dev/shm; the rest: finding only",
  },
  check(service, model) {
    if (model.dialect !== "swarm") return [];
    const format = stackFormat(model.version) ?? 3.13;
    return keyFindings(this, service, model, (key) => {
      const meaning = ignoredKeys[key];
      if (meaning === undefined || (key === "cgroupns_mode" && format < 3.09)) return undefined;
      return `\`docker stack deploy\` ignores \`${key}\` ("Ignoring unsupported options: ${key}"): ${meaning}`;
    });
  },
  fix: {
    runs: "asked",
    pass: "keys",
    apply(context) {
      const keys = new Set(context.findings.map((f) => f.key));
      const outcomes = [...keys].map((key) =>
        key === "restart" ? fixRestart(context) : key === "shm_size" ? fixShmSize(context) : false,
      );
      return outcomes.every(Boolean) ? true : outcomes.some(Boolean) ? "partial" : false;
    },
  },
};
