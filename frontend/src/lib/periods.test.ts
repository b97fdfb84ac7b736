import { describe, expect, it } from "vitest";
import { lastMonths, presetOf, presetPeriod, previousMonth } from "./periods";

describe("report periods", () => {
  it("work out each preset around a day, across year ends and leap years", () => {
    expect(presetPeriod("thisMonth", "2028-02-10")).toEqual({ date_from: "2028-02-01", date_to: "2028-02-29" });
    expect(presetPeriod("lastMonth", "2026-01-15")).toEqual({ date_from: "2025-12-01", date_to: "2025-12-31" });
    expect(presetPeriod("thisQuarter", "2026-12-03")).toEqual({ date_from: "2026-10-01", date_to: "2026-12-31" });
    expect(presetPeriod("lastQuarter", "2026-02-03")).toEqual({ date_from: "2025-10-01", date_to: "2025-12-31" });
    expect(presetPeriod("lastQuarter", "2026-12-03")).toEqual({ date_from: "2026-07-01", date_to: "2026-09-30" });
    expect(presetPeriod("thisYear", "2026-12-03")).toEqual({ date_from: "2026-01-01", date_to: "2026-12-31" });
  });

  it("recognise a preset's period", () => {
    expect(presetOf({ date_from: "2026-11-01", date_to: "2026-11-30" }, "2026-12-03")).toBe("lastMonth");
    expect(presetOf({ date_from: "2026-11-01", date_to: "2026-11-29" }, "2026-12-03")).toBeUndefined();
  });

  it("span the last twelve months and step back a month", () => {
    expect(lastMonths("2026-12-03", 12)).toEqual({ date_from: "2026-01-01", date_to: "2026-12-31" });
    expect(lastMonths("2026-03-31", 12)).toEqual({ date_from: "2025-04-01", date_to: "2026-03-31" });
    expect(previousMonth("2026-01")).toBe("2025-12");
    expect(previousMonth("2026-11")).toBe("2026-10");
  });
});
