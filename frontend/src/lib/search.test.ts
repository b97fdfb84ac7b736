import { describe, expect, it } from "vitest";
import { cursor, isoDate, matching, oneOf, PAGING, parseSearch, positiveInt, text, trail } from "./search";

describe("validators", () => {
  it("text: trimmed, not empty, within the limit", () => {
    expect(text()("  acme ")).toBe("acme");
    expect(text()("   ")).toBeUndefined();
    expect(text(3)("abcd")).toBeUndefined();
  });

  it("isoDate: only real calendar dates", () => {
    expect(isoDate("2026-02-28")).toBe("2026-02-28");
    expect(isoDate("2024-02-29")).toBe("2024-02-29");
    expect(isoDate("2026-02-30")).toBeUndefined();
    expect(isoDate("2026-13-01")).toBeUndefined();
    expect(isoDate("28.02.2026")).toBeUndefined();
    expect(isoDate("2026-02-28T00:00")).toBeUndefined();
  });

  it("oneOf and matching", () => {
    expect(oneOf(["paid", "draft"] as const)("paid")).toBe("paid");
    expect(oneOf(["paid", "draft"] as const)("PAID")).toBeUndefined();
    expect(matching(/^a+$/)("aaa")).toBe("aaa");
    expect(matching(/^a+$/)("ab")).toBeUndefined();
  });

  it("positiveInt: whole numbers from 1", () => {
    expect(positiveInt()("3")).toBe(3);
    for (const raw of ["0", "-1", "1.5", "2e3", "", "abc", "9999999999"]) expect(positiveInt()(raw)).toBeUndefined();
    expect(positiveInt(10)("11")).toBeUndefined();
  });

  it("cursor and trail: ids, and `-` for the first page", () => {
    expect(cursor("inv_01HX")).toBe("inv_01HX");
    expect(cursor("inv_01hx.1a2b3c4d")).toBe("inv_01hx.1a2b3c4d"); // the API's opaque cursor: id and check
    expect(cursor("inv 1")).toBeUndefined();
    expect(cursor("<script>")).toBeUndefined();
    expect(trail("-,inv_2")).toEqual(["-", "inv_2"]);
    expect(trail("-,bad id")).toBeUndefined();
  });
});

describe("parseSearch", () => {
  const schema = { status: oneOf(["paid", "draft"] as const), date_from: isoDate, search: text(), ...PAGING };

  it("keeps valid values and drops the rest (they fall back to the default)", () => {
    const params = new URLSearchParams("status=bogus&date_from=2026-01-15&search=%20tea%20&page=0&cursor=inv_9&other=x");
    expect(parseSearch(schema, params)).toEqual({ date_from: "2026-01-15", search: "tea", cursor: "inv_9" });
  });

  it("reads an empty query as no state at all", () => {
    expect(parseSearch(schema, new URLSearchParams())).toEqual({});
  });
});
