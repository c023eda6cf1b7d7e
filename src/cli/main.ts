import { Command } from 'commander';
import { kanariVersion } from '../controller/kanari-version.ts';
import { commandsFor } from './commands.ts';

const version = kanariVersion();

/** Entry point of the `kanari` binary: every subcommand registers itself from its own file. */
async function main(): Promise<void> {
  // bin/kubectl-kanari.js names the program as kubectl shows it.
  const program = new Command(process.env.KANARI_PROGRAM_NAME ?? 'kanari')
    .description('Progressive delivery for Kubernetes on SMI: canaries, blue/green and A/B releases')
    .version(version, '-V, --version', 'print the Kanari version')
    .showHelpAfterError();
  for (const register of await commandsFor(process.argv.slice(2))) register(program);
  await program.parseAsync(process.argv);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
