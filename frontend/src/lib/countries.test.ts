import { describe, expect, it } from "vitest";
import { COUNTRY_CODES, countryName, countryOptions } from "./countries";

describe("countryOptions", () => {
  it("offers every code the API accepts, named in the UI language and sorted by name", () => {
    const sl = countryOptions("sl");
    expect(sl).toHaveLength(COUNTRY_CODES.length);
    expect(sl.find((c) => c.code === "DE")?.name).toBe("Nemčija");
    expect(countryOptions("de").find((c) => c.code === "SI")?.name).toBe("Slowenien");
    expect(countryOptions("en").find((c) => c.code === "AT")?.name).toBe("Austria");
    const names = sl.map((c) => c.name);
    expect(names).toEqual([...names].sort(new Intl.Collator("sl").compare));
  });

  it("names one country, or keeps a code it does not know", () => {
    expect(countryName("fr", "de")).toBe("Allemagne");
    expect(countryName("en", "XX")).toBe("XX");
    expect(countryName("en", null)).toBe("");
  });
});
