import { isMap, isScalar, type Scalar } from "yaml";
import { interpolateData } from "../model/interpolate.js";
import type { ServiceModel, StackModel } from "../model/types.js";
import { cliCommit, unknownModeText } from "./engine-texts.js";
import { everyEngine } from "./engines.js";
import { findingOf, onEngines, type Rule } from "./rule.js";

/** The modes docker stack deploy knows, as it compares them: case for case (convertDeployMode). */
const modes = ["replicated", "global", "replicated-job", "global-job"];

/**
 * The `mode` node under the service's `deploy:` that docker reads: the last file that writes one (a later
 * `-c` file's scalar replaces an earlier one's), read through the resolver (merge keys applied).
 */
function modeNode(service: ServiceModel, model: StackModel): Scalar | undefined {
  let found: Scalar | undefined;
  for (const map of service.maps) {
    const deploy = model.resolver.get(map, "deploy")?.value;
    const mode = isMap(deploy) ? model.resolver.get(deploy, "mode")?.value : undefined;
    if (isScalar(mode)) found = mode;
  }
  return found;
}

/** The known mode `written` spells in other capitals (`Global`), or undefined. */
function recased(written: unknown): string | undefined {
  if (typeof written !== "string" || modes.includes(written)) return undefined;
  return modes.find((mode) => mode === written.toLowerCase());
}

/** `deploy.mode: Global` in a stack file: docker stack config shows it, docker stack deploy refuses the file. */
export const deployModeCase: Rule<"deploy-mode-case"> = {
  id: "deploy-mode-case",
  severity: "error",
  summary: "`deploy.mode` in capitals (`Global`): docker stack deploy refuses it as an unknown mode",
  dialects: ["swarm"],
  engines: onEngines(everyEngine),
  texts: [unknownModeText],
  tag: "stack-compatibility",
  docs: {
    full:
      "docker stack deploy compares `deploy.mode` with `replicated`, `global`, `replicated-job` and " +
      "`global-job` case for case, and refuses any other text before it creates anything: `mode: Global` " +
      'stops the whole deploy with "Unknown mode: Global". The schema takes any string there, so ' +
      "`docker stack config` prints such a file without a word.",
    help:
      "Write the mode in lower case (`global`), or run `stackmod rewrite FILE --fix deploy-mode-case`. A mode " +
      "that comes from a variable (`mode: ${MODE}`) is fixed in the variable's value, not in the file.",
    sources: [
      `${cliCommit} cli/compose/convert/service.go (convertDeployMode: "global-job", "global", ` +
        '"replicated-job", "replicated" and "", else "Unknown mode: %s")',
      `${cliCommit} cli/compose/schema/data/config_schema_v3.*.json (deploy.mode: {"type": "string"}), ` +
        "measured here with docker stack config -c FILE",
    ],
    fix: "writes the mode in lower case",
  },
  check(service, model) {
    if (model.dialect !== "swarm") return [];
    const node = modeNode(service, model);
    if (!node) return [];
    // The mode alone is interpolated: a check reads every service, and most have no variable at all.
    const value = interpolateData((service.data.deploy as { mode?: unknown } | undefined)?.mode, service.env);
    const mode = recased(value);
    if (mode === undefined) return [];
    const written = String(value);
    return [
      findingOf(
        this,
        service,
        model.positionOf(node),
        `docker stack deploy refuses \`mode: ${written}\` ("${unknownModeText.text}${written}"); it knows ` +
          `only lower-case modes: write \`${mode}\``,
        `${unknownModeText.text}${written}`,
      ),
    ];
  },
  fix: {
    runs: "default",
    pass: "keys",
    apply({ model, service, edits, notes }) {
      const node = modeNode(service, model);
      const mode = recased(node?.value);
      // A mode read from a variable has its capitals in the variable's value, not in the file.
      if (!node || mode === undefined) return false;
      // `deploy.add` only adds keys: an existing one is changed with setNested (in place, or a local override).
      edits.setNested(service, ["deploy", "mode"], mode);
      notes.info(`${service.name}: deploy.mode written in lower case (${mode})`);
      return true;
    },
  },
};
