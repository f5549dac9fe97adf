// Keyboard triage on a transcript opened from a filtered list (staff/_triage_bar.html):
// j next, k previous, u back to the list, f flag or unflag, r mark reviewed and open the next,
// t go to the tag field. The review actions submit the page's own review forms. Keys typed into
// a field, or pressed with Ctrl, Alt or Meta, are left alone.
(function () {
  "use strict";

  const bar = document.querySelector("nav.triage-bar");
  if (!bar) return;

  function typing(target) {
    return target && (target.isContentEditable ||
      ["INPUT", "SELECT", "TEXTAREA", "BUTTON"].includes(target.tagName));
  }

  function link(selector) {
    return bar.querySelector(selector);
  }

  function go(anchor) {
    if (anchor) window.location.assign(anchor.href);
  }

  function reviewForm(action) {
    const input = document.querySelector(
      `form[action$="/review"] input[name="action"][value="${action}"]`);
    return input ? input.form : null;
  }

  function markReviewedThenNext() {
    const form = reviewForm("reviewed");
    const next = link('a[rel="next"]');
    if (!form) { go(next || link("a.triage-back")); return; }
    fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin" })
      .then((response) => {
        if (!response.ok) throw new Error(String(response.status));
        go(next || link("a.triage-back"));
      })
      .catch(() => form.submit());
  }

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.altKey || event.metaKey || typing(event.target)) return;
    if (event.key === "j") go(link('a[rel="next"]'));
    else if (event.key === "k") go(link('a[rel="prev"]'));
    else if (event.key === "u") go(link("a.triage-back"));
    else if (event.key === "f") {
      const form = reviewForm("flag") || reviewForm("unflag");
      if (form) form.submit();
    } else if (event.key === "r") markReviewedThenNext();
    else if (event.key === "t") {
      const field = document.querySelector('form[action$="/review"] input[name="value"]');
      const tagForm = reviewForm("tag");
      const tagField = tagForm ? tagForm.querySelector('input[name="value"]') : field;
      if (tagField) tagField.focus();
    } else return;
    event.preventDefault();
  });
})();
