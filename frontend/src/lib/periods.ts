/**
 * Calendar periods as the reports API takes them (`date_from`, `date_to`: `YYYY-MM-DD`, both days included),
 * worked out from a day (`today()`, UTC) without the browser's time zone.
 */

export interface Period {
  date_from: string;
  date_to: string;
}

export const PRESETS = ["thisMonth", "lastMonth", "thisQuarter", "lastQuarter", "thisYear"] as const;
export type Preset = (typeof PRESETS)[number];

const pad = (n: number): string => String(n).padStart(2, "0");
const iso = (year: number, month: number, day: number): string => `${year}-${pad(month)}-${pad(day)}`;

/** The months `from` (1–12 of `year`) and the `count - 1` after it, as one period. */
function months(year: number, month: number, count: number): Period {
  const start = new Date(Date.UTC(year, month - 1, 1));
  const end = new Date(Date.UTC(year, month - 1 + count, 0));
  return {
    date_from: iso(start.getUTCFullYear(), start.getUTCMonth() + 1, 1),
    date_to: iso(end.getUTCFullYear(), end.getUTCMonth() + 1, end.getUTCDate()),
  };
}

const parts = (day: string): [number, number] => [Number(day.slice(0, 4)), Number(day.slice(5, 7))];

/** A preset's period around `day` (`YYYY-MM-DD`). */
export function presetPeriod(preset: Preset, day: string): Period {
  const [year, month] = parts(day);
  const quarter = Math.floor((month - 1) / 3) * 3 + 1;
  switch (preset) {
    case "thisMonth":
      return months(year, month, 1);
    case "lastMonth":
      return months(year, month - 1, 1);
    case "thisQuarter":
      return months(year, quarter, 3);
    case "lastQuarter":
      return months(year, quarter - 3, 3);
    case "thisYear":
      return months(year, 1, 12);
  }
}

/** The preset whose period `period` is, if any (around `day`). */
export function presetOf(period: Period, day: string): Preset | undefined {
  return PRESETS.find((preset) => {
    const p = presetPeriod(preset, day);
    return p.date_from === period.date_from && p.date_to === period.date_to;
  });
}

/** The last `count` months up to and including `day`'s month: from the first of the earliest to `day`'s month end. */
export function lastMonths(day: string, count: number): Period {
  const [year, month] = parts(day);
  return months(year, month - count + 1, count);
}

/** `2026-11` → the month before, `2026-10`. */
export function previousMonth(key: string): string {
  const [year, month] = parts(`${key}-01`);
  return month === 1 ? `${year - 1}-12` : `${year}-${pad(month - 1)}`;
}


