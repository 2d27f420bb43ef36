/** What a CLI command may touch, injected so tests run commands in-process. */
export interface CliIO {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export interface CliCommand {
  name: string;
  summary: string;
  usage: string;
  /** Returns the process exit code: 0 ok, 1 findings/errors in reports, 2 usage error. */
  run(args: string[], io: CliIO): Promise<number>;
}

/** Thrown for bad command-line usage; the dispatcher prints it with the usage text and exits 2. */
export class UsageError extends Error {}

export const processIO = (): CliIO => ({
  cwd: process.cwd(),
  env: process.env,
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t)
});
