import { isMap } from "yaml";
import type { ServiceModel, StackModel } from "../model/types.js";
import { environmentValue, evidenceOf, scalarsUnder, type ScalarAt } from "./scan.js";
import type { Reference } from "./types.js";

/** Every name by which a service is reached on its networks: its own, and its network aliases. */
export function namesOf(model: StackModel): Map<string, string> {
  const names = new Map<string, string>();
  for (const service of model.services) names.set(service.name.toLowerCase(), service.name);
  for (const service of model.services) {
    const networks = service.data.networks;
    if (!networks || typeof networks !== "object" || Array.isArray(networks)) continue;
    for (const config of Object.values(networks as Record<string, unknown>)) {
      const aliases = (config as { aliases?: unknown } | null)?.aliases;
      if (!Array.isArray(aliases)) continue;
      for (const alias of aliases) {
        const key = String(alias).toLowerCase();
        if (!names.has(key)) names.set(key, service.name);
      }
    }
  }
  return names;
}

const token = /[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?/g;
const hostKey = /HOST|URL|URI|ADDR|SERVER|BROKER|ENDPOINT|UPSTREAM|DSN|PEER|TARGET/i;

/**
 * The other services a service refers to by name in its environment, command, entrypoint and
 * inline configs. A bare word counts only where it reads as a host: with a port (`broker:1883`),
 * after `//` or `@`, as a whole command item, or as the value of a key such as `*_HOST` or `*_URL`
 * (so `DB_NAME: db` is not a reference to a service `db`).
 */
export function referencesOf(model: StackModel, service: ServiceModel, names: Map<string, string>): Reference[] {
  const found: Reference[] = [];
  for (const key of ["environment", "command", "entrypoint"]) {
    for (const at of scalarsUnder(model, service.map, key)) {
      const { name, value } = key === "environment" ? environmentValue(at) : { name: "", value: at.value };
      scan(model, service, names, at, value, hostKey.test(name), found);
    }
  }
  for (const at of inlineConfigs(model, service)) scan(model, service, names, at, at.value, false, found);
  for (const at of scalarsUnder(model, service.map, "depends_on")) {
    // List form (`- broker`) names the service in the value, map form (`broker: {condition: ...}`) in the key.
    const listed = /^depends_on\[\d+\]$/.test(at.path);
    const name = listed ? at.value : (/^depends_on\.([^.]+)\./.exec(at.path)?.[1] ?? "");
    const target = names.get(name.toLowerCase());
    if (!target || target === service.name || found.some((r) => r.service === target)) continue;
    const evidence = evidenceOf(model, at, listed ? at.value : name);
    found.push({ service: target, name, port: undefined, text: name, evidence, editable: undefined });
  }
  return found;
}

function scan(
  model: StackModel,
  service: ServiceModel,
  names: Map<string, string>,
  at: ScalarAt,
  value: string,
  hostish: boolean,
  found: Reference[],
): void {
  for (const match of value.matchAll(token)) {
    const word = match[0];
    const target = names.get(word.toLowerCase());
    if (!target || target === service.name) continue;
    const start = match.index;
    // `mqtt://broker`: the scheme is not a host.
    if (value.startsWith("://", start + word.length)) continue;
    const before = value.slice(Math.max(0, start - 2), start);
    const port = /^:(\d{1,5})(?!\d)/.exec(value.slice(start + word.length));
    // A whole value names a host in a command (`--cache redis`); in the environment only under a host-like key.
    const whole = word.length === value.trim().length && !at.path.startsWith("environment");
    const asHost = /\/\/$|@$/.test(before) || (before.endsWith("=") && at.path.startsWith("command"));
    if (!port && !asHost && !whole && !hostish) continue;
    const text = port ? `${word}:${port[1]}` : word;
    found.push({
      service: target,
      name: word,
      port: port ? Number(port[1]) : undefined,
      text,
      evidence: evidenceOf(model, at, at.value),
      editable: at.local ? at.node : undefined,
    });
  }
}

/** The `content:` of the top-level configs the service names (Compose inline configs). */
function inlineConfigs(model: StackModel, service: ServiceModel): ScalarAt[] {
  const configs = model.resolver.get(model.parsed.root, "configs")?.value;
  if (!isMap(configs)) return [];
  const named = new Set(
    scalarsUnder(model, service.map, "configs")
      .filter((at) => /^configs\[\d+\](\.source)?$/.test(at.path))
      .map((at) => at.value),
  );
  return [...named].flatMap((name) => {
    const entry = model.resolver.get(configs, name)?.value;
    if (!isMap(entry)) return [];
    return scalarsUnder(model, entry, "content").map((at) => ({
      ...at,
      path: `configs.${name}.content`,
      local: false,
    }));
  });
}
