/**
 * The VAT decision as the server makes it (never worked out here): what a line may say about itself for
 * the decision (`kind`, `tax_class`), and the treatment a document or the editor's preview carries.
 */
import type { Schemas } from "../../api/client";

export const LINE_KINDS = ["services", "goods", "digital"] as const;
export const TAX_CLASSES = ["standard", "reduced", "reduced_2", "super_reduced", "zero"] as const;
export type LineKind = (typeof LINE_KINDS)[number];
export type TaxClass = (typeof TAX_CLASSES)[number];
// the API's own lists (the generated schema), both ways: a kind or class the server adds fails the type-check here
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const kindsMatch: Same<LineKind, Schemas["ItemOut"]["kind"]> = true;
const classesMatch: Same<TaxClass, Schemas["ItemOut"]["tax_class"]> = true;
void [kindsMatch, classesMatch];

export type TaxTreatment = Schemas["TaxTreatmentOut"];
export type InvoicePreview = Schemas["InvoicePreview"];
export type PreviewLine = InvoicePreview["items"][number];

export const isLineKind = (value: string): value is LineKind => (LINE_KINDS as readonly string[]).includes(value);
export const isTaxClass = (value: string): value is TaxClass => (TAX_CLASSES as readonly string[]).includes(value);
