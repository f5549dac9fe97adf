// Keys of the triage bar (staff/_triage_bar.html) on a transcript opened from a filtered list:
// n the next conversation of the list, p the previous one, u back to the list. The transcript
// page's own script takes its keys first (flag, reviewed, tag...); these work with or without it.
// Keys typed into a field, or pressed with Ctrl, Alt or Meta, are left alone.
(function () {
  "use strict";

  const bar = document.querySelector("nav.triage-bar");
  if (!bar) return;

  function typing(target) {
    return target && (target.isContentEditable ||
      ["INPUT", "SELECT", "TEXTAREA", "BUTTON"].includes(target.tagName));
  }

  const links = { n: 'a[rel="next"]', p: 'a[rel="prev"]', u: "a.triage-back" };

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.altKey || event.metaKey || typing(event.target)) return;
    if (!Object.prototype.hasOwnProperty.call(links, event.key)) return;
    event.preventDefault();
    const link = bar.querySelector(links[event.key]);
    if (link) window.location.assign(link.href);
  });
})();
