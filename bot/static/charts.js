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

  // Display names of the asset classes, given by the page (the engine's assumptions file).
  const NAMES = (function () {
    try {
      return JSON.parse((document.querySelector("#chat") || {}).dataset.assetNames || "{}");
    } catch (ignored) {
      return {};
    }
  })();

  function label(key) {
    if (Object.prototype.hasOwnProperty.call(NAMES, key)) return NAMES[key];
    const words = String(key).replace(/_/g, " ");
    return words.charAt(0).toUpperCase() + words.slice(1);
  }

  function percent(fraction, digits) {
    if (typeof fraction !== "number" || !isFinite(fraction)) return "–";
    return (fraction * 100).toFixed(digits === undefined ? 1 : digits) + " %";
  }

  function money(amount) {
    if (typeof amount !== "number" || !isFinite(amount)) return "–";
    const size = Math.abs(amount);
    if (size >= 1e9) return (amount / 1e9).toFixed(1) + " bn";
    if (size >= 1e6) return (amount / 1e6).toFixed(1) + " m";
    if (size >= 1e4) return Math.round(amount / 1e3) + " k";
    return Math.round(amount).toLocaleString("en");
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
    chart.setAttribute("aria-label", title + ": " +
      entries.map(([k, w]) => label(k) + " " + percent(w / total)).join(", "));
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
      tip.textContent = label(key) + " " + percent(weight / total);
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
    chart.setAttribute("aria-label", `${title}: after ${lastYear} years the median is ` +
      `${money(last.p50)}, with a 10 % chance of less than ${money(last.p10)} and a 10 % ` +
      `chance of more than ${money(last.p90)}`);
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
      tick.textContent = year + " y";
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
    const key = html("p", "chart-key",
      "Shaded: 10th to 90th percentile; line: median" + (target !== null ? "; dashed: target" : "") + ".");
    figure.appendChild(key);
    return figure;
  }

  function figures(payload) {
    const list = html("dl", "figures");
    const rows = [
      ["Expected return (a year)", percent(payload.expected_return)],
      ["Volatility (a year)", percent(payload.volatility)],
      ["A bad year (1 in 20)", percent(payload.bad_year)],
    ];
    if (typeof payload.probability_of_target === "number") {
      rows.push(["Chance of reaching the target", percent(payload.probability_of_target, 0)]);
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
    charts.appendChild(donut(payload.weights, "Recommended mix"));
    charts.appendChild(fan(payload.projection, "Projected balance"));
    card.appendChild(charts);
    if (payload.groups && Object.keys(payload.groups).length) {
      const groups = html("p", "groups", "By group: " + positiveEntries(payload.groups)
        .map(([k, w]) => label(k) + " " + percent(w, 0)).join(", "));
      card.appendChild(groups);
    }
    return card;
  }

  window.AdvisorCharts = { allocationCard: allocationCard, donut: donut, fan: fan };
})();
