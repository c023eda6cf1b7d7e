import { LabelSelector, LabelSelectorError } from '../../kube/label-selector.ts';
import { badRequest } from './api-error.ts';

/** Parses a `labelSelector` query parameter; one the real server rejects is a 400 in its words. */
export function parseLabelSelectorQuery(text: string | null | undefined): LabelSelector {
  try {
    return LabelSelector.parse(text);
  } catch (err) {
    if (err instanceof LabelSelectorError) throw badRequest(`unable to parse requirement: found '${err.part}', expected: in, notin, =, ==, !=, gt, lt`);
    throw err;
  }
}
