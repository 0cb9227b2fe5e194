import type { Environment } from "./interpolate.js";
import { buildModel } from "./build.js";
import { validateFile } from "./validate.js";
import type { Dialect, NetworkDecl, StackModel } from "./types.js";
import { defaultLimits, parseStackFile, type ParseLimits } from "../parse/parse.js";
import type { Origin } from "../parse/source-text.js";

export interface LoadOptions {
  /** Name used in messages and diffs (default `<stdin>`). */
  file?: string;
  /** Variables for `${VAR}`; default: none (the CLI passes the process environment and --env-file). */
  env?: Environment;
  /**
   * Variables from the `.env` file beside a Compose file, which Compose reads by default;
   * used only when the file is a Compose file (docker stack reads no env file), under `env`.
   */
  dotenv?: Environment;
  /** Force the dialect instead of detecting it from the file. */
  target?: Dialect;
  limits?: Partial<ParseLimits>;
  /**
   * The Docker Engine to judge for (`27.5`, `28.0.1`); default: the file's `x-stackmod.engine`, else the newest known.
   */
  engine?: string;
  /** Set by the layered pipeline (`-c A -c B`): the networks every file of the stack declares, merged. */
  layerNetworks?: ReadonlyMap<string, NetworkDecl>;
}

/**
 * Parse → model: the first half of every command. `origin`, for the text of a later pass of a
 * rewrite, makes every position one in the file the user wrote.
 */
export function loadModel(source: string, options: LoadOptions = {}, origin?: Origin): StackModel {
  const limits = { ...defaultLimits, ...options.limits };
  const parsed = parseStackFile(source, options.file ?? "<stdin>", limits, origin);
  validateFile(parsed);
  const build = (env: Environment) =>
    buildModel(parsed, {
      env,
      target: options.target,
      layerNetworks: options.layerNetworks,
    });
  if (!options.dotenv) return build(options.env ?? {});
  // The dialect is known only once the file is read: read with the .env, then without it for a stack file.
  const model = build({ ...options.dotenv, ...options.env });
  return model.dialect === "compose" ? model : build(options.env ?? {});
}
