/** The days of `settings.reminders.days_after_due`, checked as the API checks them: whole days 1–365, distinct, at most 10. */
export const MAX_DAYS = 10;
export const DEFAULT_DAYS = [7, 14, 30];

export type DayProblem = "invalid" | "duplicate" | "tooMany";

/** Why `input` cannot be added to `days`, or the day it adds. */
export function checkDay(input: string, days: readonly number[]): { day: number } | { problem: DayProblem } {
  const text = input.trim();
  if (!/^\d{1,3}$/.test(text)) return { problem: "invalid" };
  const day = Number(text);
  if (day < 1 || day > 365) return { problem: "invalid" };
  if (days.includes(day)) return { problem: "duplicate" };
  if (days.length >= MAX_DAYS) return { problem: "tooMany" };
  return { day };
}

/** `days` with `day` added, in order. */
export const addDay = (days: readonly number[], day: number): number[] => [...days, day].sort((a, b) => a - b);

/** `days` without `day`. */
export const removeDay = (days: readonly number[], day: number): number[] => days.filter((d) => d !== day);
