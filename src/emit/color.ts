import type { Environment } from "../model/interpolate.js";

/** `--color` / `--no-color` as commander gives it: undefined when neither was given. */
export type ColorFlag = boolean | undefined;

/**
 * Colour only where a person reads it. The flag wins; then FORCE_COLOR (as Node's
 * own tty does, it beats NO_COLOR); then NO_COLOR and TERM=dumb; then the stream
 * being a terminal.
 */
export function colorEnabled(flag: ColorFlag, env: Environment, isTTY: boolean): boolean {
  if (flag !== undefined) return flag;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return !["0", "false"].includes(force.toLowerCase());
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.TERM === "dumb") return false;
  return isTTY;
}

export interface Palette {
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
  bold(text: string): string;
  dim(text: string): string;
}

const sgr = (open: number, close: number) => (text: string) => `\x1b[${open}m${text}\x1b[${close}m`;

const ansi: Palette = {
  red: sgr(31, 39),
  green: sgr(32, 39),
  yellow: sgr(33, 39),
  cyan: sgr(36, 39),
  bold: sgr(1, 22),
  dim: sgr(2, 22),
};

const same = (text: string) => text;
const plain: Palette = { red: same, green: same, yellow: same, cyan: same, bold: same, dim: same };

export function palette(enabled: boolean): Palette {
  return enabled ? ansi : plain;
}
