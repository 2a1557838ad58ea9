// Process entry: the `tether` command line. The commands live in cli/.
import { runCli } from './cli/cli.ts';

process.exitCode = await runCli(process.argv.slice(2));
