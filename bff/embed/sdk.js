/*! Folio embed SDK, postMessage protocol v1. No dependencies.
 *
 *   <script src="https://folio.example.com/embed/sdk.js"></script>
 *   const folio = Folio.mount(document.getElementById("invoices"), {
 *     fetchToken: () => fetch("/my-backend/folio-token", {method: "POST"}).then(r => r.json()).then(j => j.token),
 *     view: "home",                  // the default; "invoices" | "invoice/inv_…" | "invoice/new" | "customers" | "items" | "reports" | "exports" | "settings"
 *     locale: "de", theme: "light",  // optional
 *     loadTimeout: 20000,            // optional: ms the dashboard may take to start before the slot says it failed
 *     onEvent: (e) => console.log(e.type, e),
 *   });
 *   folio.navigate("invoice/new", {customer: {name: "ACME"}}); folio.setLocale("sl"); folio.destroy();
 *
 * The dashboard's origin is the origin of this script's own src. Every message is {folio: 1, type, ...};
 * messages are accepted only from that origin and from the iframe's own window, and sent to that origin only.
 *
 *   iframe → host   ready {expires_at}, session {expires_at}, resize {height}, navigate {view},
 *                   token:request, event {name, id, number}, error {message}
 *   host → iframe   token {token}, navigate {view, prefill?}, locale {locale}, theme {theme},
 *                   viewport {top, bottom} (the part of the iframe the page shows, so toasts stay in sight)
 *
 * onEvent receives {type: "ready" | "navigate" | "document.created" | "document.issued" | "document.paid" | "error", ...}.
 * An "error" event has a `code` and a `message`:
 *   token_failed     fetchToken() rejected or resolved to something that is not an embed token
 *   session_failed   the dashboard could not open its session with the token (expired, used, refused: POST /embed/session)
 *   load_failed      the dashboard did not start within loadTimeout (unreachable, or this page's origin is not among
 *                    the account's embed_allowed_origins, so the browser refuses to frame it); it still may, late
 *   dashboard_error  the running dashboard reported a problem
 * Until the dashboard is up, a token_failed, session_failed or load_failed error shows in the slot: a message in the
 * mount's `locale` (en, de, sl, fr, it, es, hr) and a Retry button (class "folio-error"), which calls fetchToken
 * again and mounts on success. Once it is up, a fresh token is fetched when the dashboard asks (token:request,
 * e.g. after a 401), shortly before the session expires, and when the tab becomes visible again after a while;
 * a failed fetch is then retried with exponential backoff and reported as an "error" event each time, never dropped.
 */
(function (window, document) {
  "use strict";
  if (window.Folio && window.Folio.protocol === 1) return;

  var PROTOCOL = 1;
  var REFRESH_BEFORE_MS = 60 * 1000;      // renew the session this long before it expires
  var VISIBLE_REFRESH_AFTER_MS = 30 * 1000; // hidden at least this long → renew when visible again
  var BACKOFF_START_MS = 1000;
  var BACKOFF_MAX_MS = 30 * 1000;
  var EVENTS = {"document.created": 1, "document.issued": 1, "document.paid": 1};
  var FAILURE_TEXT = {
    en: ["The invoicing dashboard could not be loaded.", "Retry"],
    de: ["Die Rechnungsverwaltung konnte nicht geladen werden.", "Erneut versuchen"],
    sl: ["Nadzorne plošče za račune ni bilo mogoče naložiti.", "Poskusi znova"],
    fr: ["Le tableau de bord de facturation n’a pas pu être chargé.", "Réessayer"],
    it: ["Non è stato possibile caricare il pannello di fatturazione.", "Riprova"],
    es: ["No se ha podido cargar el panel de facturación.", "Reintentar"],
    hr: ["Nadzorna ploča za račune nije se mogla učitati.", "Pokušaj ponovno"]
  };

  function failureText(locale) {
    var tags = [locale, document.documentElement.lang, window.navigator && window.navigator.language];
    for (var i = 0; i < tags.length; i++) {
      var language = typeof tags[i] === "string" ? tags[i].slice(0, 2).toLowerCase() : "";
      if (FAILURE_TEXT[language]) return FAILURE_TEXT[language];
    }
    return FAILURE_TEXT.en;
  }

  var current = document.currentScript;
  var SCRIPT_ORIGIN = null;
  try {
    if (current && current.src) SCRIPT_ORIGIN = new URL(current.src, document.baseURI).origin;
  } catch (e) { /* the origin must then be passed to mount() */ }

  function entityOf(token) {
    var dot = typeof token === "string" ? token.indexOf(".") : -1;
    var entity = dot > 0 ? token.slice(0, dot) : "";
    if (!/^ent_[A-Za-z0-9]+$/.test(entity)) {
      throw new Error("fetchToken() must resolve to the token of POST /embed/tokens (\"ent_….…\")");
    }
    return entity;
  }

  function toMillis(expiresAt) {
    if (typeof expiresAt === "number") return expiresAt < 1e12 ? expiresAt * 1000 : expiresAt;
    if (typeof expiresAt === "string") { var t = Date.parse(expiresAt); return isNaN(t) ? null : t; }
    return null;
  }

  function mount(element, options) {
    if (typeof element === "string") element = document.querySelector(element);
    if (!element || !element.appendChild) throw new TypeError("Folio.mount: the first argument must be an element");
    options = options || {};
    if (typeof options.fetchToken !== "function") throw new TypeError("Folio.mount: options.fetchToken is required");
    var origin = options.origin || SCRIPT_ORIGIN;
    if (!origin) throw new Error("Folio.mount: cannot tell Folio's origin; load sdk.js from Folio or pass options.origin");

    var onEvent = typeof options.onEvent === "function" ? options.onEvent : function () {};
    var iframe = null, entity = null, ready = false, destroyed = false;
    var locale = options.locale || null;
    var loadTimeout = typeof options.loadTimeout === "number" && options.loadTimeout > 0 ? options.loadTimeout : 20000;
    var loadTimer = null;
    var failure = null;             // the error shown in the slot while the dashboard is not up
    var viewport = "", viewportFrame = 0;
    var queue = [];                 // host → iframe messages waiting for "ready"
    var pending = null;             // the token fetch in flight, shared by every reason to refresh
    var attempts = 0, retryTimer = null, refreshTimer = null;
    var expiresAt = null, hiddenSince = null;
    var resolveReady;
    var readyPromise = new Promise(function (resolve) { resolveReady = resolve; });

    function emit(type, detail) {
      var event = {type: type};
      for (var k in detail || {}) if (Object.prototype.hasOwnProperty.call(detail, k)) event[k] = detail[k];
      try { onEvent(event); } catch (e) { if (window.console) console.error("Folio onEvent handler failed", e); }
    }

    function send(message) {
      message.folio = PROTOCOL;
      if (!ready || !iframe || !iframe.contentWindow) { queue.push(message); return; }
      iframe.contentWindow.postMessage(message, origin);
    }

    function frameUrl(token) {
      return origin + "/embed?entity=" + encodeURIComponent(entity) + "#token=" + encodeURIComponent(token);
    }

    function createFrame(token) {
      iframe = document.createElement("iframe");
      iframe.title = options.title || "Invoicing";
      iframe.setAttribute("scrolling", "no");
      iframe.setAttribute("allow", "clipboard-write");
      iframe.style.cssText = "display:block;width:100%;border:0;overflow:hidden;height:" +
        (options.height ? String(options.height).replace(/[^0-9a-z%.]/gi, "") : "480px");
      iframe.src = frameUrl(token);
      element.appendChild(iframe);
      watchLoad();
    }

    // the dashboard is not up: say so in the slot, with a Retry that fetches a token again
    function showFailure(code, message) {
      emit("error", {code: code, message: message});
      if (iframe) iframe.style.display = "none";
      if (!failure) {
        failure = document.createElement("div");
        failure.className = "folio-error";
        failure.setAttribute("role", "alert");
        failure.style.cssText = "box-sizing:border-box;padding:1rem;border:1px solid #f29b9b;border-radius:6px;" +
          "background:#fdf2f2;color:#7a1c14;font:14px/1.45 system-ui,sans-serif";
        var text = document.createElement("p");
        text.style.cssText = "margin:0 0 .75rem";
        var button = document.createElement("button");
        button.type = "button";
        button.style.cssText = "font:inherit;padding:.35rem .8rem;border:1px solid currentColor;border-radius:6px;" +
          "background:#fff;color:inherit;cursor:pointer";
        button.addEventListener("click", function () {
          button.disabled = true;
          refresh("retry");
        });
        failure.appendChild(text);
        failure.appendChild(button);
        element.appendChild(failure);
      }
      var words = failureText(locale);
      failure.setAttribute("data-code", code);
      failure.firstChild.textContent = words[0];
      failure.lastChild.textContent = words[1];
      failure.lastChild.disabled = false;
    }

    // a shell that never says ready nor error (the browser refused to frame it, Folio unreachable) must not leave
    // the slot blank
    function watchLoad() {
      clearTimeout(loadTimer);
      loadTimer = setTimeout(function () {
        if (destroyed || ready || failure) return;
        showFailure("load_failed", "The dashboard did not start within " + Math.round(loadTimeout / 1000) + " s: is " +
                    window.location.origin + " among the account's embed_allowed_origins, and is " + origin + " reachable?");
      }, loadTimeout);
    }

    function clearFailure() {
      if (failure && failure.parentNode) failure.parentNode.removeChild(failure);
      failure = null;
      if (iframe) iframe.style.display = "block";
    }

    // tell the dashboard which part of the iframe the page shows (it is as tall as the dashboard)
    function sendViewport() {
      viewportFrame = 0;
      if (!iframe || !ready || !iframe.contentWindow) return;
      var rect = iframe.getBoundingClientRect();
      var height = window.innerHeight || document.documentElement.clientHeight;
      var top = Math.max(0, Math.min(rect.height, -rect.top));
      var bottom = Math.max(Math.min(rect.height, 120), Math.min(rect.height, height - rect.top));
      var key = Math.round(top) + ":" + Math.round(bottom);
      if (key === viewport) return;
      viewport = key;
      iframe.contentWindow.postMessage({folio: PROTOCOL, type: "viewport", top: Math.round(top),
                                        bottom: Math.round(bottom)}, origin);
    }

    function onScroll() {
      if (viewportFrame) return;
      viewportFrame = window.requestAnimationFrame ? window.requestAnimationFrame(sendViewport) : setTimeout(sendViewport, 16);
    }

    function fetchToken() {
      return Promise.resolve().then(function () { return options.fetchToken(); }).then(function (token) {
        entityOf(token);
        return token;
      });
    }

    // one token fetch at a time; failures retried with backoff until one succeeds or destroy()
    function refresh(reason) {
      if (destroyed) return Promise.resolve(null);
      if (pending) return pending;
      clearTimeout(retryTimer); retryTimer = null;
      pending = fetchToken().then(function (token) {
        pending = null; attempts = 0;
        if (destroyed) return null;
        var tokenEntity = entityOf(token);
        if (failure !== null && iframe) {  // the last shell failed: a fresh one (a new fragment alone would not reload it)
          if (iframe.parentNode) iframe.parentNode.removeChild(iframe);
          iframe = null; ready = false; expiresAt = null; viewport = "";
        }
        clearFailure();
        if (!iframe) { entity = tokenEntity; createFrame(token); return token; }
        if (tokenEntity !== entity) {  // another tenant: start over in a fresh shell
          entity = tokenEntity; ready = false; expiresAt = null; viewport = "";
          iframe.src = frameUrl(token);
          watchLoad();
          return token;
        }
        send({type: "token", token: token});
        return token;
      }, function (error) {
        pending = null;
        if (destroyed) return null;
        var message = "Could not get a Folio token (" + reason + "): " + (error && error.message || error);
        if (!ready) {  // nothing to keep alive: show it in the slot and wait for Retry
          showFailure("token_failed", message);
          return null;
        }
        var delay = Math.min(BACKOFF_MAX_MS, BACKOFF_START_MS * Math.pow(2, attempts));
        delay = Math.round(delay * (0.8 + Math.random() * 0.4));
        attempts += 1;
        emit("error", {code: "token_failed", message: message, source: "fetchToken", attempt: attempts, retryInMs: delay});
        retryTimer = setTimeout(function () { refresh(reason); }, delay);
        return null;
      });
      return pending;
    }

    function scheduleRenewal(value) {
      var at = toMillis(value);
      if (at === null) return;
      expiresAt = at;
      clearTimeout(refreshTimer);
      var wait = Math.max(1000, at - Date.now() - REFRESH_BEFORE_MS);
      refreshTimer = setTimeout(function () { refresh("session expiring"); }, Math.min(wait, 2147483647));
    }

    function onMessage(event) {
      if (!iframe || event.origin !== origin || event.source !== iframe.contentWindow) return;
      var m = event.data;
      if (!m || typeof m !== "object" || m.folio !== PROTOCOL || typeof m.type !== "string") return;
      switch (m.type) {
        case "ready":
          ready = true;
          clearTimeout(loadTimer);
          clearFailure();  // a slow start that was given up on came through after all
          scheduleRenewal(m.expires_at);
          var waiting = queue; queue = [];
          for (var i = 0; i < waiting.length; i++) iframe.contentWindow.postMessage(waiting[i], origin);
          resolveReady(handle);
          sendViewport();
          emit("ready", {expires_at: m.expires_at});
          break;
        case "session":
          scheduleRenewal(m.expires_at);
          break;
        case "resize":
          if (typeof m.height === "number" && isFinite(m.height) && m.height >= 0) {
            iframe.style.height = Math.ceil(m.height) + "px";
            onScroll();
          }
          break;
        case "navigate":
          if (typeof m.view === "string") emit("navigate", {view: m.view});
          break;
        case "token:request":
          refresh("requested by the dashboard");
          break;
        case "event":
          if (EVENTS[m.name]) emit(m.name, {id: m.id, number: m.number});
          break;
        case "error":
          var text = String(m.message || "The dashboard reported an error");
          if (!ready) showFailure("session_failed", "The dashboard could not open its session: " + text);
          else emit("error", {code: "dashboard_error", message: text, source: "dashboard"});
          break;
      }
    }

    function onVisibility() {
      if (document.visibilityState === "hidden") { hiddenSince = Date.now(); return; }
      var away = hiddenSince === null ? 0 : Date.now() - hiddenSince;
      hiddenSince = null;
      var expiring = expiresAt !== null && expiresAt - Date.now() < 2 * REFRESH_BEFORE_MS;
      if (iframe && (away >= VISIBLE_REFRESH_AFTER_MS || expiring)) refresh("tab visible again");
    }

    var handle = {
      ready: readyPromise,
      navigate: function (view, prefill) {
        if (typeof view !== "string" || !view) throw new TypeError("navigate(view): view is a string such as \"invoices\"");
        var message = {type: "navigate", view: view};
        if (prefill !== undefined) message.prefill = prefill;
        send(message);
      },
      setLocale: function (value) {
        locale = String(value);
        if (failure) {
          failure.firstChild.textContent = failureText(locale)[0];
          failure.lastChild.textContent = failureText(locale)[1];
        }
        send({type: "locale", locale: locale});
      },
      setTheme: function (theme) { send({type: "theme", theme: theme}); },
      destroy: function () {
        if (destroyed) return;
        destroyed = true;
        window.removeEventListener("message", onMessage);
        document.removeEventListener("visibilitychange", onVisibility);
        window.removeEventListener("scroll", onScroll, true);
        window.removeEventListener("resize", onScroll);
        clearTimeout(retryTimer); clearTimeout(refreshTimer); clearTimeout(loadTimer);
        clearFailure();
        if (iframe && iframe.parentNode) iframe.parentNode.removeChild(iframe);
        iframe = null; queue = [];
      }
    };

    window.addEventListener("message", onMessage);
    document.addEventListener("visibilitychange", onVisibility);
    window.addEventListener("scroll", onScroll, {capture: true, passive: true});
    window.addEventListener("resize", onScroll);
    if (options.view) handle.navigate(options.view, options.prefill);
    if (options.locale) handle.setLocale(options.locale);
    if (options.theme) handle.setTheme(options.theme);
    refresh("mount");
    return handle;
  }

  window.Folio = {protocol: PROTOCOL, origin: SCRIPT_ORIGIN, mount: mount};
})(window, document);
