// The staff transcript page (staff/transcript.html): choose a user message to see the slots right
// after it in the side panel, show the raw events instead of the conversation, and keys:
// j / k next / previous user message, f flag or unflag, r mark reviewed (then the next conversation
// of the list, if any), t the tag field, g raw events, n / p the next / previous conversation of
// the list (links rel="next" / rel="prev"). Keys typed into a field, or pressed with Ctrl, Alt or
// Meta, are left alone. This page's keys come first: the list's own key handler does not see them.
(function () {
  "use strict";

  const chat = document.getElementById("chat-view");
  if (!chat) return;
  const raw = document.getElementById("raw-events");
  const toggle = document.getElementById("raw-toggle");
  const panel = document.getElementById("slot-panel");
  const turnNumber = document.getElementById("slot-turn");
  const turns = Array.from(chat.querySelectorAll("li.msg-user"));
  let states = [];
  try {
    states = JSON.parse(document.getElementById("slot-states").textContent || "[]");
  } catch (ignored) {
    states = [];
  }
  // The page's words in its language (staff/transcript.html writes them as JSON in data-texts).
  let texts = {};
  try {
    texts = JSON.parse(chat.dataset.texts || "{}");
  } catch (ignored) {
    texts = {};
  }
  let current = turns.findIndex((li) => li.classList.contains("selected"));

  function select(index, scroll) {
    if (index < 0 || index >= turns.length) return;
    current = index;
    turns.forEach((li, i) => {
      li.classList.toggle("selected", i === index);
      const button = li.querySelector(".turn-select");
      if (button) button.setAttribute("aria-pressed", i === index ? "true" : "false");
    });
    const state = states[index];
    if (panel && state) {
      if (turnNumber) turnNumber.textContent = String(index + 1);
      panel.querySelectorAll("tr[data-slot]").forEach((row) => {
        const name = row.dataset.slot;
        const changed = state.changed.includes(name);
        row.classList.toggle("changed", changed);
        row.querySelector(".slot-value").textContent =
          Object.prototype.hasOwnProperty.call(state.slots, name) ? state.slots[name] : "–";
        row.querySelector(".changed-mark").textContent = changed ? texts.changed : "";
      });
    }
    if (scroll) {
      turns[index].scrollIntoView({ block: "nearest" });
      const button = turns[index].querySelector(".turn-select");
      if (button) button.focus({ preventScroll: true });
    }
  }

  turns.forEach((li, i) => {
    const button = li.querySelector(".turn-select");
    if (button) button.addEventListener("click", () => select(i, false));
    li.addEventListener("click", (event) => {
      if (!event.target.closest("details, form, a, button")) select(i, false);
    });
  });

  function showRaw(on) {
    if (!raw || !toggle) return;
    raw.hidden = !on;
    chat.parentElement.hidden = on;
    toggle.setAttribute("aria-pressed", on ? "true" : "false");
    toggle.textContent = on ? texts.show_conversation : texts.show_raw;
  }
  if (toggle) {
    toggle.addEventListener("click", () => showRaw(raw.hidden));
  }

  function typing(target) {
    return target && (target.isContentEditable ||
      ["INPUT", "SELECT", "TEXTAREA"].includes(target.tagName));
  }

  function reviewForm(action) {
    const input = document.querySelector(
      `form[action$="/review"] input[name="action"][value="${action}"]`);
    return input ? input.form : null;
  }

  function conversationLink(rel) {
    const bar = document.querySelector("nav.triage-bar");
    return (bar || document).querySelector(`a[rel="${rel}"]`);
  }

  function go(anchor) {
    if (anchor) window.location.assign(anchor.href);
  }

  // Posts a review form and then opens ``then`` (a link), or this same page again, so the page,
  // and the list the transcript was opened from, stay; a plain submit if the post fails.
  function post(form, then) {
    // The form's own "action" field hides form.action, hence the attribute.
    fetch(form.getAttribute("action"), { method: "POST", body: new FormData(form), credentials: "same-origin" })
      .then((response) => {
        if (!response.ok) throw new Error(String(response.status));
        if (then) go(then); else window.location.reload();
      })
      .catch(() => form.submit());
  }

  function markReviewed() {
    const form = reviewForm("reviewed");
    const next = conversationLink("next");
    if (form) post(form, next); else go(next);
  }

  const keys = {
    j: () => select(current < 0 ? 0 : current + 1, true),
    k: () => select(current < 0 ? 0 : current - 1, true),
    f: () => { const form = reviewForm("flag") || reviewForm("unflag"); if (form) post(form, null); },
    r: markReviewed,
    t: () => { const form = reviewForm("tag"); if (form) form.querySelector('input[name="value"]').focus(); },
    g: () => showRaw(raw ? raw.hidden : false),
    n: () => go(conversationLink("next")),
    p: () => go(conversationLink("prev")),
  };

  window.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.altKey || event.metaKey || typing(event.target)) return;
    const action = Object.prototype.hasOwnProperty.call(keys, event.key) ? keys[event.key] : null;
    if (!action) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    action();
  }, true);
})();
