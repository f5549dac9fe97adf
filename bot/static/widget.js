// The chat widget: sends what the user types to /api/chat and shows the replies.
// Every text from the user or the bot goes through textContent, never innerHTML, so markup in a
// message is shown as typed. Quick replies are real <button>s, so the widget works by keyboard.
// When the page loads, the conversation so far is shown again (/api/chat/history). After the
// site's language switch, the widget tells the advisor, which goes on in the page's language.
(function () {
  "use strict";

  const root = document.querySelector("#chat");
  if (!root) return;
  const log = root.querySelector("[data-chat-log]");
  const form = root.querySelector("[data-chat-form]");
  const input = root.querySelector("[data-chat-input]");
  const status = root.querySelector("[data-chat-status]");
  const restartButton = root.querySelector("[data-chat-restart]");
  // The page's words, in its language: index.html writes them from the gettext catalog.
  const texts = (function () {
    const chat = document.querySelector("#chat");
    try {
      return chat && chat.dataset.texts ? JSON.parse(chat.dataset.texts) : {};
    } catch (ignored) {
      return {};
    }
  })();
  let busy = false;
  // Set when the visitor clicks the site's language switch, read once on the page it leads to.
  const SWITCHED = "advisor-language-switched";

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function append(item) {
    log.appendChild(item);
    item.scrollIntoView({ block: "end", behavior: "smooth" });
    return item;
  }

  function userItem(text) {
    const item = element("li", "msg msg-user");
    item.appendChild(element("span", "visually-hidden", texts.you + " "));
    item.appendChild(element("span", "msg-text", text));
    return item;
  }

  function showUser(text) {
    append(userItem(text));
  }

  function showNotice(text) {
    append(element("li", "msg msg-notice", text));
  }

  function quickReplies(buttons) {
    const group = element("div", "quick-replies");
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", texts.suggestions);
    for (const button of buttons) {
      const choice = element("button", "quick-reply", button.title);
      choice.type = "button";
      choice.addEventListener("click", function () {
        if (busy) return;
        for (const other of group.querySelectorAll("button")) other.disabled = true;
        choice.classList.add("chosen");
        send(button.payload, button.title);
      });
      group.appendChild(choice);
    }
    return group;
  }

  // ``past``: a message shown again after a page load, whose choices were answered already.
  function botItem(message, past) {
    const item = element("li", "msg msg-bot");
    item.appendChild(element("span", "visually-hidden", texts.advisor + " "));
    if (message.text) item.appendChild(element("span", "msg-text", message.text));
    if (message.image && /^https?:\/\//.test(message.image)) {
      const image = element("img", "msg-image");
      image.src = message.image;
      image.alt = "";
      item.appendChild(image);
    }
    const custom = message.custom;
    if (custom && custom.type === "allocation" && window.AdvisorCharts) {
      item.appendChild(window.AdvisorCharts.allocationCard(custom));
    }
    if (message.buttons && message.buttons.length) {
      const group = quickReplies(message.buttons);
      if (past) for (const choice of group.querySelectorAll("button")) choice.disabled = true;
      item.appendChild(group);
    }
    return item;
  }

  function showBot(message) {
    append(botItem(message, false));
  }

  function errorText(status, body) {
    if (body && typeof body.detail === "string") return body.detail;
    if (body && Array.isArray(body.detail)) return body.detail.map((e) => e.msg).join(" ");
    return texts.error + " (HTTP " + status + ")";
  }

  async function post(url, payload) {
    const response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      credentials: "same-origin",
      body: JSON.stringify(payload),
    });
    let body = null;
    try {
      body = await response.json();
    } catch (ignored) {
      body = null;
    }
    return { ok: response.ok, status: response.status, body: body };
  }

  // ``shown``: what the log shows for the message (a button's title); false shows nothing.
  async function send(text, shown) {
    if (busy) return;
    busy = true;
    root.setAttribute("aria-busy", "true");
    status.textContent = texts.typing;
    if (shown !== false) showUser(shown || text);
    try {
      const result = await post("/api/chat", { text: text });
      if (result.ok) {
        for (const message of result.body.messages || []) showBot(message);
      } else {
        showNotice(errorText(result.status, result.body));
      }
    } catch (ignored) {
      showNotice(texts.offline);
    } finally {
      busy = false;
      root.removeAttribute("aria-busy");
      status.textContent = "";
      input.focus();
    }
  }

  // The conversation so far, put before anything typed since the page loaded; after the site's
  // language switch, the advisor is told, and answers in the page's language.
  async function restore() {
    let result = null;
    try {
      const response = await fetch("/api/chat/history", {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (response.ok) result = await response.json();
    } catch (ignored) {
      result = null;
    }
    const past = (result && result.messages) || [];
    const earlier = document.createDocumentFragment();
    // The choices under the advisor's last message still stand if nothing was said after it.
    let last = null;
    for (const message of past) {
      last = message.sender === "user" ? null : botItem(message, true);
      earlier.appendChild(last || userItem(message.text));
    }
    if (last) for (const choice of last.querySelectorAll(".quick-reply")) choice.disabled = false;
    log.insertBefore(earlier, log.firstChild);
    if (log.lastElementChild) log.lastElementChild.scrollIntoView({ block: "end" });
    let switched = false;
    try {
      switched = sessionStorage.getItem(SWITCHED) === "1";
      sessionStorage.removeItem(SWITCHED);
    } catch (ignored) {
      switched = false;
    }
    const page = document.documentElement.lang;
    root.dataset.restored = "true";
    if (switched && past.length && result.language && result.language !== page) {
      await send("/switch_language", false);
    }
  }

  for (const link of document.querySelectorAll(".language-switch a")) {
    link.addEventListener("click", function () {
      try {
        sessionStorage.setItem(SWITCHED, "1");
      } catch (ignored) {
        // Without storage the conversation keeps its language until the next message.
      }
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    send(text);
  });

  restartButton.addEventListener("click", async function () {
    if (busy) return;
    const result = await post("/api/chat/restart", {});
    if (result.ok) {
      log.replaceChildren();
      showNotice(texts.restarted);
    } else {
      showNotice(errorText(result.status, result.body));
    }
    input.focus();
  });
  restore();
})();
