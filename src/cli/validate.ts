import type { Command } from 'commander';
import type { RegisterCommand } from './commands.ts';
import { createValidator, isKanariDocument } from '../api/validation.ts';
import { formatValidationError } from '../api/validation-error.ts';
import { objectLabel, parseYamlDocuments } from '../api/yaml-documents.ts';
import { FLAGGER_GROUP } from '../api/flagger-convert.ts';
import { compareTemplateRules } from '../api/compare-rules.ts';
import type { Canary } from '../api/canary.ts';
import type { MetricTemplate } from '../api/metric-template.ts';
import { CliError } from './cli-error.ts';
import { readInputFile, shownName, yamlProblemLines } from './input-file.ts';

/** `kanari validate FILE…`: checks Kanari YAML offline with the same rules the controller applies. */
export const registerValidate: RegisterCommand = (program: Command) => {
  program
    .command('validate')
    .description('validate Canary, MetricTemplate and AlertProvider YAML offline (use - for stdin); exit 1 on any error')
    .argument('<files...>', 'YAML files, several documents each; - reads stdin')
    .action(async (files: string[]) => {
      process.exitCode = await validateFiles(files);
    });
};

/**
 * Prints every problem of every file in one run, in file order, as `FILE:LINE: Kind/name: field = value: rule`
 * (an editor jumps to the line); YAML mistakes as `FILE:LINE:COLUMN: not valid YAML: …`. Returns the exit status.
 */
async function validateFiles(files: string[]): Promise<number> {
  const validator = createValidator();
  let problems = 0;
  let checked = 0;
  // Compared metrics need their MetricTemplate's counts: checked once every file is read.
  const canaries: { shown: string; canary: Canary; line: (path: string) => number }[] = [];
  const templates = new Map<string, MetricTemplate>();
  for (const file of files) {
    const shown = shownName(file);
    let text: string;
    try {
      text = await readInputFile(file);
    } catch (error) {
      if (!(error instanceof CliError)) throw error;
      console.log(error.message);
      problems += 1;
      continue;
    }
    for (const document of parseYamlDocuments(text)) {
      if (!document.ok) {
        for (const problem of document.problems) console.log(yamlProblemLines(file, problem).join('\n'));
        problems += document.problems.length;
        continue;
      }
      if (!isKanariDocument(document.value)) {
        const apiVersion = String((document.value as { apiVersion?: unknown }).apiVersion ?? 'missing');
        const hint = apiVersion.startsWith(`${FLAGGER_GROUP}/`) ? ': `kanari convert` turns Flagger objects into Kanari ones' : '';
        console.error(`${shown}:${document.line}: ${objectLabel(document.value)}: skipped, not a Kanari object (apiVersion ${apiVersion})${hint}`);
        continue;
      }
      checked += 1;
      const result = validator.validate(document.value);
      const errors = result.errors.map((error) => ({ error, line: document.locate(error.path)?.line ?? document.line }));
      // In the order of the file, as a person reads and fixes it; the sort is stable for errors on one line.
      errors.sort((a, b) => a.line - b.line);
      for (const { error, line } of errors) console.log(`${shown}:${line}: ${objectLabel(document.value)}: ${formatValidationError(error)}`);
      problems += errors.length;
      if (result.valid && result.value.kind === 'Canary') canaries.push({ shown, canary: result.value, line: (path) => document.locate(path)?.line ?? document.line });
      if (result.valid && result.value.kind === 'MetricTemplate') templates.set(`${result.value.metadata.namespace ?? 'default'}/${result.value.metadata.name}`, result.value);
    }
  }
  for (const { shown, canary, line } of canaries) {
    const errors = compareTemplateRules(canary, (namespace, name) => templates.get(`${namespace}/${name}`));
    for (const error of errors) console.log(`${shown}:${line(error.path)}: ${objectLabel(canary)}: ${formatValidationError(error)}`);
    problems += errors.length;
  }
  if (problems > 0) return 1;
  // Nothing to check is a failure: `kanari convert x | kanari validate -` must not pass when convert wrote nothing.
  if (checked === 0) {
    console.log('no Kanari objects found: nothing was validated');
    return 1;
  }
  console.log(`OK: ${checked} Kanari object${checked === 1 ? '' : 's'} valid`);
  return 0;
}
