import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { RegisterCommand } from './commands.ts';
import { createValidator, isKanariDocument } from '../api/validation.ts';
import { formatValidationError } from '../api/validation-error.ts';
import { objectLabel, parseYamlDocuments } from '../api/yaml-documents.ts';
import { FLAGGER_GROUP } from '../api/flagger-convert.ts';
import { compareTemplateRules } from '../api/compare-rules.ts';
import type { Canary } from '../api/canary.ts';
import type { MetricTemplate } from '../api/metric-template.ts';

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

/** Prints `file: Kind/name: path: message` per problem; returns the exit status. */
async function validateFiles(files: string[]): Promise<number> {
  const validator = createValidator();
  let problems = 0;
  let checked = 0;
  // Compared metrics need their MetricTemplate's counts: checked once every file is read.
  const canaries: { shown: string; canary: Canary }[] = [];
  const templates = new Map<string, MetricTemplate>();
  for (const file of files) {
    const shown = file === '-' ? '<stdin>' : file;
    let text: string;
    try {
      text = file === '-' ? await readStdin() : await readFile(file, 'utf8');
    } catch (error) {
      console.log(`${shown}: cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
      problems += 1;
      continue;
    }
    for (const document of parseYamlDocuments(text)) {
      if (!document.ok) {
        console.log(`${shown}: document ${document.index + 1}: not valid YAML: ${document.error}`);
        problems += 1;
        continue;
      }
      if (!isKanariDocument(document.value)) {
        const apiVersion = String((document.value as { apiVersion?: unknown }).apiVersion ?? 'missing');
        const hint = apiVersion.startsWith(`${FLAGGER_GROUP}/`) ? ': `kanari convert` turns Flagger objects into Kanari ones' : '';
        console.error(`${shown}: ${objectLabel(document.value)}: skipped, not a Kanari object (apiVersion ${apiVersion})${hint}`);
        continue;
      }
      checked += 1;
      const result = validator.validate(document.value);
      for (const error of result.errors) console.log(`${shown}: ${objectLabel(document.value)}: ${formatValidationError(error)}`);
      problems += result.errors.length;
      if (result.valid && result.value.kind === 'Canary') canaries.push({ shown, canary: result.value });
      if (result.valid && result.value.kind === 'MetricTemplate') templates.set(`${result.value.metadata.namespace ?? 'default'}/${result.value.metadata.name}`, result.value);
    }
  }
  for (const { shown, canary } of canaries) {
    const errors = compareTemplateRules(canary, (namespace, name) => templates.get(`${namespace}/${name}`));
    for (const error of errors) console.log(`${shown}: ${objectLabel(canary)}: ${formatValidationError(error)}`);
    problems += errors.length;
  }
  if (problems > 0) return 1;
  console.log(checked === 0 ? 'OK: no Kanari objects found' : `OK: ${checked} Kanari object${checked === 1 ? '' : 's'} valid`);
  return 0;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
