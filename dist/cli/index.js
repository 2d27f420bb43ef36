#!/usr/bin/env node
var __webpack_exports__ = {};

;// CONCATENATED MODULE: ./src/cli/io.ts
/** Thrown for bad command-line usage; the dispatcher prints it with the usage text and exits 2. */
class UsageError extends Error {
}
const processIO = () => ({
    cwd: process.cwd(),
    env: process.env,
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t)
});

;// CONCATENATED MODULE: ./src/cli/validate.ts
// Placeholder replaced by the foundation work (issue 2).
const validateCommand = {
    name: 'validate',
    summary: 'check hunt reports against the schema and ATT&CK',
    usage: 'usage: peak-to-sigma validate <files, dirs or globs...> [--format text|json]',
    async run() {
        throw new Error('not implemented yet');
    }
};

;// CONCATENATED MODULE: ./src/cli/dispatch.ts


/** Each command lives in its own module; adding one means adding it here. */
const COMMANDS = [validateCommand];
function usage() {
    const lines = COMMANDS.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`);
    return `usage: peak-to-sigma <command> [options]\n\ncommands:\n${lines.join('\n')}\n\nRun 'peak-to-sigma <command> --help' for a command's options.\n`;
}
async function runCli(argv, io) {
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
    }
    catch (err) {
        if (err instanceof UsageError) {
            io.stderr(`peak-to-sigma ${name}: ${err.message}\n\n${command.usage}\n`);
            return 2;
        }
        // Never a stack trace for users; PEAK_TO_SIGMA_DEBUG=1 shows it for maintainers.
        const message = err instanceof Error ? err.message : String(err);
        io.stderr(`peak-to-sigma ${name}: internal error: ${message}\n`);
        if (io.env.PEAK_TO_SIGMA_DEBUG && err instanceof Error && err.stack)
            io.stderr(`${err.stack}\n`);
        return 2;
    }
}

;// CONCATENATED MODULE: ./src/cli/main.ts


const io = processIO();
runCli(process.argv.slice(2), io).then((code) => {
    process.exitCode = code;
}, (err) => {
    io.stderr(`peak-to-sigma: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
});

