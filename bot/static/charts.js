// Charts for the allocation payload, drawn as SVG from scratch (no library, nothing downloaded):
// a donut of the weights and a fan chart of the projected balance (10th to 90th percentile band
// around the median). Labels go through textContent; the figures are also given as text so that
// screen readers and narrow screens get them without the drawing.
(function () {
  "use strict";

  const SVG = "http://www.w3.org/2000/svg";
  const PALETTE = ["#1f5f8b", "#3d9970", "#e3a008", "#c2410c", "#7c3aed", "#0e7490", "#be185d",
    "#4d7c0f", "#64748b", "#92400e", "#0f766e", "#9333ea"];

  function svg(tag, attributes) {
    const node = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, value);
    return node;
  }

  function html(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  // The page's words in its language (index.html writes them from the gettext catalog), with the
  // display names of the asset classes (the locale files' names of the engine's classes).
  const TEXTS = (function () {
    const chat = document.querySelector("#chat");
    try {
      return chat && chat.dataset.texts ? JSON.parse(chat.dataset.texts) : {};
    } catch (ignored) {
      return {};
    }
  })();
  const NAMES = TEXTS.asset_names || {};
  // Numbers as the page's language writes them (CLDR through the browser's Intl): "1.2M" in
  // English, "120万" in Chinese.
  const LANGUAGE = document.documentElement.lang || "en";
  const COMPACT = new Intl.NumberFormat(LANGUAGE, { notation: "compact" });

  function word(key) {
    return Object.prototype.hasOwnProperty.call(TEXTS, key) ? String(TEXTS[key]) : key;
  }

  // A phrase of the catalog with its {names} filled in.
  function phrase(key, values) {
    return word(key).replace(/\{(\w+)\}/g, (whole, name) =>
      Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole);
  }

  function list(items) {
    return items.join(word("list_separator"));
  }

  function label(key) {
    if (Object.prototype.hasOwnProperty.call(NAMES, key)) return NAMES[key];
    const words = String(key).replace(/_/g, " ");
    return words.charAt(0).toUpperCase() + words.slice(1);
  }

  function percent(fraction, digits) {
    if (typeof fraction !== "number" || !isFinite(fraction)) return "–";
    const places = digits === undefined ? 1 : digits;
    return new Intl.NumberFormat(LANGUAGE, {
      style: "percent", minimumFractionDigits: places, maximumFractionDigits: places,
    }).format(fraction);
  }

  function money(amount) {
    if (typeof amount !== "number" || !isFinite(amount)) return "–";
    return COMPACT.format(amount);
  }

  function positiveEntries(weights) {
    return Object.entries(weights || {})
      .filter(([, weight]) => typeof weight === "number" && weight > 0)
      .sort((a, b) => b[1] - a[1]);
  }

  // Each slice is a dashed stroke on one circle: dash length = weight x circumference. Unlike arc
  // paths this needs no special case for a single 100 % slice.
  function donut(weights, title) {
    const entries = positiveEntries(weights);
    const total = entries.reduce((sum, [, w]) => sum + w, 0) || 1;
    const radius = 40;
    const circumference = 2 * Math.PI * radius;
    const chart = svg("svg", { viewBox: "0 0 120 120", class: "donut", role: "img" });
    chart.setAttribute("aria-label", phrase("donut_label", { title: title, shares: list(
      entries.map(([k, w]) => phrase("share", { name: label(k), percent: percent(w / total) }))) }));
    const group = svg("g", { transform: "rotate(-90 60 60)" });
    let offset = 0;
    entries.forEach(([key, weight], index) => {
      const length = (weight / total) * circumference;
      const slice = svg("circle", {
        cx: 60, cy: 60, r: radius, fill: "none", "stroke-width": 22,
        stroke: PALETTE[index % PALETTE.length],
        "stroke-dasharray": length + " " + (circumference - length),
        "stroke-dashoffset": String(-offset),
      });
      const tip = svg("title");
      tip.textContent = phrase("share", { name: label(key), percent: percent(weight / total) });
      slice.appendChild(tip);
      group.appendChild(slice);
      offset += length;
    });
    chart.appendChild(group);
    const legend = html("ul", "legend");
    entries.forEach(([key, weight], index) => {
      const item = html("li");
      const swatch = html("span", "swatch");
      swatch.style.backgroundColor = PALETTE[index % PALETTE.length]; // CSSOM: allowed by the CSP
      item.appendChild(swatch);
      item.appendChild(html("span", "legend-label", label(key)));
      item.appendChild(html("span", "legend-value", percent(weight / total)));
      legend.appendChild(item);
    });
    const figure = html("figure", "chart chart-donut");
    figure.appendChild(html("figcaption", null, title));
    figure.appendChild(chart);
    figure.appendChild(legend);
    return figure;
  }

  function band(projection) {
    const points = Array.isArray(projection) ? projection : (projection && projection.band) || [];
    return points.filter((p) => [p.year, p.p10, p.p50, p.p90].every((v) => typeof v === "number"));
  }

  function fan(projection, title) {
    const points = band(projection);
    const figure = html("figure", "chart chart-fan");
    figure.appendChild(html("figcaption", null, title));
    if (points.length < 2) return figure;
    const width = 320, height = 190, left = 44, right = 10, top = 10, bottom = 28;
    const target = projection && typeof projection.target_amount === "number"
      ? projection.target_amount : null;
    const lastYear = points[points.length - 1].year || 1;
    const highest = Math.max(...points.map((p) => p.p90), target || 0) || 1;
    const x = (year) => left + (year / lastYear) * (width - left - right);
    const y = (value) => top + (1 - value / highest) * (height - top - bottom);
    const last = points[points.length - 1];
    const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, class: "fan", role: "img" });
    chart.setAttribute("aria-label", phrase("fan_label", { title: title, years: lastYear,
      median: money(last.p50), low: money(last.p10), high: money(last.p90) }));
    for (const fraction of [0, 0.5, 1]) {
      const value = highest * fraction;
      chart.appendChild(svg("line", { x1: left, x2: width - right, y1: y(value), y2: y(value),
        class: "grid" }));
      const tick = svg("text", { x: left - 4, y: y(value) + 3, "text-anchor": "end", class: "tick" });
      tick.textContent = money(value);
      chart.appendChild(tick);
    }
    for (const year of [0, Math.round(lastYear / 2), lastYear]) {
      const tick = svg("text", { x: x(year), y: height - 10, "text-anchor": "middle", class: "tick" });
      tick.textContent = phrase("year_tick", { years: year });
      chart.appendChild(tick);
    }
    const upper = points.map((p) => `${x(p.year)},${y(p.p90)}`);
    const lower = points.slice().reverse().map((p) => `${x(p.year)},${y(p.p10)}`);
    chart.appendChild(svg("polygon", { points: upper.concat(lower).join(" "), class: "fan-band" }));
    chart.appendChild(svg("polyline", {
      points: points.map((p) => `${x(p.year)},${y(p.p50)}`).join(" "), class: "fan-median",
    }));
    if (target !== null) {
      chart.appendChild(svg("line", { x1: left, x2: width - right, y1: y(target), y2: y(target),
        class: "fan-target" }));
    }
    figure.appendChild(chart);
    const key = html("p", "chart-key", word(target !== null ? "fan_key_target" : "fan_key"));
    figure.appendChild(key);
    return figure;
  }

  function figures(payload) {
    const list = html("dl", "figures");
    const rows = [
      [word("expected_return"), percent(payload.expected_return)],
      [word("volatility"), percent(payload.volatility)],
      [word("bad_year"), percent(payload.bad_year)],
    ];
    if (typeof payload.probability_of_target === "number") {
      rows.push([word("chance_of_target"), percent(payload.probability_of_target, 0)]);
    }
    for (const [name, value] of rows) {
      list.appendChild(html("dt", null, name));
      list.appendChild(html("dd", null, value));
    }
    return list;
  }

  function allocationCard(payload) {
    const card = html("div", "allocation-card");
    card.appendChild(figures(payload));
    const charts = html("div", "charts");
    charts.appendChild(donut(payload.weights, word("recommended_mix")));
    charts.appendChild(fan(payload.projection, word("projected_balance")));
    card.appendChild(charts);
    if (payload.groups && Object.keys(payload.groups).length) {
      const groupNames = TEXTS.group_names || {};
      const groupName = (key) =>
        Object.prototype.hasOwnProperty.call(groupNames, key) ? groupNames[key] : label(key);
      const groups = html("p", "groups", phrase("by_group", { groups: list(
        positiveEntries(payload.groups)
          .map(([k, w]) => phrase("share", { name: groupName(k), percent: percent(w, 0) }))) }));
      card.appendChild(groups);
    }
    return card;
  }

  window.AdvisorCharts = { allocationCard: allocationCard, donut: donut, fan: fan };
})();
