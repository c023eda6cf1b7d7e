import type { Command } from 'commander';

/** A subcommand adds itself to the program; one file per command under src/cli/. */
export type RegisterCommand = (program: Command) => void;

/**
 * Subcommand name → its file, loaded only when that command runs: importing every command pulls in
 * client-node, the sandbox server and more, which made every CLI start cost over a second of CPU.
 * `kanari --help` (no known subcommand) loads them all.
 */
export const commandLoaders: Record<string, () => Promise<RegisterCommand>> = {
  controller: async () => (await import('./controller.ts')).registerController,
  'metrics-server': async () => (await import('./metrics-server.ts')).registerMetricsServer,
  apiserver: async () => (await import('./apiserver.ts')).registerApiServer,
  validate: async () => (await import('./validate.ts')).registerValidate,
  convert: async () => (await import('./convert.ts')).registerConvert,
  promote: async () => (await import('./manual-control.ts')).registerManualControl,
  abort: async () => (await import('./manual-control.ts')).registerManualControl,
  pause: async () => (await import('./manual-control.ts')).registerManualControl,
  resume: async () => (await import('./manual-control.ts')).registerManualControl,
  retry: async () => (await import('./manual-control.ts')).registerManualControl,
  status: async () => (await import('./status.ts')).registerStatus,
  list: async () => (await import('./status.ts')).registerStatus,
  mesh: async () => (await import('./mesh.ts')).registerMesh,
  dashboard: async () => (await import('./dashboard.ts')).registerDashboard,
  playground: async () => (await import('./playground.ts')).registerPlayground,
  backtest: async () => (await import('./backtest.ts')).registerBacktest,
};

/** The registrations needed for `argv`: the named subcommand's, none for `--version`, or every one for help and unknown names. */
export async function commandsFor(argv: readonly string[]): Promise<RegisterCommand[]> {
  const name = argv.find((arg) => !arg.startsWith('-'));
  if (name === undefined && argv.length > 0 && argv.every((arg) => arg === '--version' || arg === '-V')) return [];
  const loaders = name && commandLoaders[name] ? [commandLoaders[name]] : Object.values(commandLoaders);
  return [...new Set(await Promise.all(loaders.map((load) => load())))];
}
