import { stringify } from 'yaml';
import type { Command } from 'commander';
import type { RegisterCommand } from './commands.ts';
import { convertFlaggerDocuments, formatConversionNote } from '../api/flagger-convert.ts';
import { createValidator } from '../api/validation.ts';
import { formatValidationError } from '../api/validation-error.ts';
import { objectLabel, parseYamlDocuments } from '../api/yaml-documents.ts';
import { readInputFile, yamlProblemLines } from './input-file.ts';

/** `kanari convert [FILE|-]`: Flagger YAML in, Kanari YAML on stdout, what could not be carried over on stderr. */
export const registerConvert: RegisterCommand = (program: Command) => {
  program
    .command('convert')
    .description('convert Flagger Canary, MetricTemplate and AlertProvider YAML to Kanari YAML; notes on stderr')
    .argument('[file]', 'a YAML file with one or more documents; - or nothing reads stdin', '-')
    .action(async (file: string) => {
      process.exitCode = await convertFile(file);
    });
};

async function convertFile(file: string): Promise<number> {
  const text = await readInputFile(file);
  const parsed = parseYamlDocuments(text);
  for (const document of parsed) {
    if (!document.ok) for (const problem of document.problems) console.error(yamlProblemLines(file, problem, ', document skipped').join('\n'));
  }
  const values = parsed.flatMap((document) => (document.ok ? [document.value] : []));
  const result = convertFlaggerDocuments(values);
  for (const note of result.notes) console.error(formatConversionNote(note));
  const output = result.documents.flatMap((document) => (document.converted ? [document.converted] : []));
  // Say so when a converted object still needs a hand edit, rather than let `kubectl apply` find out.
  const validator = createValidator();
  for (const document of result.documents) {
    if (document.source !== 'flagger' || !document.converted) continue;
    for (const error of validator.validate(document.converted).errors) {
      console.error(`${objectLabel(document.converted)}: converted, but needs an edit: ${formatValidationError(error)}`);
    }
  }
  process.stdout.write(output.map((object) => stringify(object, { lineWidth: 0 })).join('---\n'));
  if (result.convertedCount === 0) {
    console.error('nothing converted: no Flagger Canary, MetricTemplate or AlertProvider could be carried over');
    return 1;
  }
  // A pipeline must notice an object left behind, even when others were written.
  if (result.refused.length > 0) {
    console.error(`not converted (see the notes above): ${result.refused.join(', ')}`);
    return 1;
  }
  return 0;
}
