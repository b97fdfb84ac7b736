/** The route table: a view name → the feature screen. Home, the first screen, loads eagerly; the rest on demand. */
import { lazy, type ReactElement } from "react";
import HomePage from "../features/home/HomePage";

const InvoiceList = lazy(() => import("../features/invoices/InvoiceList"));
const InvoiceDetail = lazy(() => import("../features/invoices/InvoiceDetail"));
const CreditNoteDetail = lazy(() => import("../features/invoices/CreditNoteDetail"));
const InvoiceEditor = lazy(() => import("../features/invoices/InvoiceEditor"));
const EstimateList = lazy(() => import("../features/estimates/EstimateList"));
const EstimateDetail = lazy(() => import("../features/estimates/EstimateDetail"));
const EstimateEditor = lazy(() => import("../features/estimates/EstimateEditor"));
const AdvanceList = lazy(() => import("../features/advances/AdvanceList"));
const AdvanceForm = lazy(() => import("../features/advances/AdvanceForm"));
const AdvanceDetail = lazy(() => import("../features/advances/AdvanceDetail"));
const CustomersPage = lazy(() => import("../features/customers/CustomersPage"));
const ItemsPage = lazy(() => import("../features/items/ItemsPage"));
const SettingsPage = lazy(() => import("../features/settings/SettingsPage"));
const TeamPage = lazy(() => import("../features/team/TeamPage"));
const AuditLogPage = lazy(() => import("../features/audit/AuditLogPage"));
const ReportsPage = lazy(() => import("../features/reports/ReportsPage"));
const ExportsPage = lazy(() => import("../features/exports/ExportsPage"));
const RecurringList = lazy(() => import("../features/recurring/RecurringList"));
const RecurringDetail = lazy(() => import("../features/recurring/RecurringDetail"));

const ID = "[A-Za-z0-9_-]+";
const routes: [RegExp, (m: RegExpMatchArray) => ReactElement][] = [
  [/^home$/, () => <HomePage />],
  [/^invoices$/, () => <InvoiceList />],
  [/^invoice\/new$/, () => <InvoiceEditor />],
  [new RegExp(`^invoice/(${ID})/edit$`), (m) => <InvoiceEditor key={m[1]} id={m[1]} />],
  [new RegExp(`^invoice/(${ID})$`), (m) => <InvoiceDetail key={m[1]} id={m[1]} />],
  [new RegExp(`^credit-note/(${ID})$`), (m) => <CreditNoteDetail key={m[1]} id={m[1]} />],
  [/^estimates$/, () => <EstimateList />],
  [/^estimate\/new$/, () => <EstimateEditor />],
  [new RegExp(`^estimate/(${ID})/edit$`), (m) => <EstimateEditor key={m[1]} id={m[1]} />],
  [new RegExp(`^estimate/(${ID})$`), (m) => <EstimateDetail key={m[1]} id={m[1]} />],
  [/^advances$/, () => <AdvanceList />],
  [/^advance\/new$/, () => <AdvanceForm />],
  [new RegExp(`^advance/(${ID})$`), (m) => <AdvanceDetail key={m[1]} id={m[1]} />],
  [/^customers$/, () => <CustomersPage />],
  [/^items$/, () => <ItemsPage />],
  [/^settings$/, () => <SettingsPage />],
  [/^team$/, () => <TeamPage />],
  [/^audit$/, () => <AuditLogPage />],
  [/^reports$/, () => <ReportsPage />],
  [/^exports$/, () => <ExportsPage />],
  [/^recurring$/, () => <RecurringList />],
  [new RegExp(`^recurring/(${ID})$`), (m) => <RecurringDetail key={m[1]} id={m[1]} />],
];

export const VIEWS = ["home", "invoices", "invoice/new", "invoice/inv_…", "credit-note/cre_…", "advances", "advance/new", "advance/adv_…", "estimates", "estimate/new", "estimate/est_…", "customers", "items", "settings", "team", "audit", "reports", "exports", "recurring", "recurring/rin_…"];

export function isKnownView(view: string): boolean {
  return routes.some(([pattern]) => pattern.test(view));
}

export function resolve(view: string): ReactElement {
  for (const [pattern, render] of routes) {
    const match = view.match(pattern);
    if (match) return render(match);
  }
  return <HomePage />;
}
