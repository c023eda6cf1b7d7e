import { Writable } from 'node:stream';

/**
 * Turns the logger's JSON lines into lines a person reads in a terminal
 * (`2026-11-24T07:00:00.000Z INFO  test/podinfo phase changed phase=Progressing weight=0`), for
 * `kanari controller --log-format text`. The JSON is produced (and redacted) first, so both formats
 * carry the same fields.
 */
export function textLines(destination: NodeJS.WritableStream): Writable {
  let pending = '';
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (line) destination.write(`${formatLine(line)}\n`);
      done();
    },
  });
}

/** One JSON log line as text; a line that is not JSON passes through unchanged. */
export function formatLine(line: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const { time, level, msg, canary, namespace, ...rest } = record;
  const subject = canary ? ` ${String(namespace ?? '')}/${String(canary)}` : '';
  const extras = Object.entries(rest).map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  return [`${String(time ?? '')} ${String(level ?? '').toUpperCase().padEnd(5)}${subject} ${String(msg ?? '')}`, ...extras].join(' ');
}
