import { pino, type Logger, type LevelWithSilent } from 'pino';
import { textLines } from './text-lines.ts';

export type { Logger } from 'pino';

/** Options of the process logger, set by `kanari controller --log-level`. */
export interface LoggerOptions {
  level?: LevelWithSilent;
  /** Where lines go; defaults to stdout. Tests pass a stream to read what was logged. */
  destination?: NodeJS.WritableStream;
  /** `json` (the default, for log pipelines) or `text` (for a person at a terminal). */
  format?: 'json' | 'text';
}

/** Creates the JSON logger every component receives; there is no global logger. */
export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // Secrets can only reach a log line by mistake; these paths are the mistakes worth guarding.
      redact: { paths: ['*.token', '*.password', '*.address', '*.url', 'headers.authorization'], censor: '[redacted]' },
    },
    options.format === 'text' ? textLines(options.destination ?? process.stdout) : (options.destination ?? process.stdout),
  );
}

/** A child logger whose every line carries the Canary's `canary` and `namespace` fields. */
export function canaryLogger(logger: Logger, canary: { name: string; namespace: string }): Logger {
  return logger.child({ canary: canary.name, namespace: canary.namespace });
}
