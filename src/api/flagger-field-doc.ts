import { FLAGGER_FIELDS, FLAGGER_VALUES, type FlaggerOutcome } from './flagger-fields.ts';

/**
 * The field tables of docs/migrating-from-flagger.md, rendered from the same tables `kanari validate`
 * and `kanari convert` read, between two marker comments (a test fails when the page differs).
 */

export const FLAGGER_TABLE_START = '<!-- Generated from src/api/flagger-field-table.ts by `npm run generate:reference`; do not edit by hand. -->';
export const FLAGGER_TABLE_END = '<!-- End of the generated Flagger field tables. -->';

const OUTCOME_WORDS: Record<FlaggerOutcome, string> = {
  same: 'same',
  rewritten: '**rewritten** by `kanari convert`',
  dropped: '**dropped** by `kanari convert`, refused by `kanari validate`',
  refused: '**refused**: `kanari convert` writes no Canary, `kanari validate` refuses it',
  noted: '**noted** by `kanari convert`',
};

/** The generated block: every field path of Flagger's Canary, then the values with an outcome of their own. */
export function renderFlaggerFieldTables(): string {
  const lines = [
    FLAGGER_TABLE_START,
    '',
    '| Flagger field | In Kanari |',
    '|---|---|',
    ...FLAGGER_FIELDS.map((row) => {
      const field = `\`${row.path}\`${row.subtree ? ' and every field under it' : ''}${row.deprecated ? ' (deprecated, not in the CRD)' : ''}`;
      return `| ${field} | ${OUTCOME_WORDS[row.outcome]}: ${sentence(row.text)} |`;
    }),
    '',
    'Values whose outcome differs from their field\'s:',
    '',
    '| Flagger field | Value | In Kanari |',
    '|---|---|---|',
    ...FLAGGER_VALUES.map((row) => `| \`${row.path}\` | ${row.value.startsWith('(') || row.value.includes(' ') ? row.value : `\`${row.value}\``} | ${OUTCOME_WORDS[row.outcome]}: ${sentence(row.text)} |`),
    '',
    FLAGGER_TABLE_END,
  ];
  return lines.join('\n');
}

/** The page with its generated block replaced; throws when the markers are missing. */
export function withFlaggerFieldTables(page: string): string {
  const start = page.indexOf(FLAGGER_TABLE_START);
  const end = page.indexOf(FLAGGER_TABLE_END);
  if (start < 0 || end < start) throw new Error('docs/migrating-from-flagger.md lost the markers of its generated field tables');
  return page.slice(0, start) + renderFlaggerFieldTables() + page.slice(end + FLAGGER_TABLE_END.length);
}

// Notes are clauses ("an Istio policy: … Remove it"); in a table cell they read as sentences.
function sentence(text: string): string {
  const capital = text.charAt(0).toUpperCase() + text.slice(1);
  return (capital.endsWith('.') ? capital : `${capital}.`).replace(/\|/g, '\\|');
}
