import type { Command } from 'commander';
import { MESHES, type Canary, type Mesh } from '../api/canary.ts';
import type { MetricTemplate } from '../api/metric-template.ts';
import { isAbsoluteHttpUrl } from '../api/http-url.ts';
import { createValidator } from '../api/validation.ts';
import { formatValidationError } from '../api/validation-error.ts';
import { objectLabel, parseYamlDocuments } from '../api/yaml-documents.ts';
import { runBacktest } from '../backtest/backtest.ts';
import { renderBacktest } from '../backtest/report.ts';
import { CliError } from './cli-error.ts';
import type { RegisterCommand } from './commands.ts';
import { readInputFile, yamlProblemLines } from './input-file.ts';

/** `kanari backtest CANARY.yaml --prometheus URL --from T1 --to T2`: what the thresholds and the judge would have decided over a past release. */
export const registerBacktest: RegisterCommand = (program: Command) => {
  program
    .command('backtest')
    .description("replay a Canary's analysis over a past release from Prometheus history, under the threshold policy and under the judge, and say what each would have decided and when")
    .argument('<file>', 'YAML with the Canary (and the MetricTemplates its metrics name)')
    .requiredOption('--prometheus <url>', 'the Prometheus that holds the release window (every query goes there)')
    .requiredOption('--from <time>', 'when the new revision shipped (RFC 3339, e.g. 2026-03-02T10:00:00Z, or epoch seconds)')
    .requiredOption('--to <time>', 'the end of the window')
    .option('--canary <name>', 'the Canary to replay when the file has several')
    .option('--mesh <mesh>', `whose metric names the built-in metrics use (${MESHES.join(', ')}); default: the Canary's spec.mesh, else linkerd`)
    .action(async (file: string, flags: { prometheus: string; from: string; to: string; canary?: string; mesh?: string }) => {
      const options = await readOptions(file, flags);
      const replays = await runBacktest(options);
      for (const line of renderBacktest(options, replays)) console.log(line);
    });
};

async function readOptions(file: string, flags: { prometheus: string; from: string; to: string; canary?: string; mesh?: string }) {
  if (!isAbsoluteHttpUrl(flags.prometheus)) throw new CliError(`--prometheus ${flags.prometheus}: must be an absolute http:// or https:// URL`);
  const from = parseTime('--from', flags.from);
  const to = parseTime('--to', flags.to);
  if (to <= from) throw new CliError(`--to ${flags.to}: must be after --from ${flags.from}`);
  if (flags.mesh !== undefined && !(MESHES as readonly string[]).includes(flags.mesh)) throw new CliError(`--mesh ${flags.mesh}: must be one of ${MESHES.join(', ')}`);
  const validator = createValidator();
  const canaries: Canary[] = [];
  const templates: MetricTemplate[] = [];
  for (const document of parseYamlDocuments(await readInputFile(file))) {
    if (!document.ok) throw new CliError(document.problems.flatMap((problem) => yamlProblemLines(file, problem)).join('\n'));
    const result = validator.validate(document.value);
    if (!result.valid) throw new CliError(`${file}: ${objectLabel(document.value)}: ${result.errors.map(formatValidationError).join('; ')}`);
    if (result.value.kind === 'Canary') canaries.push(result.value);
    if (result.value.kind === 'MetricTemplate') templates.push(result.value);
  }
  const candidates = flags.canary === undefined ? canaries : canaries.filter((c) => c.metadata.name === flags.canary);
  if (candidates.length !== 1) {
    const names = canaries.map((c) => c.metadata.name).join(', ') || 'none';
    throw new CliError(`${file}: ${candidates.length === 0 ? 'no Canary' : 'several Canaries'}${flags.canary ? ` named ${flags.canary}` : ''} (found: ${names}); name one with --canary`);
  }
  return { canary: candidates[0], templates, prometheus: flags.prometheus, from, to, ...(flags.mesh ? { mesh: flags.mesh as Mesh } : {}) };
}

function parseTime(flag: string, text: string): number {
  const ms = /^\d+(\.\d+)?$/.test(text) ? Number(text) * 1000 : Date.parse(text);
  if (!Number.isFinite(ms)) throw new CliError(`${flag} ${text}: must be an RFC 3339 time (2026-03-02T10:00:00Z) or epoch seconds`);
  return ms;
}
