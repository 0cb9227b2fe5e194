import { isMap, isScalar, isSeq, type Node, type Scalar } from "yaml";
import type { ServiceModel, StackModel } from "../model/types.js";
import { isOwn, type Entry } from "../parse/resolve.js";
import { additionalPropertyText, cliCommit } from "./engine-texts.js";
import { everyEngine } from "./engines.js";
import { fileFindingOf, findingOf, onEngines, type FixContext, type Finding, type Rule } from "./rule.js";
import {
  forbiddenKeys,
  formatText,
  serviceExtensionsSince,
  serviceKeySince,
  stackFormat,
  topLevelExtensionsSince,
  topLevelKeySince,
} from "./stack/compose-keys.js";
import { keyFindings, localEntry } from "./stack/key-findings.js";
import { moveResource, resourceKeys } from "./stack/resources.js";

const portKeys = new Set(["mode", "target", "published", "protocol"]);

export const stackRefusedKey: Rule<"stack-refused-key"> = {
  id: "stack-refused-key",
  severity: "error",
  summary: "a key or a shape the v3 schema of `docker stack` does not allow (the whole file is refused)",
  dialects: ["swarm"],
  engines: onEngines(everyEngine),
  texts: [
    additionalPropertyText,
    { ...additionalPropertyText, text: "must be a list" },
    { ...additionalPropertyText, text: "must be a integer" },
    { ...additionalPropertyText, text: "must be a string" },
  ],
  tag: "stack-compatibility",
  docs: {
    full:
      '`docker stack` validates the file against its v3 JSON schema for the file\'s `version:` (none or "3" ' +
      "is 3.13) and refuses it " +
      'at the first violation ("services.web Additional property profiles is not allowed", ' +
      '"services.web.depends_on must be a list", ' +
      '"services.web.ports.0.target must be a integer"). Compose-spec keys it does not know: `profiles`, ' +
      "`platform`, `pull_policy`, " +
      "`mem_reservation`, `cpus`, `develop`, the long `depends_on` (conditions), the long `env_file`, " +
      "`host_ip` or string ports in the long " +
      "port syntax, `configs.content`, top-level `name` and `include`; and keys newer than the file's format " +
      "(`init` before 3.7, `x-` keys in a " +
      "service before 3.7 and at the top level before 3.4, `cgroupns_mode` before 3.9).",
    help:
      "`rewrite` turns a long `depends_on` into the list of its services (the conditions go: Swarm does not " +
      "order start-up), " +
      "string `target`/`published` into integers, and `mem_reservation` and `cpus` into `deploy.resources` " +
      "(strings, as the schema wants). " +
      "For the rest: drop the key, or raise `version:` where a later format has it.",
    sources: [
      `${cliCommit} cli/compose/schema/data/config_schema_v3.0.json ... v3.13.json and ` +
        "cli/compose/schema/schema.go (Validate)",
      "each shape confirmed with docker stack config 28.2.2 here (test/stack-rules.test.ts)",
    ],
    fix:
      "long `depends_on` → list, string ports → integers, `mem_reservation`/`cpus` → `deploy.resources`; the " +
      "rest: finding",
  },
  check(service, model) {
    if (model.dialect !== "swarm") return [];
    const format = stackFormat(model.version);
    if (format === undefined) return [];
    const schema = `the v3 schema of docker stack (format ${formatText(format)})`;
    const findings = keyFindings(this, service, model, (key, entry) => {
      if (forbiddenKeys[key] !== undefined) return undefined;
      if (key.startsWith("x-")) {
        if (format >= serviceExtensionsSince) return undefined;
        return (
          `${schema} refuses \`${key}\`: \`x-\` keys inside a service need format 3.7 ("Additional property ` +
          `${key} is not allowed")`
        );
      }
      const since = serviceKeySince[key];
      if (since === undefined || since > format) {
        const later = since === undefined ? "" : `; format ${formatText(since)} has it`;
        return (
          `${schema} refuses \`${key}\` ("services.${service.name} Additional property ${key} is not ` +
          `allowed")${later}`
        );
      }
      if (key === "depends_on" && isMap(entry.value))
        return (
          `${schema} wants \`depends_on\` as a list of services ("services.${service.name}.depends_on must be ` +
          `a list"); Swarm does not order start-up by conditions`
        );
      if (
        key === "env_file" &&
        isSeq(entry.value) &&
        entry.value.items.some((item) => isMap(model.resolver.deref(item)))
      )
        return (
          `${schema} wants \`env_file\` as a path or a list of paths ("services.${service.name}.env_file.0 ` +
          `must be a string")`
        );
      return undefined;
    });
    return [...findings, ...portFindings(this, service, model, schema)];
  },
  checkFile(model) {
    return topLevelRefusals(this, model);
  },
  fix: {
    runs: "default",
    pass: "keys",
    apply(context) {
      const outcomes = context.findings.map((finding) => fixOne(context, finding));
      return outcomes.every(Boolean) ? true : outcomes.some(Boolean) ? "partial" : false;
    },
  },
};

/**
 * Long-syntax ports: string target/published, and keys the v3 schema does not have (host_ip, name, app_protocol).
 * Each file's `ports:` (docker validates each file before it merges them): an override's list does not hide the
 * base's.
 */
function portFindings<Id extends string>(
  rule: Rule<Id>,
  service: ServiceModel,
  model: StackModel,
  schema: string,
): Finding<Id>[] {
  return service.maps.flatMap((map) =>
    filePortFindings(rule, service, model, schema, model.resolver.get(map, "ports")),
  );
}

function filePortFindings<Id extends string>(
  rule: Rule<Id>,
  service: ServiceModel,
  model: StackModel,
  schema: string,
  portsEntry: Entry | undefined,
): Finding<Id>[] {
  const findings: Finding<Id>[] = [];
  const seq = portsEntry?.value;
  if (!isSeq(seq)) return findings;
  seq.items.forEach((item, index) => {
    const map = model.resolver.deref(item as Node);
    if (!isMap(map)) return;
    for (const entry of model.resolver.entries(map)) {
      const at = model.positionOf(entry.pair.key as Node);
      const where = `services.${service.name}.ports.${index}`;
      if (!portKeys.has(entry.key)) {
        findings.push({
          ...findingOf(
            rule,
            service,
            at,
            `${schema} refuses \`${entry.key}\` in a port ("${where} Additional property ${entry.key} is not allowed")`,
          ),
          key: `ports.${entry.key}`,
        });
      } else if (isStringPort(entry.key, entry.value)) {
        findings.push({
          ...findingOf(
            rule,
            service,
            at,
            `${schema} wants the port's \`${entry.key}\` as an integer, not the string ` +
              `"${(entry.value as Scalar).value}" ("${where}.${entry.key} must be a integer")`,
          ),
          key: `ports.${entry.key}`,
        });
      }
    }
  });
  return findings;
}

/**
 * A target or published written as a string. One with a `$` is left alone: docker/cli casts
 * a value that interpolation changed to an integer (cli/compose/interpolation/interpolation.go).
 */
function isStringPort(key: string, value: Node | null): boolean {
  if (key !== "target" && key !== "published") return false;
  return isScalar(value) && typeof value.value === "string" && !value.value.includes("$");
}

function fixOne(context: FixContext, finding: Finding): boolean {
  const { model, service, edits, notes } = context;
  const key = finding.key ?? "";
  if (resourceKeys[key]) return moveResource(context, key);
  if (key === "depends_on") {
    const entry = localEntry(service, model, "depends_on");
    if (!entry || !isMap(entry.value)) return false;
    const names = model.resolver.entries(entry.value).map((e) => e.key);
    edits.setKey(service, "depends_on", names);
    notes.info(
      `${service.name}: depends_on became the list ${names.join(", ")}: docker stack takes only a list, and ` +
        "Swarm does not wait for conditions (dropped)",
    );
    return true;
  }
  if (key === "ports.target" || key === "ports.published") return fixPortNumbers(context, key.slice(6));
  return false;
}

function fixPortNumbers({ model, service, edits, notes }: FixContext, field: string): boolean {
  const entry = localEntry(service, model, "ports");
  if (!entry || !isSeq(entry.value)) return false;
  let fixed = false;
  for (const item of entry.value.items) {
    if (!isMap(item)) continue;
    const value = model.resolver.get(item, field);
    const node = value?.value as Scalar | null | undefined;
    if (!isOwn(value) || !isScalar(node) || typeof node.value !== "string") continue;
    if (!/^\d{1,5}$/.test(node.value)) continue;
    if (node.tag !== undefined) {
      // `published: !!str 3000`: the tag goes too, or the integer is read as a string again. An anchored
      // one may be an alias's value elsewhere: left as it is.
      if (node.anchor !== undefined) continue;
      edits.replaceScalar(node, Number(node.value), { withTag: true });
    } else edits.replaceScalar(node, Number(node.value));
    fixed = true;
  }
  if (fixed)
    notes.info(`${service.name}: the ports' ${field} written as strings became integers, as docker stack wants`);
  return fixed;
}

/** File-level refusals: top-level keys the v3 schema does not have, and `configs.NAME.content`. */
function topLevelRefusals<Id extends string>(rule: Rule<Id>, model: StackModel): Finding<Id>[] {
  if (model.dialect !== "swarm") return [];
  const format = stackFormat(model.version);
  if (format === undefined) return [];
  const findings: Finding<Id>[] = [];
  const fileFinding = (node: unknown, message: string) =>
    fileFindingOf(rule, model.positionOf(node as Node | null), message);
  // Each file's own top level: a layered stack's files each have one.
  for (const { root } of model.documents) {
    for (const entry of model.resolver.entries(root)) {
      const extension = entry.key.startsWith("x-");
      const since = extension ? topLevelExtensionsSince : topLevelKeySince[entry.key];
      if (since !== undefined && since <= format) continue;
      findings.push(
        fileFinding(
          entry.pair.key,
          `the v3 schema of docker stack (format ${formatText(format)}) refuses the top-level ` +
            `\`${entry.key}\` ("(root) Additional property ${entry.key} is not allowed")`,
        ),
      );
    }
    const configs = model.resolver.get(root, "configs")?.value;
    if (!isMap(configs)) continue;
    for (const config of model.resolver.entries(configs)) {
      if (!isMap(config.value)) continue;
      const content = model.resolver.get(config.value, "content");
      if (content)
        findings.push(
          fileFinding(
            content.pair.key,
            `docker stack refuses \`configs.${config.key}.content\` ("configs.${config.key} Additional ` +
              `property content is not allowed"): write it to a file and use \`file:\``,
          ),
        );
    }
  }
  return findings;
}
