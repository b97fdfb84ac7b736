import { describe, expect, it } from "vitest";
import { fromPrefill } from "../invoices/draft";
import { estimateBody, estimateChanges } from "./draft";

describe("an estimate's body", () => {
  const draft = { ...fromPrefill({ items: [{ name: "Workshop", price: "450" }] }, "EUR"), dateDue: "2026-12-31", validUntil: "2026-12-20" };

  it("has valid_until and never a due date", () => {
    const body = estimateBody(draft);
    expect(body.valid_until).toBe("2026-12-20");
    expect("date_due" in body).toBe(false);
    expect(body.items[0]).toMatchObject({ name: "Workshop", price: "450" });
  });

  it("leaves valid_until to the server when empty", () => {
    expect(estimateBody({ ...draft, validUntil: "" }).valid_until).toBeNull();
    expect("valid_until" in estimateChanges({ ...draft, validUntil: "" })).toBe(false);
    expect(estimateChanges(draft).valid_until).toBe("2026-12-20");
  });
});
