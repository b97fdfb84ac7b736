import { describe, expect, it } from "vitest";
import { datePattern } from "./dateFormat";

describe("datePattern", () => {
  it("writes and reads Slovenian dates as d. m. yyyy", () => {
    const sl = datePattern("sl");
    expect(sl.placeholder).toBe("d. m. yyyy");
    expect(sl.format("2026-11-03")).toBe("3. 11. 2026");
    expect(sl.parse("3. 11. 2026")).toBe("2026-11-03");
    expect(sl.parse("3.11.2026")).toBe("2026-11-03");
    expect(sl.parse("03. 11. 26")).toBe("2026-11-03");
  });

  it("follows each locale's order and padding", () => {
    expect(datePattern("de").placeholder).toBe("d.m.yyyy");
    expect(datePattern("en").placeholder).toBe("m/d/yyyy");
    expect(datePattern("fr").placeholder).toBe("dd/mm/yyyy");
    expect(datePattern("hr").placeholder).toBe("dd. mm. yyyy.");
    expect(datePattern("en").parse("11/3/2026")).toBe("2026-11-03");
    expect(datePattern("de").parse("11.3.2026")).toBe("2026-03-11");
    expect(datePattern("de").format("2026-03-11")).toBe("11.3.2026");
  });

  it("accepts ISO dates and refuses what is no calendar date", () => {
    const sl = datePattern("sl");
    expect(sl.parse("2026-02-28")).toBe("2026-02-28");
    expect(sl.parse("30. 2. 2026")).toBeUndefined();
    expect(sl.parse("13. 13. 2026")).toBeUndefined();
    expect(sl.parse("3. 11.")).toBeUndefined();
    expect(sl.parse("")).toBeUndefined();
  });
});
