// @vitest-environment jsdom
/** A filter that takes one value or several is sent as the parameter repeated, and none for "all". */
import { describe, expect, it } from "vitest";
import { oneOrMany } from "./client";

describe("oneOrMany", () => {
  it("sends one value as a list of one and several as they are", () => {
    expect(oneOrMany("issued")).toEqual(["issued"]);
    expect(oneOrMany(["issued", "partially_paid"] as const)).toEqual(["issued", "partially_paid"]);
  });
  it("sends nothing for all (an empty select, or no filter)", () => {
    expect(oneOrMany("")).toBeUndefined();
    expect(oneOrMany(undefined)).toBeUndefined();
  });
});
