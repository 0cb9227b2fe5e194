import { main, type CliIO } from "../../src/cli/main.js";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with its own streams; `tty` says which streams are terminals. */
export async function runCli(
  args: readonly string[],
  options: { env?: Record<string, string>; tty?: { stdout?: boolean; stderr?: boolean }; stdin?: string } = {},
): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const io: CliIO = {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    stdin: () => Buffer.from(options.stdin ?? ""),
    env: options.env ?? {},
    ...(options.tty ? { isTTY: options.tty } : {}),
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}
