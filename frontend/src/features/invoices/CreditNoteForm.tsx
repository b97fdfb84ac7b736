/**
 * A credit note for an issued invoice: everything not yet credited (the quick path), or chosen lines and
 * quantities plus an optional custom line. The live total follows the draft editor's rules (src/lib/totals.ts);
 * lines are gross when the invoice's prices include tax, as the API credits them. The API decides what may
 * be credited and refuses more than what is left with a 422, shown here in its words.
 */
import { type FormEvent, useMemo, useState } from "react";
import { ApiError, type Invoice, type Schemas } from "../../api/client";
import { describeError } from "../../api/errors";
import { useI18n } from "../../i18n";
import { cmp, dec, sub, toFixed } from "../../lib/decimal";
import { apiTaxes, DEFAULT_TAX_NAME, knownTaxNames, type NamedTax, parseTaxes } from "../../lib/taxes";
import { minorUnit, totalsText } from "../../lib/totals";
import { CreditLines, type LineChoice } from "./CreditLines";
import { type CustomLine, CustomCreditLine } from "./CustomCreditLine";
import { useCreateCreditNote } from "./api";
import { TotalsList } from "./TotalsList";
import { FormButtons } from "../../components/FormButtons";
import { Money } from "../../components/Money";
import { toast } from "../../components/toast";

const normalize = (value: string): string => value.trim().replace(",", ".");

export function CreditNoteForm({ invoice, onDone }: { invoice: Invoice; onDone: () => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const create = useCreateCreditNote(invoice);
  const currency = invoice.currency_code;
  const scale = minorUnit(currency);
  const remaining = toFixed(sub(dec(invoice.total_with_tax), dec(invoice.total_credited)), scale);
  const [mode, setMode] = useState<"remaining" | "lines">("remaining");
  const [reason, setReason] = useState("");
  const [choices, setChoices] = useState<LineChoice[]>(() => invoice.items.map((line) => ({ selected: false, quantity: line.quantity })));
  const firstTaxes = invoice.items.find((line) => line.taxes.length)?.taxes ?? [];
  const [custom, setCustom] = useState<CustomLine>({
    enabled: false,
    name: "",
    amount: "",
    taxName: firstTaxes[0]?.name ?? DEFAULT_TAX_NAME,
    taxes: firstTaxes.length === 1 ? firstTaxes[0].rate : "",
  });
  const taxNames = useMemo(() => knownTaxNames(...invoice.items.map((line) => line.taxes)), [invoice.items]);

  const lines = useMemo((): Schemas["LineIn"][] => {
    const chosen = invoice.items.flatMap((line, i): Schemas["LineIn"][] =>
      choices[i]?.selected
        ? [
            {
              name: line.name,
              description: line.description,
              unit: line.unit,
              quantity: normalize(choices[i].quantity) || "0",
              price: line.price,
              discount: line.discount,
              taxes: line.taxes.map((x: NamedTax) => ({ name: x.name, rate: x.rate })),
            },
          ]
        : [],
    );
    if (custom.enabled)
      chosen.push({
        name: custom.name.trim() || t("credit.customDefaultName", { number: invoice.number ?? "" }),
        quantity: "1",
        price: normalize(custom.amount) || "0",
        taxes: apiTaxes(parseTaxes(custom.taxes, custom.taxName)),
      });
    return chosen;
  }, [invoice, choices, custom, t]);

  const preview = useMemo(
    () =>
      totalsText(
        lines.map((l) => ({ quantity: String(l.quantity ?? "1"), price: String(l.price ?? "0"), discount: String(l.discount ?? "0"), taxes: (l.taxes ?? []).map((x) => ({ name: x.name ?? undefined, rate: String(x.rate) })) })),
        currency,
        invoice.prices_include_tax,
      ),
    [lines, currency, invoice.prices_include_tax],
  );

  const over = mode === "lines" && cmp(dec(preview.totalWithTax), dec(remaining)) > 0;
  const nothing = mode === "lines" && lines.length === 0;
  const refused = create.error instanceof ApiError && create.error.status === 422 ? create.error : null;

  const choose = (index: number, patch: Partial<LineChoice>) => {
    create.reset();
    setChoices((all) => all.map((c, i) => (i === index ? { ...c, ...patch } : c)));
  };
  const edit = (patch: Partial<CustomLine>) => {
    create.reset();
    setCustom((c) => ({ ...c, ...patch }));
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    create.mutate({ items: mode === "remaining" ? undefined : lines, reason: reason.trim() || null }, {
      onSuccess: (note) => {
        toast(t("invoice.creditNoteCreated", { number: note.number ?? "" }));
        onDone();
      },
    });
  };

  return (
    <form className="panel" onSubmit={submit} aria-label={t("invoice.creditNote")}>
      <h2>{t("invoice.creditNote")}</h2>
      <p>
        {t("credit.remaining")}{" "}
        <strong data-testid="credit-remaining">
          <Money amount={remaining} currency={currency} />
        </strong>
      </p>
      <fieldset>
        <legend>{t("credit.what")}</legend>
        <label className="check">
          <input type="radio" name="mode" value="remaining" checked={mode === "remaining"} onChange={() => setMode("remaining")} />
          {t("credit.everything")}
        </label>
        <label className="check">
          <input type="radio" name="mode" value="lines" checked={mode === "lines"} onChange={() => setMode("lines")} />
          {t("credit.chosenLines")}
        </label>
      </fieldset>
      {mode === "remaining" ? (
        <p>{t("invoice.creditNoteHelp")}</p>
      ) : (
        <>
          {invoice.prices_include_tax && <p className="muted">{t("credit.grossHint")}</p>}
          <CreditLines invoice={invoice} choices={choices} onChoose={choose} />
          <CustomCreditLine line={custom} taxNames={taxNames} onChange={edit} />
          <TotalsList currency={currency} labelId="credit-preview" title={t("credit.preview")} {...preview} />
          {over && (
            <p className="warning" role="status">
              {t("credit.overLimit", { remaining: i18n.money(remaining, currency) })}
            </p>
          )}
        </>
      )}
      <label>
        {t("credit.reason")}
        <input name="reason" value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} placeholder={t("credit.reasonPlaceholder")} />
      </label>
      {refused && (
        <div className="field-errors" role="alert">
          <p>{describeError(refused, i18n)}</p>
        </div>
      )}
      <FormButtons label={t("invoice.creditNote")} disabled={create.isPending || nothing} onCancel={onDone} />
    </form>
  );
}
