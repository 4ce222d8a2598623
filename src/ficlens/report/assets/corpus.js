/* The corpus report: works per fandom, rating and POV, length and dialogue distributions,
   the most talkative characters and a searchable table of works. */
(function () {
  const D = DATA;
  const app = document.getElementById("app");
  app.textContent = "";
  const COLOURS = ["#3b6fd4", "#d2473f", "#2f9e6e", "#b8660b", "#8a4fc7", "#c2417f", "#17879a", "#6b7a1f"];

  function groupChart(id, title, groups, colour) {
    if (!groups.length) return card(id, 4, title, null, emptyNote("Nothing recorded."));
    const rows = groups.map(([label, n], k) => ({ label: label.length > 22 ? label.slice(0, 21) + "\u2026" : label, value: n,
      colour: colour || COLOURS[k % COLOURS.length], note: `${fmt(n)} work${n === 1 ? "" : "s"}`, title: `${label}: ${n}` }));
    return card(id, 4, title, null, barChart(rows, { label: title, width: 380, labelW: 120, noteW: 64 }));
  }

  function histogramChart(id, title, bins, unit) {
    if (!bins.length) return card(id, 6, title, null, emptyNote("No works."));
    const W = 600, H = 200, L = 34, B = 34;
    const max = Math.max(1, ...bins.map((b) => b.n));
    const bw = Math.min(80, (W - L) / bins.length);
    const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": title, class: "hist" });
    root.appendChild(svg("line", { x1: L, x2: W, y1: H - B, y2: H - B, stroke: "#c4cad3" }));
    root.appendChild(svg("text", { x: L - 6, y: 14, "text-anchor": "end", "font-size": 11, fill: "#687282", text: fmt(max) }));
    bins.forEach((b, k) => {
      const h = (H - B - 10) * b.n / max;
      root.appendChild(svg("rect", { x: L + k * bw + 2, y: H - B - h, width: bw - 4, height: Math.max(h, b.n ? 1.5 : 0), rx: 3, fill: "#3b6fd4" },
        svgTitle(`${fmt(b.lo)}\u2013${fmt(b.hi)} ${unit}: ${b.n} works`)));
      if (k % 2 === 0 || bins.length <= 6) root.appendChild(svg("text", { x: L + k * bw + bw / 2, y: H - B + 15, "text-anchor": "middle", "font-size": 10.5, fill: "#687282", text: compact(b.lo) }));
    });
    root.appendChild(svg("text", { x: W, y: H - 4, "text-anchor": "end", "font-size": 11, fill: "#687282", text: unit + " (log scale)" }));
    return card(id, 6, title, null, root);
  }

  function compact(n) { return n >= 1e6 ? (n / 1e6).toFixed(1) + "M" : n >= 1e3 ? Math.round(n / 100) / 10 + "k" : String(n); }

  function talkers() {
    if (!D.talkers.length) return card("talkers", 12, "Most talkative characters", null, emptyNote("No attributed quotations in this corpus."));
    const rows = D.talkers.map(([name, work, words, quotes], k) => ({ label: name.length > 28 ? name.slice(0, 27) + "\u2026" : name, value: words, colour: COLOURS[k % COLOURS.length],
      note: `${fmt(words)} words \u00b7 ${fmt(quotes)} lines \u00b7 ${work.length > 34 ? work.slice(0, 33) + "\u2026" : work}`, title: `${name} in \u201c${work}\u201d` }));
    return card("talkers", 12, "Most talkative characters", "words spoken, across all works", barChart(rows, { label: "Most talkative characters", width: 1100, labelW: 210, noteW: 330 }));
  }

  function worksTable() {
    const cols = [["Title", 1], ["Author", 2], ["Fandom", 3], ["Rating", 4], ["POV", 5], ["Tense", 6], ["Words", 7, true], ["Chapters", 8, true], ["Quotes", 9, true], ["Characters", 10, true]];
    const tbody = el("tbody");
    const rows = D.works.map((w) => {
      const titleCell = w[11] ? el("a", { href: w[11], text: w[1] || w[0] }) : document.createTextNode(w[1] || w[0]);
      const tr = el("tr", { "data-search": [w[1], w[2], w[3], w[4], w[5], w[0]].join(" ").toLowerCase() },
        el("td", null, titleCell), ...cols.slice(1).map(([, k, num]) => el("td", { class: num ? "num" : null, text: num ? fmt(w[k]) : w[k] })));
      return { tr, w };
    });
    let sortKey = 1, asc = true;
    const redraw = () => {
      rows.sort((a, b) => { const x = a.w[sortKey], y = b.w[sortKey]; const c = typeof x === "number" ? x - y : String(x).localeCompare(String(y)); return asc ? c : -c; });
      for (const r of rows) tbody.appendChild(r.tr);
    };
    const head = el("tr", null, cols.map(([label, k, num]) => el("th", { class: num ? "num" : null, text: label, onclick: () => { asc = sortKey === k ? !asc : !num; sortKey = k; redraw(); } })));
    const count = el("span", { class: "hint" });
    const search = el("input", { class: "search", type: "search", placeholder: "Filter by title, author, fandom, rating\u2026", "aria-label": "Filter works" });
    const filter = () => {
      const q = search.value.trim().toLowerCase();
      let shown = 0;
      for (const r of rows) { const ok = !q || r.tr.dataset.search.includes(q); r.tr.hidden = !ok; shown += ok; }
      count.textContent = `${shown} of ${rows.length} works`;
    };
    search.addEventListener("input", filter);
    redraw(); filter();
    return card("works", 12, "Works", null, el("div", { style: { display: "flex", gap: "12px", alignItems: "center", marginBottom: "10px" } }, search, count),
      el("div", { style: { overflowX: "auto" } }, el("table", { class: "works" }, el("thead", null, head), tbody)));
  }

  function errors() {
    if (!D.errors.length) return null;
    return card("errors", 12, "Files that could not be read", `${D.totals.errors}`,
      el("ul", null, D.errors.map(([p, e]) => el("li", null, el("b", { text: p }), " \u2014 ", e))));
  }

  const t = D.totals;
  app.appendChild(el("div", { class: "hero" }, el("div", { class: "wrap" },
    el("div", { class: "kicker", text: "ficlens corpus report" }),
    el("h1", { text: `${fmt(t.works)} work${t.works === 1 ? "" : "s"}` }),
    el("div", { class: "byline", text: D.source }),
    el("div", { class: "chips" }, [["Words", fmt(t.words)], ["Quotations", fmt(t.quotes)], ["Characters", fmt(t.characters)], ["Errors", fmt(t.errors)]]
      .map(([k, v]) => el("span", { class: "chip" }, el("b", { text: k }), v))))));
  app.appendChild(el("main", null, el("div", { class: "wrap" }, el("div", { class: "grid" },
    groupChart("fandoms", "Works per fandom", D.fandoms),
    groupChart("ratings", "Works per rating", D.ratings, "#c2417f"),
    groupChart("pov", "Works per point of view", D.pov.concat(D.tense.map(([k, n]) => ["tense: " + k, n])), "#2f9e6e"),
    histogramChart("words", "Length of works", D.wordsHist, "words"),
    histogramChart("quotes", "Quotations per work", D.quotesHist, "quotations"),
    talkers(), worksTable(), errors()))));
  app.appendChild(el("footer", { class: "foot", text: "ficlens \u00b7 offline report: no data left this file" }));
  window.ficlensReady = true;
})();
