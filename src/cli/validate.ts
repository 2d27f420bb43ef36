import type { CliCommand } from './io.js';

// Placeholder replaced by the foundation work (issue 2).
export const validateCommand: CliCommand = {
  name: 'validate',
  summary: 'check hunt reports against the schema and ATT&CK',
  usage: 'usage: peak-to-sigma validate <files, dirs or globs...> [--format text|json]',
  async run() {
    throw new Error('not implemented yet');
  }
};
