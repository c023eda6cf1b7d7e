import type { Command } from 'commander';
import { registerApiServer } from './apiserver.ts';
import { registerMetricsServer } from './metrics-server.ts';
import { registerValidate } from './validate.ts';
import { registerConvert } from './convert.ts';
import { registerManualControl } from './manual-control.ts';
import { registerStatus } from './status.ts';
import { registerController } from './controller.ts';

/** A subcommand adds itself to the program; one file per command under src/cli/. */
export type RegisterCommand = (program: Command) => void;

// Each command file exports one RegisterCommand; list it here, one line each.
export const commands: RegisterCommand[] = [
  registerController,
  registerMetricsServer,
  registerApiServer,
  registerValidate,
  registerConvert,
  registerManualControl,
  registerStatus,
];
