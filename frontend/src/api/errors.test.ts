// @vitest-environment jsdom
/** The error policy's words: per status, in the UI language, with a call's own message for a status. */
import { beforeAll, describe, expect, it } from "vitest";
import { adopt } from "../embed/session";
import { loadLocale, makeI18n } from "../i18n";
import { ApiError } from "./client";
import { describeError } from "./errors";

const en = makeI18n("en");
beforeAll(() => Promise.all([loadLocale("en"), loadLocale("de")]));

describe("describeError", () => {
  it("says what the role lacks for a 403, in the UI language", () => {
    adopt({ expires_at: "2026-03-01T12:00:00Z", user: { id: "usr_1", role: "viewer" }, entity: { id: "ent_1" }, role: "viewer", permissions: [] });
    const error = new ApiError({ status: 403, title: "Forbidden", permission: "documents:write" });
    const t = makeI18n("de").t;
    expect(describeError(error, makeI18n("de"))).toBe(t("error.forbidden", { role: t("role.viewer"), what: t("perm.documents:write") }));
    expect(describeError(new ApiError({ status: 403, title: "Forbidden" }), en)).toBe(en.t("error.forbiddenGeneric", { role: en.t("role.viewer") }));
  });

  it("shows other refusals with a title in the UI language and the problem's detail, and the network and not-found messages", () => {
    const conflict = new ApiError({ status: 409, title: "Conflict", detail: "The last admin cannot be removed." });
    expect(describeError(conflict, en)).toBe(en.t("error.conflict", { detail: "The last admin cannot be removed." }));
    const de = makeI18n("de");
    expect(describeError(conflict, de)).toBe(de.t("error.conflict", { detail: "The last admin cannot be removed." }));
    expect(describeError(conflict, de)).not.toBe(describeError(conflict, en));
    expect(describeError(new ApiError({ status: 422, title: "Unprocessable", detail: "amount is too high" }), en)).toBe(
      en.t("error.invalid", { detail: "amount is too high" }),
    );
    expect(describeError(new ApiError({ status: 500, title: "Internal Server Error" }), en)).toBe(en.t("error.server", { detail: "Internal Server Error" }));
    expect(describeError(new ApiError({ status: 0, title: "Network error" }), en)).toBe(en.t("error.network"));
    expect(describeError(new ApiError({ status: 404, title: "Not Found" }), en)).toBe(en.t("error.notFound"));
  });

  it("uses a call's own words for a status when its meta names them", () => {
    const meta = { messages: { 404: "invoice.pdfUnavailable" as const } };
    expect(describeError(new ApiError({ status: 404, title: "Not Found" }), en, meta)).toBe(en.t("invoice.pdfUnavailable"));
    expect(describeError(new ApiError({ status: 500, title: "Boom" }), en, meta)).toBe(en.t("error.server", { detail: "Boom" }));
  });

  it("passes on what is not an API error as its message", () => {
    expect(describeError(new Error("offline"), en)).toBe("offline");
  });
});
