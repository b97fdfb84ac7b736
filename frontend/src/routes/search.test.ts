import { describe, expect, it } from "vitest";
import { parseSearch } from "../lib/search";
import { auditLogSearch, invoiceListSearch, recordsSearch } from "./search";

const parse = <S extends Parameters<typeof parseSearch>[0]>(schema: S, query: string) => parseSearch(schema, new URLSearchParams(query));

describe("route search params", () => {
  it("the invoice list takes the API's statuses and real dates only", () => {
    expect(parse(invoiceListSearch, "status=partially_paid&date_to=2026-03-31&search=Tea")).toEqual({ status: "partially_paid", date_to: "2026-03-31", search: "Tea" });
    expect(parse(invoiceListSearch, "status=open&date_from=yesterday")).toEqual({});
  });

  it("the audit log takes an action or a group of them, an object id and an actor", () => {
    expect(parse(auditLogSearch, "action=entity_user.*&object_id=inv_01ABC&actor=user:usr_1")).toEqual({
      action: "entity_user.*",
      object_id: "inv_01ABC",
      actor: "user:usr_1",
    });
    expect(parse(auditLogSearch, "action=invoice.issued")).toEqual({ action: "invoice.issued" });
    expect(parse(auditLogSearch, "action=DROP TABLE&object_id=../../x")).toEqual({});
  });

  it("customers and items take a search, within the API's 200 characters", () => {
    expect(parse(recordsSearch, "search=acme")).toEqual({ search: "acme" });
    expect(parse(recordsSearch, `search=${"x".repeat(201)}`)).toEqual({});
  });
});
