import { convertCommand } from './convert.js';
import { diffCommand } from './diff.js';
import { type CliCommand, type CliIO, UsageError } from './io.js';
import { validateCommand } from './validate.js';
import { wizardCommand } from './wizard.js';

/** Each command lives in its own module; adding one means adding it here. */
const COMMANDS: CliCommand[] = [validateCommand, convertCommand, diffCommand, wizardCommand];

function usage(): string {
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`);
  return `usage: peak-to-sigma <command> [options]\n\ncommands:\n${lines.join('\n')}\n\nRun 'peak-to-sigma <command> --help' for a command's options.\n`;
}

export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    (name ? io.stdout : io.stderr)(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.stderr(`peak-to-sigma: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(`${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`peak-to-sigma ${name}: ${err.message}\n\n${command.usage}\n`);
      return 2;
    }
    // Never a stack trace for users; PEAK_TO_SIGMA_DEBUG=1 shows it for maintainers.
    const message = err instanceof Error ? err.message : String(err);
    io.stderr(`peak-to-sigma ${name}: internal error: ${message}\n`);
    if (io.env.PEAK_TO_SIGMA_DEBUG && err instanceof Error && err.stack) io.stderr(`${err.stack}\n`);
    return 2;
  }
}
