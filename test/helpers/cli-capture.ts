import { main, type CliIO } from "../../src/cli/main.js";

export interface Captured {
  code: number;
  stdout: string;
  stderr: string;
  /** The `FILE:LINE:COL: error CODE: message` lines of standard error. */
  errors: string[];
}

/** Runs the real CLI in-process (`main(argv, io)`) with captured streams and an empty environment. */
export async function runMain(args: readonly string[], env: Record<string, string> = {}): Promise<Captured> {
  let stdout = "";
  let stderr = "";
  const io: CliIO = {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    stdin: () => Buffer.alloc(0),
    env,
  };
  const code = await main(args, io);
  return { code, stdout, stderr, errors: errorLines(stderr) };
}

export function errorLines(stderr: string): string[] {
  return stderr.split("\n").filter((line) => /^.+:\d+:\d+: error [A-Z_]+: /.test(line));
}
