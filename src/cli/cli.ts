// The `tether` command: parses the command line and dispatches to one command module.
import { Command, CommanderError } from 'commander';
import { certsCommand } from './certs.ts';
import { decodeCommand } from './decode.ts';
import { translateCommand } from './translate.ts';
import { serveCommand } from './serve.ts';

export async function runCli(argv: string[]): Promise<number> {
  const program = new Command('tether')
    .description('Envoy xDS control plane for sticky sessions')
    .exitOverride();
  program.addCommand(serveCommand());
  program.addCommand(decodeCommand());
  program.addCommand(translateCommand());
  program.addCommand(certsCommand());
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    throw err;
  }
}
