import { parse, validate } from 'node-cron';
import type { RolloutWindow } from '../api/canary.ts';

/**
 * Rollout windows: the weight only advances while the current minute matches one of the cron schedules
 * (`analysis.window.schedules`, node-cron's 5- or 6-field syntax; a seconds field is ignored because
 * windows are minute-grained). Evaluated against a given instant, never the clock.
 */

/** Problems with the window's expressions, worded for a person; empty when valid. */
export function validateRolloutWindow(window: RolloutWindow | undefined): string[] {
  if (window === undefined) return [];
  const problems: string[] = [];
  // Worded as the API's validation words them (field = value: rule), which the controller reports instead when it ran.
  window.schedules.forEach((schedule, i) => {
    if (!validate(schedule)) problems.push(`spec.analysis.window.schedules[${i}] = ${JSON.stringify(schedule)}: is not a valid cron expression`);
  });
  if (window.timezone !== undefined && !isKnownTimezone(window.timezone)) {
    problems.push(`spec.analysis.window.timezone = ${JSON.stringify(window.timezone)}: is not a known IANA time zone`);
  }
  return problems;
}

/** True when `now` falls in the window (or there is no window); an invalid schedule never matches. */
export function isInRolloutWindow(window: RolloutWindow | undefined, now: number): boolean {
  if (window === undefined) return true;
  const moment = calendarFields(now, window.timezone ?? 'UTC');
  return window.schedules.some((schedule) => matchesSchedule(schedule, moment));
}

interface CalendarFields {
  minute: number;
  hour: number;
  dayOfMonth: number;
  month: number;
  dayOfWeek: number;
}

function matchesSchedule(schedule: string, moment: CalendarFields): boolean {
  if (!validate(schedule)) return false;
  const fields = parse(schedule);
  const days = fields.dayOfWeek.map((day) => (day === 7 ? 0 : day));
  return (
    fields.minute.includes(moment.minute) &&
    fields.hour.includes(moment.hour) &&
    fields.dayOfMonth.includes(moment.dayOfMonth) &&
    fields.month.includes(moment.month) &&
    days.includes(moment.dayOfWeek)
  );
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

function calendarFields(now: number, timeZone: string): CalendarFields {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    minute: 'numeric',
    hour: 'numeric',
    day: 'numeric',
    month: 'numeric',
    weekday: 'short',
  }).formatToParts(new Date(now));
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return {
    minute: Number(part('minute')),
    hour: Number(part('hour')),
    dayOfMonth: Number(part('day')),
    month: Number(part('month')),
    dayOfWeek: WEEKDAYS.indexOf(part('weekday')),
  };
}

function isKnownTimezone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}
