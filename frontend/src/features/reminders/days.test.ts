import { describe, expect, it } from "vitest";
import { addDay, checkDay, MAX_DAYS, removeDay } from "./days";

describe("reminder days", () => {
  it("accepts whole days from 1 to 365 not yet listed", () => {
    expect(checkDay("3", [7, 14])).toEqual({ day: 3 });
    expect(checkDay(" 365 ", [])).toEqual({ day: 365 });
    expect(checkDay("1", [])).toEqual({ day: 1 });
  });

  it("refuses what the API refuses", () => {
    for (const bad of ["", "0", "366", "-1", "2.5", "7d", "1000"]) expect(checkDay(bad, [])).toEqual({ problem: "invalid" });
    expect(checkDay("7", [7, 14])).toEqual({ problem: "duplicate" });
    const full = Array.from({ length: MAX_DAYS }, (_, i) => i + 1);
    expect(checkDay("100", full)).toEqual({ problem: "tooMany" });
  });

  it("keeps the days in order", () => {
    expect(addDay([7, 30], 14)).toEqual([7, 14, 30]);
    expect(addDay([], 3)).toEqual([3]);
    expect(removeDay([7, 14, 30], 14)).toEqual([7, 30]);
  });
});
