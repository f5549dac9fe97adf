// Keyboard triage of the staff conversation list: j and k move between rows, Enter (or o) opens
// the current one, / goes to the search field, n and p turn the page. Keys typed into a field,
// or pressed with Ctrl, Alt or Meta, are left alone.
(function () {
  "use strict";

  const rows = Array.from(document.querySelectorAll("tr.triage-row"));
  let current = -1;

  function typing(target) {
    return target && (target.isContentEditable ||
      ["INPUT", "SELECT", "TEXTAREA", "BUTTON"].includes(target.tagName));
  }

  function select(index) {
    if (!rows.length) return;
    current = Math.max(0, Math.min(rows.length - 1, index));
    rows.forEach((row, i) => row.classList.toggle("current", i === current));
    const link = rows[current].querySelector("a.open-conversation");
    if (link) link.focus();
  }

  // A row's link that receives focus (by Tab, say) becomes the current row.
  rows.forEach((row, index) => {
    const link = row.querySelector("a.open-conversation");
    if (link) link.addEventListener("focus", () => {
      current = index;
      rows.forEach((r, i) => r.classList.toggle("current", i === current));
    });
  });

  function follow(rel) {
    const link = document.querySelector(`nav[aria-label] a[rel="${rel}"]`);
    if (link) window.location.assign(link.href);
  }

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.altKey || event.metaKey || typing(event.target)) return;
    if (event.key === "j") select(current + 1);
    else if (event.key === "k") select(current < 0 ? 0 : current - 1);
    else if ((event.key === "Enter" || event.key === "o") && current >= 0) {
      const link = rows[current].querySelector("a.open-conversation");
      if (link) window.location.assign(link.href);
    } else if (event.key === "/") {
      const search = document.querySelector('input[name="q"]');
      if (search) search.focus();
    } else if (event.key === "n") follow("next");
    else if (event.key === "p") follow("prev");
    else return;
    event.preventDefault();
  });
})();
