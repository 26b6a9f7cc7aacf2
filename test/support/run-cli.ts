/** Runs the CLI's main() in process with captured output, as a user would run it in `cwd`. */
import { type CliIo, main } from '../../src/cli/main.js';

export async function runCli(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { cwd, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), isTTY: false, env: {} };
  const code = await main(args, io);
  return { code, stdout, stderr };
}
