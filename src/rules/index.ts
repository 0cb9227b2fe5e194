import { isMap, isScalar } from "yaml";
import { StackmodError } from "../errors.js";
import type { StackModel } from "../model/types.js";
import { inRanges, newestEngine, nextBite, parseEngine, type EngineVersion } from "./engines.js";
import { hostIngressPort } from "./host-ingress-port.js";
import { hostPlusNetwork } from "./host-plus-network.js";
import { networkModeInStack } from "./network-mode-in-stack.js";
import { networkModeWithNetworks } from "./network-mode-with-networks.js";
import { nonePlusNetwork } from "./none-plus-network.js";
import type { Finding as AnyFinding, Rule } from "./rule.js";
import { stackDeprecatedKey } from "./stack-deprecated-key.js";
import { stackForbiddenKey } from "./stack-forbidden-key.js";
import { stackIgnoredKey } from "./stack-ignored-key.js";
import { stackRefusedKey } from "./stack-refused-key.js";
import { stackHostIp } from "./stack-host-ip.js";
import { hostNetworkPorts } from "./host-network-ports.js";
import { hostDriverNetwork } from "./host-driver-network.js";
import { lanWithoutGateway } from "./lan-without-gateway.js";
import { composeProtocolCase } from "./compose-protocol-case.js";
import { deployModeCase } from "./deploy-mode-case.js";

/** The registry: a rule is its file plus its line here. The order is the order fixes run in. */
const registry = [
  hostPlusNetwork,
  nonePlusNetwork,
  hostIngressPort,
  networkModeWithNetworks,
  networkModeInStack,
  stackIgnoredKey,
  stackDeprecatedKey,
  stackForbiddenKey,
  stackRefusedKey,
  stackHostIp,
  hostNetworkPorts,
  hostDriverNetwork,
  lanWithoutGateway,
  composeProtocolCase,
  deployModeCase,
] as const;

/** The id of a registered rule. */
export type RuleId = (typeof registry)[number]["id"];

/** A finding of a registered rule. */
export type Finding = AnyFinding<RuleId>;

export const rules: readonly Rule<RuleId>[] = registry;

export function findRule(id: string): Rule<RuleId> | undefined {
  return rules.find((rule) => rule.id === id);
}

/**
 * Every finding of every rule, judged for `engine` (default: the newest stackmod knows), in the
 * order of the stack's files (one, or those of `-c A -c B`), then of line and column.
 */
export function detect(model: StackModel, engine: EngineVersion = defaultEngine()): Finding[] {
  const findings = model.services.flatMap((service) =>
    rules.flatMap((rule) => judge(rule, rule.check(service, model), model, engine)),
  );
  // The rules that look at the stack's top level and network declarations.
  for (const rule of rules) if (rule.checkFile) findings.push(...judge(rule, rule.checkFile(model), model, engine));
  const order = new Map(model.documents.map((parsed, index) => [parsed.source.file, index]));
  const fileOrder = (finding: Finding) => order.get(finding.file) ?? 0;
  return findings.sort((a, b) => fileOrder(a) - fileOrder(b) || a.line - b.line || a.column - b.column);
}

function defaultEngine(): EngineVersion {
  return parseEngine(newestEngine)!;
}

/**
 * On an engine where the rule does not bite yet, a finding is reported as what it
 * will be: a warning that names the engine from which it bites. Where it never
 * bites again, there is no finding.
 */
function judge(rule: Rule<RuleId>, findings: Finding[], model: StackModel, engine: EngineVersion): Finding[] {
  if (findings.length === 0) return findings;
  const ranges = rule.engines[model.dialect];
  const target = inRanges(engine, ranges) ? engine : parseEngine(nextBite(engine, ranges) ?? "");
  if (!target) return [];
  const texts = rule.texts.filter((text) => inRanges(target, text.engines));
  const withText = (finding: Finding): Finding => {
    if (!finding.engineError || texts.length === 0) return finding;
    if (texts.some((text) => finding.engineError!.includes(text.text))) return finding;
    return { ...finding, engineError: texts[0]!.text };
  };
  if (target === engine) return findings.map(withText);
  return findings.map((finding) => ({
    ...withText(finding),
    severity: "warning",
    bitesFrom: target.text,
    message: `${notYet(rule, engine, target.text)}: ${finding.message}`,
  }));
}

function notYet(rule: Rule, engine: EngineVersion, from: string): string {
  if (rule.loophole) return `on Engine ${engine.text} this runs today by a loophole closed in ${from}`;
  return `on Engine ${engine.text} this still works as written; from ${from} it does not`;
}

/**
 * The engine to judge for: `--engine` (or the library's `engine`) first, then the
 * file's top-level `x-stackmod: {engine: ...}`, then the newest engine stackmod knows.
 * A layered stack (`-c A -c B`) says it as its merge does: the last file whose top-level
 * block has an `engine` gives it, read as that file writes it.
 */
export function engineFor(model: StackModel, option: string | undefined, fallback?: string): EngineVersion {
  if (option !== undefined) {
    const parsed = parseEngine(option);
    if (!parsed) {
      throw new StackmodError("USAGE", `--engine ${option}: expected an engine version such as 27.5, 28.0.1 or 29.1`, {
        file: "<command line>",
        line: 1,
        column: 1,
      });
    }
    return parsed;
  }
  const written = [...model.documents]
    .reverse()
    .map((parsed) => {
      const block = model.resolver.get(parsed.root, "x-stackmod")?.value;
      const node = isMap(block) ? model.resolver.get(block, "engine")?.value : undefined;
      return node ? { node, parsed } : undefined;
    })
    .find((found) => found !== undefined);
  if (!written) return fallback === undefined ? defaultEngine() : engineFor(model, fallback);
  const { node, parsed: file } = written;
  const at = model.positionOf(node);
  // The text as written, in the file that writes it: a plain `28.10` is the float 28.1 to YAML.
  const raw = isScalar(node) && node.range ? file.source.text.slice(node.range[0], node.range[1]) : "";
  const parsed = parseEngine(raw.replace(/^(["'])(.*)\1$/s, "$2"));
  if (!parsed) {
    throw new StackmodError(
      "BAD_OPTION",
      '`x-stackmod.engine`: expected an engine version such as "27.5", "28.0.1" or "29.1" (quoted)',
      at,
    );
  }
  return parsed;
}
