"""Printed words per language. Numbers, dates and money are formatted by Babel; these are only the
labels. A document's language is its locale's language when we have it, otherwise English."""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "invoice": "Invoice", "credit_note": "Credit note", "draft": "DRAFT", "voided": "VOID",
        "number": "Number", "date": "Issue date", "date_due": "Due date", "date_service": "Service date",
        "seller": "From", "buyer": "Bill to", "vat_id": "VAT ID", "email": "E-mail",
        "item": "Description", "quantity": "Qty", "price": "Unit price", "discount": "Discount", "tax": "Tax",
        "amount": "Amount", "tax_breakdown": "Tax summary", "rate": "Rate", "base": "Base",
        "tax_amount": "Tax", "total": "Net total", "total_tax": "Total tax", "total_with_tax": "Total",
        "total_paid": "Paid", "total_credited": "Credited", "amount_due": "Amount due", "amount_credited": "Amount credited",
        "payment": "Payment", "iban": "IBAN", "bic": "BIC", "bank": "Bank", "reference": "Reference",
        "scan_to_pay": "Scan to pay", "corrects": "Corrects invoice {number} of {date}", "page": "Page",
        "no_tax": "No tax", "reverse": "Credit note {number} for invoice {invoice}",
    },
    "de": {
        "invoice": "Rechnung", "credit_note": "Gutschrift", "draft": "ENTWURF", "voided": "STORNIERT",
        "number": "Nummer", "date": "Rechnungsdatum", "date_due": "Fällig am", "date_service": "Leistungsdatum",
        "seller": "Von", "buyer": "Rechnungsempfänger", "vat_id": "USt-IdNr.", "email": "E-Mail",
        "item": "Beschreibung", "quantity": "Menge", "price": "Einzelpreis", "discount": "Rabatt", "tax": "MwSt.",
        "amount": "Betrag", "tax_breakdown": "Steuerübersicht", "rate": "Satz", "base": "Bemessungsgrundlage",
        "tax_amount": "Steuer", "total": "Nettobetrag", "total_tax": "Steuer gesamt", "total_with_tax": "Gesamtbetrag",
        "total_paid": "Bezahlt", "total_credited": "Gutgeschrieben", "amount_due": "Offener Betrag", "amount_credited": "Gutschriftsbetrag",
        "payment": "Zahlung", "iban": "IBAN", "bic": "BIC", "bank": "Bank", "reference": "Verwendungszweck",
        "scan_to_pay": "Zum Bezahlen scannen", "corrects": "Korrigiert Rechnung {number} vom {date}", "page": "Seite",
        "no_tax": "Steuerfrei", "reverse": "Gutschrift {number} zu Rechnung {invoice}",
    },
    "sl": {
        "invoice": "Račun", "credit_note": "Dobropis", "draft": "OSNUTEK", "voided": "STORNIRANO",
        "number": "Številka", "date": "Datum izdaje", "date_due": "Rok plačila", "date_service": "Datum opravljene storitve",
        "seller": "Izdajatelj", "buyer": "Kupec", "vat_id": "ID za DDV", "email": "E-pošta",
        "item": "Opis", "quantity": "Količina", "price": "Cena", "discount": "Popust", "tax": "DDV",
        "amount": "Znesek", "tax_breakdown": "Rekapitulacija DDV", "rate": "Stopnja", "base": "Osnova",
        "tax_amount": "DDV", "total": "Skupaj brez DDV", "total_tax": "Skupaj DDV", "total_with_tax": "Skupaj za plačilo",
        "total_paid": "Plačano", "total_credited": "Dobropisano", "amount_due": "Za plačilo", "amount_credited": "Znesek dobropisa",
        "payment": "Plačilo", "iban": "IBAN", "bic": "BIC", "bank": "Banka", "reference": "Sklic",
        "scan_to_pay": "Skenirajte za plačilo", "corrects": "Popravlja račun {number} z dne {date}", "page": "Stran",
        "no_tax": "Brez DDV", "reverse": "Dobropis {number} k računu {invoice}",
    },
    "fr": {
        "invoice": "Facture", "credit_note": "Avoir", "draft": "BROUILLON", "voided": "ANNULÉE",
        "number": "Numéro", "date": "Date d’émission", "date_due": "Date d’échéance", "date_service": "Date de prestation",
        "seller": "Émetteur", "buyer": "Facturé à", "vat_id": "N° TVA", "email": "E-mail",
        "item": "Désignation", "quantity": "Qté", "price": "Prix unitaire", "discount": "Remise", "tax": "TVA",
        "amount": "Montant", "tax_breakdown": "Récapitulatif TVA", "rate": "Taux", "base": "Base HT",
        "tax_amount": "TVA", "total": "Total HT", "total_tax": "Total TVA", "total_with_tax": "Total TTC",
        "total_paid": "Payé", "total_credited": "Avoirs", "amount_due": "Montant dû", "amount_credited": "Montant de l’avoir",
        "payment": "Paiement", "iban": "IBAN", "bic": "BIC", "bank": "Banque", "reference": "Référence",
        "scan_to_pay": "Scanner pour payer", "corrects": "Rectifie la facture {number} du {date}", "page": "Page",
        "no_tax": "Sans TVA", "reverse": "Avoir {number} sur la facture {invoice}",
    },
    "it": {
        "invoice": "Fattura", "credit_note": "Nota di credito", "draft": "BOZZA", "voided": "ANNULLATA",
        "number": "Numero", "date": "Data di emissione", "date_due": "Scadenza", "date_service": "Data della prestazione",
        "seller": "Emittente", "buyer": "Destinatario", "vat_id": "Partita IVA", "email": "E-mail",
        "item": "Descrizione", "quantity": "Q.tà", "price": "Prezzo unitario", "discount": "Sconto", "tax": "IVA",
        "amount": "Importo", "tax_breakdown": "Riepilogo IVA", "rate": "Aliquota", "base": "Imponibile",
        "tax_amount": "Imposta", "total": "Totale imponibile", "total_tax": "Totale IVA", "total_with_tax": "Totale",
        "total_paid": "Pagato", "total_credited": "Accreditato", "amount_due": "Importo dovuto", "amount_credited": "Importo accreditato",
        "payment": "Pagamento", "iban": "IBAN", "bic": "BIC", "bank": "Banca", "reference": "Causale",
        "scan_to_pay": "Scansiona per pagare", "corrects": "Rettifica la fattura {number} del {date}", "page": "Pagina",
        "no_tax": "Esente IVA", "reverse": "Nota di credito {number} per la fattura {invoice}",
    },
    "es": {
        "invoice": "Factura", "credit_note": "Factura rectificativa", "draft": "BORRADOR", "voided": "ANULADA",
        "number": "Número", "date": "Fecha de emisión", "date_due": "Vencimiento", "date_service": "Fecha del servicio",
        "seller": "Emisor", "buyer": "Cliente", "vat_id": "NIF-IVA", "email": "Correo",
        "item": "Concepto", "quantity": "Cant.", "price": "Precio unitario", "discount": "Descuento", "tax": "IVA",
        "amount": "Importe", "tax_breakdown": "Desglose de IVA", "rate": "Tipo", "base": "Base imponible",
        "tax_amount": "Cuota", "total": "Base total", "total_tax": "Total IVA", "total_with_tax": "Total",
        "total_paid": "Pagado", "total_credited": "Abonado", "amount_due": "Importe pendiente", "amount_credited": "Importe abonado",
        "payment": "Pago", "iban": "IBAN", "bic": "BIC", "bank": "Banco", "reference": "Referencia",
        "scan_to_pay": "Escanear para pagar", "corrects": "Rectifica la factura {number} del {date}", "page": "Página",
        "no_tax": "Exento", "reverse": "Factura rectificativa {number} de la factura {invoice}",
    },
    "hr": {
        "invoice": "Račun", "credit_note": "Odobrenje", "draft": "NACRT", "voided": "STORNIRANO",
        "number": "Broj", "date": "Datum izdavanja", "date_due": "Datum dospijeća", "date_service": "Datum isporuke",
        "seller": "Izdavatelj", "buyer": "Kupac", "vat_id": "OIB / PDV ID", "email": "E-pošta",
        "item": "Opis", "quantity": "Kol.", "price": "Jedinična cijena", "discount": "Popust", "tax": "PDV",
        "amount": "Iznos", "tax_breakdown": "Rekapitulacija PDV-a", "rate": "Stopa", "base": "Osnovica",
        "tax_amount": "PDV", "total": "Ukupno bez PDV-a", "total_tax": "Ukupno PDV", "total_with_tax": "Ukupno",
        "total_paid": "Plaćeno", "total_credited": "Odobreno", "amount_due": "Za platiti", "amount_credited": "Iznos odobrenja",
        "payment": "Plaćanje", "iban": "IBAN", "bic": "BIC", "bank": "Banka", "reference": "Poziv na broj",
        "scan_to_pay": "Skenirajte za plaćanje", "corrects": "Ispravlja račun {number} od {date}", "page": "Stranica",
        "no_tax": "Bez PDV-a", "reverse": "Odobrenje {number} za račun {invoice}",
    },
}

# E-mail defaults: the subject and the message body when the caller gives none.
EMAIL: dict[str, dict[str, str]] = {
    "en": {
        "invoice_subject": "Invoice {number} from {seller}", "credit_note_subject": "Credit note {number} from {seller}",
        "invoice_message": "Hello,\n\nplease find attached invoice {number} for {amount}, due on {due}.\n\nKind regards,\n{seller}",
        "credit_note_message": "Hello,\n\nplease find attached credit note {number} for {amount}, correcting invoice {invoice}.\n\nKind regards,\n{seller}",
    },
    "de": {
        "invoice_subject": "Rechnung {number} von {seller}", "credit_note_subject": "Gutschrift {number} von {seller}",
        "invoice_message": "Guten Tag,\n\nanbei erhalten Sie die Rechnung {number} über {amount}, fällig am {due}.\n\nMit freundlichen Grüßen\n{seller}",
        "credit_note_message": "Guten Tag,\n\nanbei erhalten Sie die Gutschrift {number} über {amount} zur Rechnung {invoice}.\n\nMit freundlichen Grüßen\n{seller}",
    },
    "sl": {
        "invoice_subject": "Račun {number} – {seller}", "credit_note_subject": "Dobropis {number} – {seller}",
        "invoice_message": "Pozdravljeni,\n\nv prilogi vam pošiljamo račun {number} v znesku {amount} z rokom plačila {due}.\n\nLep pozdrav,\n{seller}",
        "credit_note_message": "Pozdravljeni,\n\nv prilogi vam pošiljamo dobropis {number} v znesku {amount} k računu {invoice}.\n\nLep pozdrav,\n{seller}",
    },
    "fr": {
        "invoice_subject": "Facture {number} de {seller}", "credit_note_subject": "Avoir {number} de {seller}",
        "invoice_message": "Bonjour,\n\nveuillez trouver ci-joint la facture {number} d’un montant de {amount}, à régler avant le {due}.\n\nCordialement,\n{seller}",
        "credit_note_message": "Bonjour,\n\nveuillez trouver ci-joint l’avoir {number} d’un montant de {amount} sur la facture {invoice}.\n\nCordialement,\n{seller}",
    },
    "it": {
        "invoice_subject": "Fattura {number} da {seller}", "credit_note_subject": "Nota di credito {number} da {seller}",
        "invoice_message": "Buongiorno,\n\nin allegato la fattura {number} di {amount}, con scadenza il {due}.\n\nCordiali saluti,\n{seller}",
        "credit_note_message": "Buongiorno,\n\nin allegato la nota di credito {number} di {amount} relativa alla fattura {invoice}.\n\nCordiali saluti,\n{seller}",
    },
    "es": {
        "invoice_subject": "Factura {number} de {seller}", "credit_note_subject": "Factura rectificativa {number} de {seller}",
        "invoice_message": "Hola:\n\nadjuntamos la factura {number} por {amount}, con vencimiento el {due}.\n\nUn saludo,\n{seller}",
        "credit_note_message": "Hola:\n\nadjuntamos la factura rectificativa {number} por {amount} de la factura {invoice}.\n\nUn saludo,\n{seller}",
    },
    "hr": {
        "invoice_subject": "Račun {number} – {seller}", "credit_note_subject": "Odobrenje {number} – {seller}",
        "invoice_message": "Poštovani,\n\nu privitku vam šaljemo račun {number} na iznos {amount}, s dospijećem {due}.\n\nLijep pozdrav,\n{seller}",
        "credit_note_message": "Poštovani,\n\nu privitku vam šaljemo odobrenje {number} na iznos {amount} za račun {invoice}.\n\nLijep pozdrav,\n{seller}",
    },
}

LANGUAGES = tuple(LABELS)


def language_of(locale: str | None) -> str:
    language = (locale or "en").replace("_", "-").split("-")[0].lower()
    return language if language in LABELS else "en"
