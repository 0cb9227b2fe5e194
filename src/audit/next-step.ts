import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { commandLine } from "../edit/shell-quote.js";
import { dockerNamePattern } from "../model/names.js";
import type { AuditService } from "./inventory.js";

export type NextStep =
  | { kind: "rewrite"; file: string; command: string }
  | { kind: "no-file"; text: string }
  | { kind: "not-a-stack"; text: string };

/** The file names a stack's file is usually kept under, in DIR: `NAME.yml` first. */
function stackFileNames(stack: string): string[] {
  const flat = [`${stack}.yml`, `${stack}.yaml`, `${stack}-stack.yml`, `${stack}-stack.yaml`, `${stack}.stack.yml`];
  const inFolder = ["docker-stack.yml", "docker-stack.yaml", "stack.yml", "stack.yaml"]
    .concat(["docker-compose.yml", "docker-compose.yaml", "compose.yml", "compose.yaml"])
    .map((name) => join(stack, name));
  return [...flat, ...inFolder];
}

// What `docker stack deploy` accepts as a stack name (docker/cli cli/command/stack/deploy.go validates it).
const stackName = dockerNamePattern;

const export_ =
  "`docker stack` has no export: the file is wherever it was deployed from (a repository, Portainer, a CI " +
  "job); pass --stack-dir DIR when you have it";

/**
 * The next step for a service with findings: for a stack whose file is found in `stackDir`, the rewrite command;
 * otherwise what to look for. Stack names come from the engine, so only plain names are mapped to paths.
 */
export function nextStep(service: AuditService, stackDir: string | undefined): NextStep {
  const stack = service.stack;
  if (!stack) {
    const others = service.networks.filter((n) => n.driver !== "host" && n.driver !== "null").map((n) => n.name);
    const removes = others.flatMap((name) => ["--network-rm", name]);
    const command = commandLine(["docker", "service", "update", ...removes, service.name]);
    return {
      kind: "not-a-stack",
      text:
        `not from a stack (\`docker service create\`, or another tool): change the service itself, e.g. ` +
        `\`${command}\` keeps only its host or none network, or move it into a stack file and run stackmod ` +
        "rewrite on it",
    };
  }
  if (!stackDir) return { kind: "no-file", text: export_ };
  if (!stackName.test(stack))
    return { kind: "no-file", text: `the stack name ${JSON.stringify(stack)} is not a plain name; not looked up` };
  for (const name of stackFileNames(stack)) {
    const file = join(stackDir, name);
    if (existsSync(file) && statSync(file).isFile())
      return {
        kind: "rewrite",
        file,
        command:
          `${commandLine(["stackmod", "rewrite", file])}, then ` +
          `${commandLine(["docker", "stack", "deploy", "-c", file, stack])}`,
      };
  }
  return {
    kind: "no-file",
    text:
      `no file for stack "${stack}" in ${stackDir} (looked for ${stack}.yml, ${stack}.yaml, ` +
      `${stack}/docker-compose.yml and ${stackFileNames(stack).length - 3} more names); ${export_}`,
  };
}
