// The moderator page: queue, highlighted evidence, blurred text, keyboard actions, history.
// User content is only ever inserted with textContent, never parsed as HTML.
(function () {
  "use strict";
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const queueEl = document.getElementById("queue");
  const statusEl = document.getElementById("status");
  const historyEl = document.getElementById("history");
  const appealsEl = document.getElementById("appeals-only");
  const shortcutsEl = document.getElementById("shortcuts");
  const keyHelpEl = document.getElementById("key-help");
  const SHORTCUTS_KEY = "mutewatch.moderation.shortcuts";
  const SHORTCUT_MODES = ["on", "queue", "off"];
  let items = [];
  let current = 0;

  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  // A line of text whose parts written by others (names, titles, notes, ids: iso(value))
  // are bidi-isolated: an Arabic or Hebrew title, or a stray direction mark in a name, then
  // cannot reorder the text around it (the date after a right-to-left title came out
  // reversed, "30-11-2026").
  const iso = (value) => ({ isolated: value });

  // A time as the audit log's table shows it: to the second, date and time apart, the
  // zone (UTC) said by the column or the text around it; the stamp as sent (microseconds)
  // is the element's datetime and tooltip. The queue and the history showed the raw stamp.
  const stamp = (at) => String(at || "").replace("T", " ").replace(/\.\d+/, "").replace(/(?:Z|[+-]00:00)$/, "");
  function timeOf(at) {
    const node = el("time", null, stamp(at));
    node.dateTime = String(at || "");
    node.title = String(at || "");
    return node;
  }

  function line(cls, ...parts) {
    const box = el("div", cls);
    for (const part of parts) {
      if (part instanceof Node) box.appendChild(part);
      else if (part && typeof part === "object") box.appendChild(el("bdi", null, part.isolated));
      else box.appendChild(document.createTextNode(String(part)));
    }
    return box;
  }

  async function api(method, url, body) {
    const opts = { method, headers: { "Accept": "application/json" }, credentials: "same-origin" };
    if (body !== undefined) {
      opts.headers["Content-Type"] = "application/json";
      opts.headers["X-CSRF-Token"] = csrf;
      opts.body = JSON.stringify(body);
    }
    const res = await fetch(url, opts);
    const data = await res.json().catch(() => ({}));
    if (!res.ok) {
      const err = new Error((data.error && data.error.message) || res.statusText);
      err.status = res.status;  // a 409 is said in the page's words (refused)
      err.conflict = (data.error && data.error.conflict) || null;  // what a 409 is about
      throw err;
    }
    return data;
  }

  // Evidence spans (character offsets) from the fired clauses, outer before inner: by start,
  // then the longer first.
  const byPlace = (a, b) => a[0] - b[0] || b[1] - a[1];

  function spans(item) {
    const out = [];
    for (const c of item.clauses || []) {
      const s = c.evidence && c.evidence.span;
      if (s && Number.isInteger(s.start) && Number.isInteger(s.end)) out.push([s.start, s.end, c.clause]);
    }
    return out.sort(byPlace);
  }

  // Mark the spans (sorted by byPlace) inside [from, to) of parent: a span inside another is
  // a mark inside its mark (an insult within an allegation is marked as both), and a span
  // running past the end of the one it starts in goes on in a mark of its own after it.
  function markSpans(parent, part, from, to, list) {
    let at = from;
    let rest = list;
    while (rest.length) {
      const [start, end, clause] = rest[0];
      const begin = Math.max(start, at);
      const stop = Math.min(end, to);
      rest = rest.slice(1);
      if (begin >= stop) continue;
      const inner = [];
      const after = [];
      while (rest.length && rest[0][0] < stop) {
        const [s, e, c] = rest.shift();
        inner.push([s, Math.min(e, stop), c]);
        if (e > stop) after.push([stop, e, c]);
      }
      rest = after.concat(rest).sort(byPlace);
      parent.appendChild(document.createTextNode(part(at, begin)));
      const mark = el("mark", "evidence");
      mark.title = clause;
      if (parent.tagName === "MARK") {  // inside other evidence: underlined, a deeper shade
        mark.style.background = "#ffb238";
        mark.style.textDecoration = "underline";
      }
      markSpans(mark, part, begin, stop, inner);
      parent.appendChild(mark);
      at = stop;
    }
    parent.appendChild(document.createTextNode(part(at, to)));
  }

  // A comment's text with its evidence marked. Flagged text starts blurred; a click (or Enter
  // or Space when focused) shows or hides it, and v does so for the selected comment: the
  // comment's card and its history's revisions together, whichever was pressed.
  let flaggedCount = 0;  // ids for the flagged texts' words (the toggles' aria-describedby)

  function renderText(item, flagged) {
    const box = el("div", flagged ? "text flagged blurred" : "text");
    box.dataset.comment = item.id;
    // Evidence offsets count code points (Python str); JavaScript strings count UTF-16 units,
    // so an emoji before a span would shift it: slice an array of code points instead.
    const chars = Array.from(item.text || "");
    const part = (a, b) => chars.slice(a, b).join("");
    // a flagged text's words in a box of their own: the toggle's name is short (a button is
    // named by its content, and a screen reader read a whole comment, up to some 9,000
    // characters, as the button's name), its words its description while shown
    const words = flagged ? box.appendChild(el("span", "words")) : box;
    markSpans(words, part, 0, chars.length, spans(item));
    if (!flagged) return box;
    words.id = `flagged-text-${++flaggedCount}`;
    box.tabIndex = 0;
    box.setAttribute("role", "button");
    setBlurred(box, true);
    const toggle = () => reveal(item.id, !box.classList.contains("blurred"), box);
    box.addEventListener("click", toggle);
    box.addEventListener("keydown", (ev) => {
      if (ev.key !== "Enter" && ev.key !== " ") return;
      toggle();
      ev.preventDefault();
      ev.stopPropagation();
    });
    return box;
  }

  // Blur (or show) a flagged text, and tell a screen reader: the text is a toggle button,
  // pressed while the text is shown (aria-pressed, kept in step with the blur whatever
  // toggled it: a click, Enter or Space, v, the history opened as read, a refresh keeping
  // it read), its title saying what a press does next. Its name is short and fixed (a toggle
  // button's name must not change with its state: a screen reader would say it twice);
  // the words are its description while shown, and kept from the accessibility tree while
  // blurred (the reviewer has not chosen to read them yet). Returns blur.
  const TOGGLE_NAME = "Show flagged text";
  function setBlurred(box, blur) {
    box.classList.toggle("blurred", blur);
    box.setAttribute("aria-pressed", String(!blur));
    box.setAttribute("aria-label", TOGGLE_NAME);  // fixed: aria-pressed says the state
    box.title = blur ? "Flagged text is blurred: press v or click to read it"
      : "Flagged text is shown: press v or click to blur it again";
    const words = box.querySelector(".words");
    if (words) {
      if (blur) box.removeAttribute("aria-describedby");
      else box.setAttribute("aria-describedby", words.id);
      words.setAttribute("aria-hidden", String(blur));
    }
    return blur;
  }

  // Show or blur a comment's flagged text everywhere the page shows it (its card in the
  // queue, its revisions in the history): v, a click, Enter or Space on either, where a click
  // in the history changed that box alone and v both. The box pressed (from, else the
  // card's) is scrolled to its evidence when shown.
  function reveal(id, blur, from) {
    for (const t of document.querySelectorAll("#queue .text.flagged, #history .text.flagged")) {
      if (t.dataset.comment === id) setBlurred(t, blur);
    }
    if (!blur) showEvidence(from);
  }

  // A long comment scrolls in its own box (TEXT_MAX_HEIGHT): its first evidence mark may be
  // far below the box's fold, and the reviewer then sees none of what was flagged. Scroll
  // the box, not the page (scrollIntoView would move the page too), so that the mark is in
  // view, a third of the way down (the words before it are context); left alone when the
  // mark is in view already, or when the box does not scroll.
  function showEvidence(box) {
    if (!box || box.scrollHeight <= box.clientHeight) return;
    const mark = box.querySelector("mark.evidence");
    if (!mark) return;
    const top = mark.getBoundingClientRect().top - box.getBoundingClientRect().top - box.clientTop + box.scrollTop;
    const bottom = top + mark.getBoundingClientRect().height;
    if (top >= box.scrollTop && bottom <= box.scrollTop + box.clientHeight) return;
    const room = box.clientHeight - (bottom - top);
    box.scrollTop = Math.max(0, room > 0 ? top - Math.min(room, box.clientHeight / 3) : top);
  }

  // v: show or hide the selected comment's text, in the queue and in its history alike;
  // with the focus in the history, the comment the history is of (opened from the audit log
  // it may be another, or one no longer in the queue: v showed the queue's selected card,
  // out of sight, and left the history the reviewer was reading blurred), and nothing when
  // none of its text is flagged.
  function toggleReveal(node) {
    const text = node && node.querySelector(".text.flagged");
    if (text) reveal(text.dataset.comment, !text.classList.contains("blurred"), text);
  }

  // The reader's appeal against the machine's decision: a badge, when, and their note.
  function renderAppeal(appeal) {
    const box = el("div", "appeal");
    box.appendChild(el("span", "badge appeal-badge", "Appeal"));
    const meta = box.appendChild(el("span", "meta", " by the commenter at "));
    meta.append(timeOf(appeal.at), " UTC: ");
    box.appendChild(el("q", "appeal-note", appeal.note));
    return box;
  }

  // The author's other comments by status (matched on the e-mail address, else the name).
  function renderRecord(r) {
    const by = r.matched_on === "email" ? "same e-mail" : "same name";
    const text = r.comments
      ? `Author record (${by}): ${r.comments} other comment(s): ${r.published} published, ${r.held} held, ` +
        `${r.rejected} rejected (${r.rejected_by_moderator} by moderators, ${r.rejected_by_machine} by the machine)`
      : `Author record (${by}): no other comments`;
    return el("div", "meta author-record" + (r.rejected_by_moderator > 0 ? " repeat" : ""), text);
  }

  // What a fired clause found, besides its span, said in words on the card (the tag's
  // tooltip holds the whole evidence, but a tooltip needs a mouse): the name rule, the
  // detected language and its confidence, the similarity to the article and the thread, the
  // spam signals, the groups and targets. Words quoted from the text stay in the blurred text.
  function evidenceWhy(c) {
    const e = c.evidence || {};
    const num = (v) => (typeof v === "number" && Number.isFinite(v) ? v.toFixed(2) : null);
    const list = (v) => (Array.isArray(v) ? v.filter((x) => typeof x === "string") : []);
    const parts = [];
    if (typeof e.rule === "string" && e.rule) parts.push(`name rule ${e.rule.replace(/_/g, " ")}`);
    if ((c.clause === "language" || c.clause === "dialect") && typeof e.language === "string") {
      parts.push(`detected ${e.language}${num(e.confidence) ? ` (confidence ${num(e.confidence)})` : ""}`);
    }
    if (c.clause === "dialect" && num(e.dialect)) parts.push(`dialect score ${num(e.dialect)}`);
    const sim = e.similarity && typeof e.similarity === "object" ? e.similarity : {};
    const to = [["article", sim.article], ["thread", sim.thread]].filter(([, v]) => num(v) !== null);
    if (to.length) parts.push("similarity to the " + to.map(([k, v]) => `${k} ${num(v)}`).join(", to the "));
    if (list(e.links).length) parts.push(`${list(e.links).length} link(s)`);
    if (list(e.contacts).length) parts.push(`${list(e.contacts).length} contact(s)`);
    if (list(e.ad_phrases).length) parts.push(`${list(e.ad_phrases).length} sales phrase(s)`);
    if (list(e.groups_mentioned).length) parts.push(`groups mentioned: ${list(e.groups_mentioned).join(", ")}`);
    if (list(e.targets).length) parts.push(`aimed at: ${list(e.targets).join(", ")}`);
    if (typeof e.person === "string" && e.person) parts.push(`names ${e.person}`);
    if (typeof e.note === "string" && e.note) parts.push(e.note);
    return parts.join("; ");
  }

  // Buttons for each action, so the page works with the single-key shortcuts off (and
  // with a mouse): each acts on its own card.
  const BUTTONS = [["approve", "Approve"], ["reject", "Reject"], ["edit", "Edit"], ["history", "History"]];

  function renderButtons(item, index) {
    const box = el("div", "actions");
    for (const [action, label] of BUTTONS) {
      const button = el("button", "action", label);
      button.type = "button";
      button.dataset.action = action;
      button.setAttribute("aria-label", `${label} ${item.id}`);
      button.addEventListener("click", (ev) => {
        ev.stopPropagation();
        current = index;
        highlight();
        if (action === "history") showHistory(item.id);
        else act(action);
      });
      box.appendChild(button);
    }
    return box;
  }

  const TEXT_MAX_HEIGHT = "18em";

  // A text box of at most TEXT_MAX_HEIGHT that scrolls (the queue's cards, the history's
  // revisions)
  function capped(text) {
    text.classList.add("capped");
    Object.assign(text.style, { maxHeight: TEXT_MAX_HEIGHT, overflowY: "auto", overscrollBehavior: "contain" });
    return text;
  }

  function renderItem(item, index) {
    const card = el("article", "item" + (index === current ? " current" : ""));
    card.tabIndex = 0;
    card.dataset.id = item.id;
    card.appendChild(line("meta", iso(item.id), " · ", iso(item.author_name), " · on “",
      iso(item.article_title || item.article_id), "” · ", timeOf(item.created_at), " UTC"));
    if (item.appeal) card.appendChild(renderAppeal(item.appeal));
    if (item.author_record) card.appendChild(renderRecord(item.author_record));
    const clauses = el("div");
    for (const c of item.clauses || []) {
      const action = (c.evidence && c.evidence.action) || "";
      const tag = el("span", "clause " + action, `${c.clause} ${Number(c.score).toFixed(2)} ≥ ${c.threshold}`);
      const ev = Object.assign({}, c.evidence || {});
      delete ev.detail;
      tag.title = JSON.stringify(ev);
      clauses.appendChild(tag);
    }
    card.appendChild(clauses);
    for (const c of item.clauses || []) {
      const why = evidenceWhy(c);
      if (why) card.appendChild(line("meta why", `${c.clause}: `, iso(why)));
    }
    // a long comment (10,000 characters made a card some 2,300 px tall, its buttons screens
    // away) scrolls inside its own box: the card's buttons stay in reach. Set here, not in
    // style.css, as the box's own style (the CSP allows styles set from a script)
    capped(card.appendChild(renderText(item, true)));
    card.appendChild(el("div", "meta", item.reason || ""));
    card.appendChild(renderButtons(item, index));
    if (index === current) card.setAttribute("aria-current", "true");
    card.addEventListener("focusin", () => { if (current !== index) { current = index; highlight(); } });
    card.addEventListener("click", () => { current = index; highlight(); });
    return card;
  }

  function highlight() {
    [...queueEl.children].forEach((c, i) => {
      c.classList.toggle("current", i === current);
      if (i === current) c.setAttribute("aria-current", "true");
      else c.removeAttribute("aria-current");
    });
    const node = queueEl.children[current];
    if (node) node.scrollIntoView({ block: "nearest" });
    evidenceOnce(node);
  }

  // A card's box is scrolled to its evidence the first time the card is selected, and again
  // only when its text changed (an edit): back on it (j, then k) the reviewer's own scroll
  // is kept, where the box went back to its mark each time it was selected and the context
  // they had scrolled to read was gone.
  const evidenceShown = new Map();  // comment id → the text (textKey) whose box was scrolled
  const textKey = (item) => (item ? `${item.revision}\u0000${item.text || ""}` : null);

  function evidenceOnce(card) {
    const item = card && items.find((i) => i.id === card.dataset.id);
    if (!item || evidenceShown.get(item.id) === textKey(item)) return;
    evidenceShown.set(item.id, textKey(item));
    showEvidence(card.querySelector(".text.capped"));
  }

  // j, k and a finished action move the keyboard focus with the selection, and focusing a
  // card (Tab, a click) selects it: what has the focus is what a, r, e, v and h act on.
  function select(index) {
    current = index;
    highlight();
    const node = queueEl.children[current];
    if (node && node.classList.contains("item")) node.focus({ preventScroll: true });
    // the last comment decided: the keyboard stays in the queue, on the words that say it is
    // empty (the focus fell to the page's body, and a screen reader said nothing more)
    else if (!items.length && queueEl.querySelector(".queue-empty")) queueEl.querySelector(".queue-empty").focus();
  }

  const QUEUE_PAGE = 200;
  const POLL_MS = 15000;  // the queue is asked again this often while the tab is visible
  let shown = null;  // what the queue shows (ids, revisions, statuses, appeals, total)
  let loading = null;  // the queue load in progress

  // What a card shows that a refresh could change: when none of it did, the queue is left
  // as it is (no re-render, no scroll, the focus and the revealed text untouched).
  function queueKey(data) {
    const parts = data.items.map((i) => [i.id, i.revision, i.status, Boolean(i.appeal)].join("\u0000"));
    return [String(data.total), ...parts].join("\u0001");
  }

  // Load the queue again, keeping the reviewer's place: the selected comment stays selected
  // (or the one that took its place), the card or button with the focus keeps it, and text
  // the reviewer chose to read (v, or a click) is not blurred again.
  async function loadQueue() {
    while (loading) await loading.catch(() => null);  // a load after an action sees the action
    loading = fetchQueue().finally(() => { loading = null; });
    return loading;
  }

  async function fetchQueue() {
    const appealsOnly = appealsEl && appealsEl.checked;
    const data = await api("GET", `/api/v1/moderation/queue?limit=${QUEUE_PAGE}` + (appealsOnly ? "&appeal=true" : ""));
    // the page lists the oldest QUEUE_PAGE: say so when there are more, and how to reach them
    const more = data.total > data.items.length;
    const summary = `${data.total} held comment(s)${appealsOnly ? " with an appeal" : ""}` +
      (more ? `, the oldest ${data.items.length} shown` : "");
    const key = queueKey(data) + (appealsOnly ? "\u0002appeals" : "");
    if (key === shown) return { summary, changed: false };
    const selected = items[current] ? items[current].id : null;
    const active = document.activeElement;
    const inQueue = queueEl.contains(active);
    const activeCard = inQueue ? active.closest("article.item") : null;
    const activeAction = activeCard && active.dataset ? active.dataset.action : undefined;
    const activeText = activeCard && active.classList.contains("text");
    const read = new Set([...queueEl.querySelectorAll(".text.flagged:not(.blurred)")].map((t) => t.dataset.comment));
    // where the reader was in each box, kept for the same text only (an edited text is new)
    const before = new Map(items.map((i) => [i.id, textKey(i)]));
    const scrolled = new Map([...queueEl.querySelectorAll(".text.capped")].map((t) => [t.dataset.comment, t.scrollTop]));
    const anchorTop = onScreenTop(queueEl.children[current], selected);
    items = data.items;
    const kept = items.findIndex((i) => i.id === selected);
    current = kept >= 0 ? kept : Math.max(0, Math.min(current, items.length - 1));
    queueEl.replaceChildren(...items.map(renderItem));
    for (const t of queueEl.querySelectorAll(".text.flagged")) {
      if (read.has(t.dataset.comment)) setBlurred(t, false);
      const same = before.get(t.dataset.comment) === textKey(items.find((i) => i.id === t.dataset.comment));
      if (same && scrolled.get(t.dataset.comment)) t.scrollTop = scrolled.get(t.dataset.comment);  // where the reader was in it
    }
    // the selected comment, newly so (the page opened, the one before was decided) or its
    // text changed: its evidence in view, unless the reviewer had scrolled its box
    const selectedCard = queueEl.children[current];
    if (selectedCard && selectedCard.dataset.id && scrolled.get(selectedCard.dataset.id)
        && before.get(selectedCard.dataset.id) === textKey(items[current])) {
      evidenceShown.set(selectedCard.dataset.id, textKey(items[current]));
    }
    evidenceOnce(selectedCard);
    statusEl.textContent = summary;
    if (!items.length) queueEl.appendChild(el("p", "meta queue-empty", "The queue is empty.")).tabIndex = -1;
    if (more) {
      queueEl.appendChild(el("p", "meta queue-more",
        `${data.total - items.length} newer held comment(s) not shown: they appear as these are decided.`));
    }
    shown = key;
    keepOnScreen(queueEl.children[current], selected, anchorTop);
    if (activeCard) {  // the focus was in the queue: back on the same card (or its successor)
      const card = [...queueEl.children].find((c) => c.dataset.id === activeCard.dataset.id);
      const target = card && (activeText ? card.querySelector(".text")
        : activeAction ? card.querySelector(`button[data-action="${activeAction}"]`) : card);
      if (target) target.focus({ preventScroll: true });
      else select(current);
    } else if (inQueue && !queueEl.contains(document.activeElement)) {
      // the focus was on the words that said the queue was empty, gone with them: on the
      // comment that came in (or the words again), where it fell to the page's body and, in
      // "only in the queue" mode, no key acted
      select(current);
    }
    return { summary, changed: true };
  }

  // The selected card where the reviewer sees it, across a refresh: a card decided above it
  // (by another moderator) or an appeal taking its place no longer moves it up or down the
  // window (the queue drawn anew, the browser's scroll anchoring had nothing to hold on to,
  // and the card the reviewer was reading jumped by the height of the cards gone above it).
  // Its top in the window, when it is (partly) in view and is the selected comment `id`.
  function onScreenTop(card, id) {
    if (!card || !id || card.dataset.id !== id) return null;
    const box = card.getBoundingClientRect();
    return box.bottom > 0 && box.top < window.innerHeight ? box.top : null;
  }

  function keepOnScreen(card, id, top) {
    if (top === null || !card || card.dataset.id !== id) return;
    const shift = card.getBoundingClientRect().top - top;
    if (shift) window.scrollBy(0, shift);
  }

  // Refresh while the page is seen: every POLL_MS while the tab is visible, at once when it
  // becomes visible again; not while a dialog is open or an action is being sent (the
  // action refreshes the queue itself when it is done).
  function refreshQueue() {
    if (document.visibilityState !== "visible" || dialogEl.open || asking || inFlight.size) return;
    loadQueue().catch((err) => { statusEl.textContent = `Could not refresh the queue: ${err.message}`; });
  }

  // The audit log, newest first, a page at a time: "Older entries" asks for the entries
  // before the last one shown (the API's next_before); the filter keeps one actor's, one
  // action's or one comment's entries (exact matches).
  const AUDIT_PAGE = 50;
  const auditEl = document.getElementById("audit");
  const auditOlderEl = document.getElementById("audit-older");
  const auditShownEl = document.getElementById("audit-shown");
  const auditFilterEl = document.getElementById("audit-filter");
  const auditActions = new Set();
  let auditNext = null;
  let auditFilter = {};

  function auditRow(a) {
    const tr = el("tr");
    if (Number.isInteger(a.audit_id)) tr.dataset.audit = String(a.audit_id);  // for merging newer entries
    // to the second, date and time apart (the full stamp is the cell's tooltip); clauses
    // one after another: the column then keeps whole words
    const when = stamp(a.at);
    const clause = String(a.clause || "").replace(/,/g, ", ");
    for (const v of [when, a.actor, a.action, a.comment_id || a.article_id, clause, a.note]) tr.appendChild(el("td", null, v || ""));
    if (a.at) tr.firstChild.title = a.at;
    if (a.comment_id) {  // any comment's history, decided ones too (the queue lists held ones only)
      const link = el("a", "history-link", a.comment_id);  // inline: the cell keeps one line
      link.href = "#history";
      link.setAttribute("aria-label", `History of ${a.comment_id}`);
      link.addEventListener("click", (ev) => {
        ev.preventDefault();
        showHistory(a.comment_id);
      });
      tr.children[3].replaceChildren(link);
    }
    if (a.action && !auditActions.has(a.action)) {
      auditActions.add(a.action);
      const option = el("option");
      option.value = a.action;
      document.getElementById("audit-actions").appendChild(option);
    }
    return tr;
  }

  function auditUrl(before) {
    const query = new URLSearchParams({ limit: String(AUDIT_PAGE) });
    for (const [key, value] of Object.entries(auditFilter)) if (value) query.set(key, value);
    if (before !== null) query.set("before", String(before));
    return `/api/v1/moderation/audit?${query}`;
  }

  let auditStart = 0;  // counts the starts at the newest (a filter, Clear): older answers are dropped

  // older: append the page before the last entry shown; otherwise start again at the newest
  async function loadAudit(older) {
    const start = older ? auditStart : ++auditStart;
    const data = await api("GET", auditUrl(older ? auditNext : null));
    if (start !== auditStart) return;  // the log was started again (another filter) meanwhile
    const rows = data.items.map(auditRow);
    if (older) auditEl.append(...rows);
    else auditEl.replaceChildren(...rows);
    auditNext = data.next_before === undefined ? null : data.next_before;
    const hadFocus = document.activeElement === auditOlderEl;
    auditOlderEl.hidden = auditNext === null;
    sayAuditShown();
    if (hadFocus && auditOlderEl.hidden) auditShownEl.focus();  // the button went: keep the focus near
  }

  function sayAuditShown() {
    const filtered = Object.values(auditFilter).some(Boolean);
    const count = auditEl.children.length;
    auditShownEl.textContent = `${count} ${filtered ? "matching " : ""}entr${count === 1 ? "y" : "ies"} shown` +
      (auditNext === null && count ? ", the oldest reached" : "");
  }

  // After a decision: the entries newer than the newest one shown go on top, each in its
  // place by audit_id (once, whichever answer brings it), and the older pages the reviewer
  // loaded ("Older entries") stay, where each decision started the log again at its newest
  // page and dropped them. Pages are asked back from the newest until one reaches what is
  // shown (no gap); past AUDIT_CATCH_UP pages of new entries, the log starts again at the
  // newest instead. Nothing shown yet: the newest page.
  const AUDIT_CATCH_UP = 10;

  async function loadAuditNewer() {
    const ids = () => [...auditEl.children].map((tr) => Number(tr.dataset.audit));
    const top = auditEl.children.length ? ids()[0] : NaN;
    if (!Number.isInteger(top)) return loadAudit(false);
    const start = auditStart;
    const fresh = [];
    let before = null;
    for (let pages = 0; ; pages++) {
      if (pages === AUDIT_CATCH_UP) return start === auditStart ? loadAudit(false) : undefined;
      const data = await api("GET", auditUrl(before));
      if (start !== auditStart) return undefined;  // the log was started again meanwhile
      const newer = data.items.filter((a) => Number.isInteger(a.audit_id) && a.audit_id > top);
      fresh.push(...newer);
      if (newer.length < data.items.length || data.next_before === undefined || data.next_before === null) break;
      before = data.next_before;
    }
    const shown = new Set(ids());
    for (const a of fresh.sort((x, y) => y.audit_id - x.audit_id)) {
      if (shown.has(a.audit_id)) continue;  // brought by another decision's answer
      shown.add(a.audit_id);
      const next = [...auditEl.children].find((tr) => Number(tr.dataset.audit) < a.audit_id);
      auditEl.insertBefore(auditRow(a), next || null);
    }
    sayAuditShown();
    return undefined;
  }

  function readAuditFilter() {
    auditFilter = {
      actor: document.getElementById("audit-actor").value.trim(),
      action: document.getElementById("audit-action").value.trim(),
      comment_id: document.getElementById("audit-comment").value.trim(),
    };
  }

  function auditError(err) { auditShownEl.textContent = `Could not load the audit log: ${err.message}`; }

  auditOlderEl.addEventListener("click", () => { loadAudit(true).catch(auditError); });
  auditFilterEl.addEventListener("submit", (ev) => {
    ev.preventDefault();
    readAuditFilter();
    loadAudit(false).catch(auditError);
  });
  document.getElementById("audit-clear").addEventListener("click", () => {
    auditFilterEl.reset();
    readAuditFilter();
    loadAudit(false).catch(auditError);
  });

  // The audit log's hash chain, checked once when the page opens (it reads every entry).
  async function loadChain() {
    const box = document.getElementById("audit-chain");
    try {
      const chain = await api("GET", "/api/v1/moderation/audit/verify");
      box.classList.toggle("broken", !chain.intact);
      box.textContent = chain.intact
        ? `Hash chain intact: ${chain.entries} entries${chain.head ? `, head ${chain.head.slice(0, 16)}…` : ""}`
        : `Hash chain BROKEN at entry ${chain.broken_at}: the log was changed outside mutewatch. Tell an admin.`;
      if (chain.head) box.title = `head ${chain.head}`;
    } catch (err) {
      box.textContent = `Could not check the hash chain: ${err.message}`;
    }
  }

  // One revision as the history shows it: flagged (blurred) when a decision on it held or
  // rejected it or fired a clause, or when no decision on it is known; evidence marked.
  function revisionView(data, r) {
    const decisions = data.decisions.filter((d) => d.revision === r.revision);
    const fired = [];
    for (const d of decisions) for (const c of d.clauses || []) if (c.fired) fired.push(c);
    const flagged = !decisions.length || fired.length > 0 || decisions.some((d) => d.decision !== "publish");
    return { view: { id: data.comment.id, text: r.text, clauses: fired }, flagged };
  }

  // A history that could not be loaded is said in the status, whatever asked for it (h, its
  // button, a link in the audit log), where h left it an unhandled rejection: nothing said,
  // an error in the console
  function historyError(err) { statusEl.textContent = `Error: ${err.message}`; }

  // The history last asked for is the one shown: h on one comment, j, h on the next (or a
  // link in the audit log), and the first answer coming in last showed the first comment's
  // history, the keyboard taken to it, where the reviewer had asked for the second.
  let historyAsked = 0;

  // data-answers on the history: how many history answers the page is done with (shown,
  // dropped as older than the one last asked for, or said as an error), for a test or a
  // script to wait on an answer's end rather than on time
  let historyAnswers = 0;
  function showHistory(id) {
    return drawHistory(id).catch(historyError).finally(() => {
      historyEl.dataset.answers = String(++historyAnswers);
    });
  }

  async function drawHistory(id) {
    const asked = ++historyAsked;
    const from = document.activeElement;
    const data = await api("GET", `/api/v1/comments/${encodeURIComponent(id)}/history`);
    if (asked !== historyAsked) return;  // a later request: that one shows
    const box = historyEl;
    box.replaceChildren();
    box.dataset.comment = data.comment.id;  // the comment v acts on with the focus in it
    box.appendChild(el("div", null, `${data.comment.id}: ${data.comment.status}, revision ${data.comment.revision}`));
    for (const r of data.revisions) {
      box.appendChild(line("meta", `revision ${r.revision} by `, iso(r.editor), " at ", timeOf(r.created_at), " UTC",
        ...(r.note ? [" — ", iso(r.note)] : [])));
      const { view, flagged } = revisionView(data, r);
      capped(box.appendChild(renderText(view, flagged)));  // a long revision: the rest in reach
    }
    for (const d of data.decisions) {
      box.appendChild(line("meta", `decision ${d.decision} by `, iso(d.decided_by), " at ", timeOf(d.created_at), " UTC: ", iso(d.reason)));
    }
    for (const a of data.audit) {
      box.appendChild(line("meta", "audit: ", timeOf(a.at), " UTC ", iso(a.actor), ` ${a.action} ${a.clause || ""} `, iso(a.note || "")));
    }
    // the moderator chose to read this comment in the queue (v, or a click): its history
    // opens as read too, as v shows and hides both together
    const card = [...queueEl.children].find((c) => c.dataset.id === data.comment.id);
    if (card && card.querySelector(".text.flagged:not(.blurred)")) {
      for (const t of box.querySelectorAll(".text.flagged")) setBlurred(t, false);
    }
    for (const t of box.querySelectorAll(".text.capped")) showEvidence(t);  // as on the card
    // the keyboard goes to the history (deep in a queue of 30 it was a page away, and the
    // focus stayed on the card: nothing seemed to happen, and a screen reader said nothing);
    // Escape brings it back to the queue. Not when the reviewer moved on while it loaded (j,
    // a click, Tab): the keyboard stays where they took it (it was taken from the next
    // comment to the history, and in "only in the queue" mode no key then acted)
    box.setAttribute("aria-label", `History of ${data.comment.id}`);
    const now = document.activeElement;
    if (now !== from && now && now !== document.body && !box.contains(now)) {
      statusEl.textContent = `History of ${data.comment.id} shown`;
      return;
    }
    box.focus();
    statusEl.textContent = `History of ${data.comment.id} shown: Escape goes back to the queue`;
  }

  // Escape in the side panel (the history, the audit log and its filter): back to the
  // selected comment in the queue, and the status (a live region) says so, where it still
  // said "History of … shown: Escape goes back to the queue" with the focus gone back. The
  // queue empty: back on the words that say so, as after its last comment was decided
  // (Escape did nothing, and the keyboard stayed in the panel)
  document.querySelector("main.mod aside").addEventListener("keydown", (ev) => {
    if (ev.key !== "Escape" || dialogEl.open) return;
    if (!items.length && !queueEl.querySelector(".queue-empty")) return;  // not loaded yet
    ev.preventDefault();
    select(current);
    statusEl.textContent = items.length
      ? `Back in the queue on ${items[current].id} (${current + 1} of ${items.length})`
      : "Back in the queue: the queue is empty.";
  });

  const DONE = { approve: "Approved", reject: "Rejected", edit: "Edited and published" };

  // The edited text and the audit note are asked in a dialog in the page (moderation.html,
  // #act-dialog), not with window.prompt: a prompt is one line (a comment's paragraphs ran
  // together), and Chromium closes it when the tab loses the focus, the edit with it. The
  // note is required; Enter in it saves, and so does Ctrl+Enter (Cmd+Enter) in the text;
  // Escape or Cancel sends nothing. ask() resolves to { text, note }, { unchanged: true }
  // (an edit that left the text as it was) or null (cancelled).
  const [dialogEl, dialogForm, dialogTitle, textRow, textEl, noteEl, noteLabel, dialogError] = [
    "act-dialog", "act-form", "act-title", "act-text-row", "act-text", "act-note", "act-note-label",
    "act-error",
  ].map((id) => document.getElementById(id));
  const VERB = Object.fromEntries(BUTTONS);
  let asking = null;  // { action, item, resolve } while the dialog is open
  const inFlight = new Map();  // comment id → the action being sent for it

  // a textarea gives its value with LF line ends: a stored CRLF text left as it was is unchanged
  const lf = (s) => String(s || "").replace(/\r\n?/g, "\n");

  // The edit opens at what was flagged, as the card's box does (showEvidence): the caret at
  // the first evidence span's start, a third of the way down the textarea (it opened at the
  // top of a long comment, the mark screens below). The span counts code points of the
  // stored text, the textarea UTF-16 units of it with LF line ends (lf); the text before the
  // span, alone in the textarea, gives its height.
  function caretAtEvidence(item) {
    const first = spans(item)[0];
    const at = first ? lf(Array.from(item.text || "").slice(0, first[0]).join("")).length : 0;
    textEl.focus();
    textEl.setSelectionRange(at, at);
    textEl.scrollTop = 0;
    if (!at || textEl.scrollHeight <= textEl.clientHeight) return;
    const full = textEl.value;
    textEl.value = full.slice(0, at);
    const above = textEl.scrollHeight;
    textEl.value = full;
    textEl.setSelectionRange(at, at);
    if (above > textEl.clientHeight) textEl.scrollTop = above - textEl.clientHeight / 3;
  }

  function ask(action, item) {
    const editing = action === "edit";
    dialogTitle.textContent = `${VERB[action]} ${item.id}`;
    textRow.hidden = !editing;
    textEl.disabled = !editing;
    textEl.value = editing ? item.text || "" : "";
    noteLabel.textContent = `Note for ${action} of ${item.id} (audit log, required)`;
    noteEl.value = "";
    noteEl.removeAttribute("aria-invalid");
    dialogError.textContent = "";
    return new Promise((resolve) => {
      asking = { action, item, resolve };
      dialogEl.showModal();
      if (editing) caretAtEvidence(item);
      else noteEl.focus();
    });
  }

  function finish(answer) {
    const open = asking;
    asking = null;
    if (dialogEl.open) dialogEl.close();
    if (open) open.resolve(answer);
  }

  dialogForm.addEventListener("submit", (ev) => {
    ev.preventDefault();
    if (!asking) return;
    const { action, item } = asking;
    if (action === "edit" && lf(textEl.value) === lf(item.text)) {
      finish({ unchanged: true });
      return;
    }
    if (!noteEl.value.trim()) {  // the audit log needs a reason: ask until there is one
      dialogError.textContent = "A note is required: say why, for the audit log.";
      noteEl.setAttribute("aria-invalid", "true");
      noteEl.focus();
      return;
    }
    finish({ text: action === "edit" ? textEl.value : undefined, note: noteEl.value });
  });
  document.getElementById("act-cancel").addEventListener("click", () => finish(null));
  // Escape closes it too. The event comes a task after close(): a dialog opened again
  // meanwhile (a quick next action) is not the one that closed
  dialogEl.addEventListener("close", () => { if (!dialogEl.open) finish(null); });
  textEl.addEventListener("keydown", (ev) => {
    if (ev.key !== "Enter" || !(ev.ctrlKey || ev.metaKey) || ev.isComposing) return;
    ev.preventDefault();
    dialogForm.requestSubmit();
  });

  async function act(action) {
    const item = items[current];
    if (!item || asking) return;
    // a second a (or a click) while the first approve is being sent would ask again for the
    // comment being decided: keys and buttons wait until its answer is in
    if (inFlight.has(item.id)) {
      statusEl.textContent = `${VERB[inFlight.get(item.id)]} of ${item.id} is being sent: wait for its answer`;
      return;
    }
    // what this moderator saw: if another moderator acted since, or the reader appealed, the
    // server refuses (409)
    const body = {
      action, note: "", expected_status: item.status, expected_revision: item.revision,
      expected_appealed: Boolean(item.appeal),
    };
    const answer = await ask(action, item);
    const card = [...queueEl.children].find((c) => c.dataset.id === item.id);
    if (card) card.focus({ preventScroll: true });  // back where the moderator was
    if (!answer) return;  // cancelled (Escape, Cancel): nothing is sent
    if (answer.unchanged) {  // an edit that changes nothing would publish a copy revision
      statusEl.textContent = `Not edited: the text of ${item.id} is unchanged (approve it with a, or edit the text)`;
      return;
    }
    if (action === "edit") body.text = answer.text;
    body.note = answer.note;
    if (inFlight.has(item.id)) return;  // a button's dialog and a key's both answered
    inFlight.set(item.id, action);
    const focused = () => queueEl.contains(document.activeElement);
    try {
      statusEl.textContent = `${action}: ${item.id}`;
      await api("POST", `/api/v1/comments/${encodeURIComponent(item.id)}/actions`, body);
      const wasFocused = focused();
      const { summary } = await loadQueue();
      // said last, after the queue's count, so the moderator (and a screen reader, the
      // status being a live region) hears what was done to which comment
      statusEl.textContent = `${DONE[action]} ${item.id}. ${summary}`;
      if (wasFocused) select(current);  // the card that took its place, not the page's top
      await loadAuditNewer();
    } catch (err) {
      if (err.status === 409) await refused(action, item, err, focused());
      else statusEl.textContent = `Error: ${err.message}`;
    } finally {
      inFlight.delete(item.id);
    }
  }

  // A 409: the comment changed since the page read it (another moderator decided it, or its
  // reader appealed) or the decision was already made. The page says so in its own words,
  // built from the error's conflict object (who did what and when, what the comment is
  // now), not from the server's message (whose hint is advice for API clients: leave out
  // expected_status to override); it refreshes the queue and says so.
  const PAST = { approve: "approved", reject: "rejected", edit: "edited", appeal: "appealed" };

  // "2026-12-01T00:13:05Z" as the audit table shows it: "2026-12-01 00:13:05 UTC"
  const utc = (at) => `${stamp(at)} UTC`;

  function conflictParts(c, id) {
    const last = c.last && typeof c.last === "object" ? c.last : null;
    const when = last && last.at ? ` at ${utc(last.at)}` : "";
    const did = last ? PAST[last.action] || String(last.action) : "";
    const who = last && last.action === "appeal" ? "its reader" : last ? iso(last.actor) : null;
    if (c.reason === "already_decided") {
      return who
        ? ["comment '", iso(id), `' was already ${did} by `, who, `${when}; it is ${c.status}`]
        : ["comment '", iso(id), `' was already decided; it is ${c.status}`];
    }
    const now = `it is ${c.status} at revision ${c.revision}`;
    const changed = ["comment '", iso(id), "' changed since it was read"];
    return who ? [...changed, ": ", who, ` ${did} it${when}; ${now}`] : [...changed, `; ${now}`];
  }

  async function refused(action, item, err, wasFocused) {
    const c = err.conflict;
    const said = c && typeof c === "object" ? conflictParts(c, item.id) : [err.message];
    let after = "the queue was refreshed";
    try {
      await loadQueue();
      if (wasFocused) select(current);
      await loadAuditNewer();
    } catch (loadErr) {
      after = `the queue could not be refreshed (${loadErr.message}): reload the page`;
    }
    statusEl.replaceChildren(...line(null, `Not done: ${VERB[action].toLowerCase()} of `, iso(item.id),
      ": ", ...said, `. Nothing was changed: ${after}.`).childNodes);
  }

  // WCAG 2.1.4 (Character Key Shortcuts): the single-key shortcuts can be turned off, or
  // kept to the queue (a card or its text has the focus); the choice is remembered in this
  // browser. On everywhere by default: approve and reject from the keyboard.
  function storedShortcutMode() {
    try {
      return window.localStorage.getItem(SHORTCUTS_KEY);
    } catch (err) {  // storage disabled: the choice lasts as long as the page
      return null;
    }
  }

  function shortcutMode() {
    return shortcutsEl && SHORTCUT_MODES.includes(shortcutsEl.value) ? shortcutsEl.value : "on";
  }

  function applyShortcutMode() {
    const mode = shortcutMode();
    document.body.dataset.shortcuts = mode;
    if (keyHelpEl) keyHelpEl.hidden = mode === "off";
    return mode;
  }

  function shortcutsActive(target) {
    const mode = shortcutMode();
    return mode === "on" || (mode === "queue" && queueEl.contains(target));
  }

  if (shortcutsEl) {
    const saved = storedShortcutMode();
    if (SHORTCUT_MODES.includes(saved)) shortcutsEl.value = saved;
    applyShortcutMode();
    shortcutsEl.addEventListener("change", () => {
      const mode = applyShortcutMode();
      try {
        window.localStorage.setItem(SHORTCUTS_KEY, mode);
      } catch (err) { /* not remembered: storage disabled */ }
      statusEl.textContent = {
        on: "Single-key shortcuts on",
        queue: "Single-key shortcuts on only while a comment in the queue has the focus",
        off: "Single-key shortcuts off: each comment's buttons approve, reject, edit and show its history",
      }[mode];
    });
  }

  document.addEventListener("keydown", (ev) => {
    // Ctrl+R reloads and Ctrl+A selects all: they are not reject and approve
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (dialogEl.open) return;  // keys in the dialog are typing and its buttons, not actions
    if (!shortcutsActive(ev.target)) return;
    if (ev.target.closest && ev.target.closest("input, textarea, select")) return;
    const node = queueEl.children[current];
    switch (ev.key) {
      case "j": select(Math.max(0, Math.min(current + 1, items.length - 1))); break;
      case "k": select(Math.max(current - 1, 0)); break;
      // in a shown history, its comment only: nothing flagged there (a clean comment), v
      // does nothing, where it showed or blurred the queue's selected card, out of sight
      case "v": toggleReveal(historyEl.contains(ev.target) && historyEl.dataset.comment ? historyEl : node); break;
      case "a": act("approve"); break;
      case "r": act("reject"); break;
      case "e": act("edit"); break;
      case "h": if (items[current]) showHistory(items[current].id); break;
      default: return;
    }
    ev.preventDefault();
  });

  // the queue filtered (or not) by appeal: the keyboard goes on to its first comment (or to
  // the words that say it is empty), where the single-key shortcuts act, in every mode
  // (the focus fell to the page's body: in "only in the queue" mode no key acted)
  if (appealsEl) appealsEl.addEventListener("change", () => {
    current = 0;
    loadQueue().then(() => select(0)).catch((err) => { statusEl.textContent = `Error: ${err.message}`; });
  });

  loadQueue().then(() => loadAudit(false)).catch((err) => { statusEl.textContent = `Error: ${err.message}`; });
  setInterval(refreshQueue, POLL_MS);
  document.addEventListener("visibilitychange", refreshQueue);
  loadChain();
})();
