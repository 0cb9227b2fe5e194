import { basename, dirname, join } from "node:path";

/**
 * Where the setup script of a stack file goes: beside it, as `STACK.lan-setup.sh`,
 * or at `option`, which is relative to the stack file's folder. Standard input has
 * no folder: the script is named after `stack` in the current one.
 */
export function scriptPath(stackFile: string, option: string | undefined): string {
  const fromStdin = stackFile === "-" || stackFile === "<stdin>";
  const folder = fromStdin ? "." : dirname(stackFile);
  const name = option ?? `${fromStdin ? "stack" : basename(stackFile).replace(/\.ya?ml$/i, "")}.lan-setup.sh`;
  return join(folder, name);
}
