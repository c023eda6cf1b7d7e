/**
 * An AlertProvider's message text override: a `{{ }}` template over the message fields. It is checked
 * when the AlertProvider is validated, so a typo is reported on the object, not discovered at rollback.
 */
import { renderTemplate, templateVariables, TemplateError } from '../text/template.ts';
import { templateValues, TEMPLATE_FIELDS, type Notification } from './message.ts';

/** Throws TemplateError naming the first placeholder that is not a message field. */
export function validateMessageTemplate(template: string): void {
  const known: readonly string[] = TEMPLATE_FIELDS;
  const unknown = templateVariables(template).find((name) => !known.includes(name));
  if (unknown !== undefined) throw new TemplateError(unknown, [...TEMPLATE_FIELDS]);
}

/** The text of `message` through `template`, or its default text when there is no template. */
export function messageText(message: Notification, template?: string): string {
  if (!template) return templateValues(message).text as string;
  return renderTemplate(template, templateValues(message));
}
