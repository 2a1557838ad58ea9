// The `tether` command: parses the command line and dispatches to one command module.
import { Command, CommanderError } from 'commander';
import { decodeCommand } from './decode.ts';

export async function runCli(argv: string[]): Promise<number> {
  const program = new Command('tether')
    .description('Envoy xDS control plane for sticky sessions')
    .exitOverride();
  program.addCommand(decodeCommand());
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    throw err;
  }
}
