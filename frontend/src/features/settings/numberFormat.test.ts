import { describe, expect, it } from "vitest";
import { exampleNumber } from "./numberFormat";

const on = new Date("2026-03-15T00:00:00Z");

describe("exampleNumber", () => {
  it("renders a format as the API numbers documents", () => {
    expect(exampleNumber("{yyyy}-{nnnnn}", on)).toBe("2026-00001");
    expect(exampleNumber("CN-{yyyy}-{nnnnn}", on)).toBe("CN-2026-00001");
    expect(exampleNumber("INV/{yy}{mm}/{nnn}", on, 42)).toBe("INV/2603/042");
    expect(exampleNumber("R{n}", on, 1234)).toBe("R1234");
  });

  it("has no example for a format the API refuses", () => {
    expect(exampleNumber("INV-{yyyy}", on)).toBeNull(); // no sequence
    expect(exampleNumber("{nn}-{nnn}", on)).toBeNull(); // two sequences
    expect(exampleNumber("{year}-{nnn}", on)).toBeNull(); // unknown token
    expect(exampleNumber("{nnn", on)).toBeNull(); // unbalanced
    expect(exampleNumber("{nnnnnnnnnnnnn}", on)).toBeNull(); // pads past 12 digits
    expect(exampleNumber("", on)).toBeNull();
    expect(exampleNumber("x".repeat(61) + "{n}", on)).toBeNull();
  });
});
