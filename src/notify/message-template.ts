/**
 * An AlertProvider's message text override: a `{{ }}` template over the message fields. Which fields a
 * template may name is the API's rule (ALERT_TEMPLATE_VARIABLES), checked when the AlertProvider is validated.
 */
import { renderTemplate } from '../text/template.ts';
import { templateValues, type Notification } from './message.ts';

/** The text of `message` through `template`, or its default text when there is no template. */
export function messageText(message: Notification, template?: string): string {
  if (!template) return templateValues(message).text as string;
  return renderTemplate(template, templateValues(message));
}
