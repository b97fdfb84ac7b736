import { describe, expect, it } from "vitest";
import { add, cmp, dec, div, isZero, mul, parseDec, round, sub, toFixed } from "./decimal";

describe("parseDec", () => {
  it("reads integers, fractions, signs and a decimal comma", () => {
    expect(parseDec("12")).toEqual({ v: 12n, s: 0 });
    expect(parseDec(" -1.50 ")).toEqual({ v: -150n, s: 2 });
    expect(parseDec("0,5")).toEqual({ v: 5n, s: 1 });
    expect(parseDec(".25")).toEqual({ v: 25n, s: 2 });
    expect(parseDec(3)).toEqual({ v: 3n, s: 0 });
  });

  it("refuses what is not a number", () => {
    for (const text of ["", " ", ".", "abc", "1.2.3", "1e3", null, undefined]) expect(parseDec(text)).toBeNull();
  });

  it("dec falls back to zero", () => {
    expect(isZero(dec("x"))).toBe(true);
  });
});

describe("arithmetic", () => {
  it("adds and subtracts across scales exactly (no float drift)", () => {
    expect(toFixed(add(dec("0.1"), dec("0.2")), 2)).toBe("0.30");
    expect(toFixed(sub(dec("1"), dec("0.999")), 3)).toBe("0.001");
  });

  it("multiplies", () => {
    expect(toFixed(mul(dec("3"), dec("19.99")), 2)).toBe("59.97");
  });

  it("rounds half up, away from zero on a tie", () => {
    expect(toFixed(round(dec("2.345"), 2), 2)).toBe("2.35");
    expect(toFixed(round(dec("-2.345"), 2), 2)).toBe("-2.35");
    expect(toFixed(round(dec("2.344"), 2), 2)).toBe("2.34");
    expect(toFixed(round(dec("0.5"), 0), 0)).toBe("1");
  });

  it("divides with half-up rounding at the given scale", () => {
    expect(toFixed(div(dec("10"), dec("3"), 4), 4)).toBe("3.3333");
    expect(toFixed(div(dec("2"), dec("3"), 2), 2)).toBe("0.67");
    expect(toFixed(div(dec("-1"), dec("8"), 2), 2)).toBe("-0.13");
  });

  it("writes small and negative values with their leading zero", () => {
    expect(toFixed(dec("0.05"), 2)).toBe("0.05");
    expect(toFixed(dec("-0.05"), 2)).toBe("-0.05");
    expect(toFixed(dec("7"), 0)).toBe("7");
  });

  it("compares across scales", () => {
    expect(cmp(dec("1.50"), dec("1.5"))).toBe(0);
    expect(cmp(dec("1.49"), dec("1.5"))).toBe(-1);
    expect(cmp(dec("2"), dec("-3"))).toBe(1);
  });
});
