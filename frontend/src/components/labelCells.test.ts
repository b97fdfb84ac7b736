// @vitest-environment jsdom
import { describe, expect, it } from "vitest";
import { labelCells } from "./PagedTable";

describe("labelCells", () => {
  it("gives each body cell its column's header, so a phone can show rows as cards", () => {
    document.body.innerHTML = `<table>
      <thead><tr><th>Number</th><th>Customer</th><th class="num">Total</th></tr></thead>
      <tbody>
        <tr><td>2026-00001</td><td>ACME</td><td class="num">€1.00</td></tr>
        <tr><td colspan="3">a panel across the row</td></tr>
      </tbody></table>`;
    const table = document.querySelector("table")!;
    labelCells(table);
    const [first, panel] = Array.from(table.tBodies[0].rows);
    expect(Array.from(first.cells, (c) => c.dataset.label)).toEqual(["Number", "Customer", "Total"]);
    expect(panel.cells[0].dataset.label).toBeUndefined();

    // the headers' language changed: the labels follow
    table.tHead!.rows[0].cells[2].textContent = "Skupaj";
    labelCells(table);
    expect(first.cells[2].dataset.label).toBe("Skupaj");
  });
});
