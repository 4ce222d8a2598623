/* The story report: header, structure, cast, dialogue share, network, timeline,
   emotion arc, consistency warnings and the annotated text. */
(function () {
  const D = DATA;
  const T = D.text;
  const CH = D.characters;
  const byId = new Map(CH.map((c, i) => [c.id, i]));
  const GENDER = { M: "male", F: "female", N: "non-binary / they", U: "unknown" };
  const PARA_LABEL = {
    title: "Title", chapter_heading: "Chapter heading", disclaimer: "Disclaimer",
    author_note: "Author\u2019s note", summary: "Summary", scene_break: "Scene break",
    signature: "Signature", other: "Paratext",
  };
  const WARN_LABEL = {
    pov_slip: "POV slip", tense_slip: "Tense slip", name_spelling: "Name spelling",
    unclosed_quote: "Unclosed quote",
  };
  const EMO_COLOUR = {
    joy: "#e0a800", trust: "#2f9e6e", anticipation: "#e8710a", surprise: "#0e9fb5",
    fear: "#7e57c2", sadness: "#3b5bdb", anger: "#d6336c", disgust: "#7a5c3e",
  };
  const quoteSpans = CH.map(() => []);
  const paraIndex = []; // [start offset, element] of each rendered block, in order
  const anchored = new Set(); // warnings whose first piece already carries the id w-<i>
  let focused = -1;
  const app = document.getElementById("app");
  app.textContent = "";

  const nameOf = (i) => (i >= 0 && CH[i] ? CH[i].name : "unknown");
  const colourOf = (i) => (i >= 0 && CH[i] ? CH[i].colour : "#8b95a1");

  /* ---------- header ---------- */
  function hero() {
    const m = D.meta;
    const chips = [];
    const chip = (k, v) => { if (v) chips.push(el("span", { class: "chip" }, el("b", { text: k }), v)); };
    chip("Rating", m.rating);
    chip("POV", cap(m.pov));
    chip("Tense", cap(m.tense));
    chip("Narrator", m.narrator);
    chip("Focal", m.focal && m.focal !== m.narrator ? m.focal : null);
    chip("Words", fmt(m.words));
    chip("Chapters", D.chapters.length ? fmt(D.chapters.length) : null);
    chip("Quotations", fmt(D.quotes.length));
    chip("Format", m.format);
    const by = [];
    if (m.authors.length) by.push("by " + m.authors.join(", "));
    if (m.fandoms.length) by.push(m.fandoms.join(", "));
    let pairing = null;
    if (D.pairing) {
      const p = D.pairing;
      pairing = el("div", { class: "pairing" }, "Top pairing",
        el("span", { class: "who", style: { borderBottom: `3px solid ${colourOf(p.a)}` }, text: nameOf(p.a) }),
        el("span", { class: "heart", text: p.kind === "romantic" ? "\u2665" : "\u2194" }),
        el("span", { class: "who", style: { borderBottom: `3px solid ${colourOf(p.b)}` }, text: nameOf(p.b) }),
        el("span", { class: "chip", text: p.kind }));
    }
    return el("div", { class: "hero" }, el("div", { class: "wrap" },
      el("div", { class: "kicker", text: "ficlens story report" }),
      el("h1", { text: m.title }),
      el("div", { class: "byline", text: by.join(" \u00b7 ") }),
      el("div", { class: "chips" }, chips),
      pairing,
      m.summary ? el("div", { class: "summary", text: m.summary }) : null));
  }

  function nav() {
    const links = [["overview", "Structure"], ["cast", "Cast"], ["dialogue", "Dialogue"],
      ["network", "Network"], ["emotion", "Emotion"], ["timeline", "Timeline"],
      ["warnings", "Warnings"], ["reader", "Text"]];
    return el("nav", { class: "toc" }, el("div", { class: "wrap" }, links.map(([id, label]) => {
      const a = el("a", { href: "#" + id, text: label });
      if (id === "warnings" && D.warnings.length) a.appendChild(el("span", { class: "count", text: D.warnings.length }));
      return a;
    })));
  }

  /* ---------- structure ---------- */
  function storyStart() {
    let pos = 0;
    for (const [, s, e] of D.paratext) { if (s > pos) break; pos = Math.max(pos, e); }
    return pos;
  }

  function structure() {
    const n = Math.max(T.length, 1);
    const W = 1000, H = 58;
    const root = svg("svg", { viewBox: `0 0 ${W} ${H + 34}`, role: "img", "aria-label": "Structure of the story", class: "structure" });
    root.appendChild(svg("rect", { x: 0, y: 8, width: W, height: H - 16, rx: 6, fill: "#eef0f4" }));
    const chapters = D.chapters.length ? D.chapters : [{ title: "", start: storyStart(), end: T.length }];
    chapters.forEach((c, i) => {
      const x = W * c.start / n, w = Math.max(1.5, W * (c.end - c.start) / n);
      const g = svg("g", { style: { cursor: "pointer" } },
        svg("rect", { x, y: 8, width: w, height: H - 16, fill: i % 2 ? "#c9d3ec" : "#b3c1e6" }),
        svgTitle(`Chapter ${i + 1}${c.title ? ": " + c.title : ""}`));
      g.addEventListener("click", () => scrollToOffset(c.start));
      root.appendChild(g);
      if (w > 34) root.appendChild(svg("text", { x: x + 6, y: H + 28, "font-size": 11, fill: "#687282", text: `Ch. ${i + 1}` }));
    });
    for (const s of D.scenes) {
      if (s.start <= 0) continue;
      root.appendChild(svg("line", { x1: W * s.start / n, x2: W * s.start / n, y1: 12, y2: H - 12, stroke: "#fff", "stroke-width": 1.5 }));
    }
    // Under the bar, one tick per quotation in its speaker's colour: where the talk is.
    for (const q of D.quotes) {
      root.appendChild(svg("rect", { x: W * q[0] / n, y: H + 1, width: Math.max(1, W * (q[1] - q[0]) / n), height: 9, fill: colourOf(q[2]), "fill-opacity": 0.85 }));
    }
    for (const [kind, s, e] of D.paratext) {
      const r = svg("rect", { x: W * s / n, y: 4, width: Math.max(2, W * (e - s) / n), height: H - 8, rx: 2, fill: "url(#hatch)", stroke: "#9aa3b0", "stroke-width": 0.5 },
        svgTitle(PARA_LABEL[kind] || kind));
      root.appendChild(r);
    }
    root.insertBefore(svg("defs", null, svg("pattern", { id: "hatch", width: 6, height: 6, patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" },
      svg("rect", { width: 6, height: 6, fill: "#e6e8ec" }), svg("line", { x1: 0, y1: 0, x2: 0, y2: 6, stroke: "#a7afbb", "stroke-width": 2 }))), root.firstChild);
    const words = (s, e) => { let k = 0, inWord = false; for (let i = s; i < e; i++) { const sp = T.charCodeAt(i) <= 32; if (!sp && !inWord) k++; inWord = !sp; } return k; };
    const stats = el("div", { class: "stats" }, [
      ["Words", fmt(D.meta.words)], ["Chapters", fmt(Math.max(1, D.chapters.length))],
      ["Scenes", fmt(D.scenes.length || 1)], ["Characters", fmt(CH.length)],
      ["Quotations", fmt(D.quotes.length)], ["Paratext blocks", fmt(D.paratext.length)],
    ].map(([k, v]) => el("div", { class: "stat" }, el("div", { class: "v", text: v }), el("div", { class: "k", text: k }))));
    const list = D.chapters.length > 1 ? el("ol", { class: "chapters" }, D.chapters.map((c, i) => {
      const scenes = D.scenes.filter((s) => s.chapter === i).length;
      return el("li", { onclick: () => scrollToOffset(c.start) },
        el("span", { class: "n", text: i + 1 + "." }), c.title || "Untitled",
        el("span", { class: "meta", text: `${fmt(words(c.start, c.end))} words${scenes > 1 ? " \u00b7 " + scenes + " scenes" : ""}` }));
    })) : null;
    return card("overview", 12, "Structure", "chapters in blue, scene breaks in white, paratext hatched; below, quotations coloured by speaker", stats, root, list);
  }

  /* ---------- cast ---------- */
  function castTable() {
    if (!CH.length) return card("cast", 7, "Cast", null, emptyNote("No characters were found."));
    const dominant = D.arc.dominant || {};
    const maxPresence = Math.max(1, ...CH.map((c) => c.mentions));
    const rows = CH.map((c, i) => {
      const pos = el("div", { class: "minibar" });
      if (c.first !== null) pos.appendChild(el("span", { style: { left: pct(c.first), width: `max(3px, ${pct(c.last - c.first)})`, background: c.colour } }));
      const where = (p, ch) => (p === null ? "\u2013" : pct(p) + (ch && D.chapters.length > 1 ? ` \u00b7 ch${ch}` : ""));
      const tr = el("tr", { "data-character": i, onclick: () => focusCharacter(i, false) },
        el("td", null, el("span", { class: "dot", style: { background: c.colour } }), el("span", { class: "name", text: c.name }), " ",
          el("span", { class: "gender", title: GENDER[c.gender] || c.gender, text: c.gender }),
          c.aliases.length ? el("span", { class: "aliases", text: c.aliases.join(", ") }) : null,
          (dominant[c.id] || []).length ? el("span", { class: "aliases" }, dominant[c.id].map((e) => el("span", { class: "emo", style: { background: EMO_COLOUR[e] }, text: e }))) : null),
        el("td", { class: "num" }, fmt(c.mentions), el("div", { class: "minibar" }, el("span", { style: { left: 0, width: pct(c.mentions / maxPresence), background: hexA(c.colour, 0.6) } }))),
        el("td", { class: "num", text: fmt(c.quotes) }),
        el("td", { class: "num", text: fmt(c.words) }),
        el("td", { class: "num bar-cell" }, where(c.first, c.firstChapter), pos),
        el("td", { class: "num", text: where(c.last, c.lastChapter) }));
      return tr;
    });
    const table = el("table", { class: "cast" },
      el("thead", null, el("tr", null, ["Character", "Mentions", "Quotes", "Words spoken", "First seen", "Last seen"].map((h, i) =>
        el("th", { class: i >= 1 ? "num" : null, text: h })))),
      el("tbody", null, rows));
    // A long cast shows its first fifteen; the rest are one click away.
    let more = null;
    if (rows.length > 15) {
      rows.slice(15).forEach((tr) => { tr.hidden = true; });
      more = el("button", { class: "btn", type: "button", text: `Show all ${rows.length} characters` });
      more.addEventListener("click", () => { rows.forEach((tr) => { tr.hidden = false; }); more.remove(); });
    }
    return card("cast", 7, "Cast", "click a character to highlight their lines", el("div", { style: { overflowX: "auto" } }, table), more);
  }

  /* ---------- dialogue share ---------- */
  function dialogue() {
    const rows = CH.map((c, i) => ({ i, label: c.name, value: c.words, colour: c.colour,
      note: `${pct(c.share)} \u00b7 ${fmt(c.quotes)} line${c.quotes === 1 ? "" : "s"}`,
      title: `${c.name}: ${fmt(c.words)} words in ${fmt(c.quotes)} quotations` }))
      .filter((r) => r.value > 0).slice(0, 12);
    const unattributed = D.quotes.filter((q) => q[2] < 0).length;
    const body = rows.length ? barChart(rows, { label: "Words spoken per character", width: 440, labelW: 120, noteW: 96, onclick: (r) => focusCharacter(r.i, true) })
      : emptyNote(D.quotes.length ? "No quotation has a speaker yet." : "No quotations were found.");
    const hint = D.quotes.length ? `${fmt(D.quotes.length)} quotations, ${fmt(unattributed)} without speaker` : null;
    return card("dialogue", 5, "Dialogue share", hint, body);
  }

  /* ---------- network ---------- */
  function network() {
    const pairs = new Map();
    const key = (a, b) => (a < b ? `${a}-${b}` : `${b}-${a}`);
    for (const [a, b, n] of D.edges) pairs.set(key(a, b), { a, b, n, kind: null, rank: -1 });
    D.relationships.forEach((r, rank) => {
      const k = key(r.a, r.b);
      const e = pairs.get(k) || { a: r.a, b: r.b, n: 0 };
      e.kind = r.kind; e.rank = e.rank >= 0 && e.rank !== undefined ? e.rank : rank;
      pairs.set(k, e);
    });
    const nodeSet = new Set();
    for (const e of pairs.values()) { nodeSet.add(e.a); nodeSet.add(e.b); }
    CH.forEach((c, i) => { if (c.main || c.quotes > 0) nodeSet.add(i); });
    const nodes = [...nodeSet].sort((a, b) => a - b).slice(0, 10);
    if (!nodes.length) return card("network", 5, "Who speaks to whom", null, emptyNote("No characters to connect."));
    const keep = new Set(nodes);
    const all = [...pairs.values()].filter((e) => keep.has(e.a) && keep.has(e.b));
    // In a crowded cast keep the lines that carry real conversation, so the picture stays readable.
    const floor = nodes.length > 6 ? Math.max(...all.map((e) => e.n), 0) * 0.04 : 0;
    const edges = all.filter((e) => e.kind || e.n >= floor);
    const W = 560, H = 400, cx = W / 2, cy = H / 2, R = nodes.length <= 2 ? 130 : 140;
    // The central pairing sits at the two ends of the horizontal diameter, so its line is the
    // spine of the picture; everybody else shares the upper and lower arcs in rank order.
    const pos = new Map();
    const place = (i, ang) => pos.set(i, [cx + R * Math.cos(ang), cy + R * Math.sin(ang), ang]);
    if (D.pairing && keep.has(D.pairing.a) && keep.has(D.pairing.b)) {
      place(D.pairing.a, Math.PI);
      place(D.pairing.b, 0);
      const rest = nodes.filter((i) => i !== D.pairing.a && i !== D.pairing.b);
      const upper = rest.filter((_, k) => k % 2 === 0), lower = rest.filter((_, k) => k % 2 === 1);
      upper.forEach((i, k) => place(i, -Math.PI + Math.PI * (k + 1) / (upper.length + 1)));
      lower.forEach((i, k) => place(i, Math.PI - Math.PI * (k + 1) / (lower.length + 1)));
    } else {
      const step = 2 * Math.PI / nodes.length;
      nodes.forEach((i, k) => place(i, -Math.PI / 2 + k * step));
    }
    const order = nodes;
    const maxN = Math.max(1, ...edges.map((e) => e.n));
    const maxM = Math.max(1, ...nodes.map((i) => CH[i].mentions + CH[i].quotes));
    const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": "Interaction network", class: "network" });
    const top = D.pairing ? key(D.pairing.a, D.pairing.b) : null;
    const drawn = edges.sort((x, y) => (key(x.a, x.b) === top) - (key(y.a, y.b) === top) || x.n - y.n);
    for (const e of drawn) {
      const [x1, y1] = pos.get(e.a), [x2, y2] = pos.get(e.b);
      const isTop = key(e.a, e.b) === top;
      const w = e.n ? 1.5 + 9 * Math.sqrt(e.n / maxN) : 1.5;
      const line = svg("line", { x1, y1, x2, y2, class: "edge", "data-a": e.a, "data-b": e.b,
        stroke: isTop ? "#c2417f" : "#9aa6b8", "stroke-width": isTop ? w + 2.5 : w, "stroke-opacity": isTop ? 0.95 : 0.55,
        "stroke-linecap": "round", "stroke-dasharray": e.n ? null : "5 5" });
      const label = `${nameOf(e.a)} \u2194 ${nameOf(e.b)}`;
      const sub = `${fmt(e.n)} addressed quotation${e.n === 1 ? "" : "s"}${e.kind ? " \u00b7 " + e.kind : ""}`;
      root.appendChild(withTip(line, label, sub));
      if (isTop) {
        const mx = (x1 + x2) / 2, my = (y1 + y2) / 2 - w / 2 - 8;
        const text = `${e.kind === "romantic" ? "\u2665 " : ""}${e.kind || "pair"}${e.n ? " \u00b7 " + e.n : ""}`;
        root.appendChild(svg("text", { x: mx, y: my, "text-anchor": "middle", "font-size": 12.5, "font-weight": 700, fill: "#c2417f",
          stroke: "#fff", "stroke-width": 4, "paint-order": "stroke", text }));
      }
    }
    for (const i of order) {
      const c = CH[i];
      const [x, y, ang] = pos.get(i);
      const r = 7 + 17 * Math.sqrt((c.mentions + c.quotes) / maxM);
      const g = svg("g", { class: "node", "data-character": i, style: { cursor: "pointer" }, onclick: () => focusCharacter(i, true) },
        svg("circle", { cx: x, cy: y, r, fill: c.colour, stroke: "#fff", "stroke-width": 2.5 }));
      // Names go outside the circle; at its left and right ends they go under the node.
      const side = Math.abs(Math.sin(ang)) < 0.2;
      const lx = side ? x : x + Math.cos(ang) * (r + 8);
      const ly = side ? y + r + 16 : y + Math.sin(ang) * (r + 8) + 4 + (Math.sin(ang) > 0.3 ? 8 : Math.sin(ang) < -0.3 ? -4 : 0);
      const anchor = side || Math.abs(Math.cos(ang)) < 0.3 ? "middle" : Math.cos(ang) > 0 ? "start" : "end";
      g.appendChild(svg("text", { x: lx, y: ly, "text-anchor": anchor, "font-size": 12.5, "font-weight": 600,
        fill: "#1d2430", stroke: "#fff", "stroke-width": 3, "paint-order": "stroke", text: c.name.length > 20 ? c.name.slice(0, 19) + "\u2026" : c.name }));
      root.appendChild(withTip(g, c.name, `${fmt(c.mentions)} mentions \u00b7 ${fmt(c.quotes)} quotations`));
    }
    const note = edges.some((e) => e.n) ? null : emptyNote("No quotation has addressees yet; dashed lines are relationships.");
    return card("network", 5, "Who speaks to whom", "width = quotations, size = presence", root, note,
      el("div", { class: "legend" }, el("span", null, el("i", { style: { background: "#c2417f", height: "5px" } }), "central pairing"),
        el("span", null, el("i", { style: { background: "#9aa6b8" } }), "speech between characters")));
  }

  /* ---------- emotion ---------- */
  function emotion() {
    const pts = D.arc.points;
    if (!pts.length) return card("emotion", 7, "Emotion arc", null, emptyNote("No story text to score."));
    const W = 700, H = 220, L = 84, Rm = 12, top = 14, bottom = 30;
    const x = (k) => L + (pts.length === 1 ? (W - L - Rm) / 2 : (W - L - Rm) * k / (pts.length - 1));
    const yMax = Math.max(0.3, ...pts.map((p) => Math.abs(p.polarity || 0)), ...pts.flatMap((p) => Object.values(p.characters).map(Math.abs)));
    const y = (v) => top + (H - top - bottom) * (1 - (v + yMax) / (2 * yMax));
    const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": "Sentiment arc", class: "arc" });
    root.appendChild(svg("rect", { x: L, y: top, width: W - L - Rm, height: (H - top - bottom) / 2, fill: "#f1f8f4" }));
    root.appendChild(svg("rect", { x: L, y: y(0), width: W - L - Rm, height: (H - top - bottom) / 2, fill: "#fbf1f2" }));
    root.appendChild(svg("line", { x1: L, x2: W - Rm, y1: y(0), y2: y(0), stroke: "#c4cad3" }));
    root.appendChild(svg("text", { x: L - 6, y: top + 10, "text-anchor": "end", "font-size": 11, fill: "#2f9e6e", text: "+" + yMax.toFixed(1) }));
    root.appendChild(svg("text", { x: L - 6, y: H - bottom, "text-anchor": "end", "font-size": 11, fill: "#d2473f", text: "\u2212" + yMax.toFixed(1) }));
    root.appendChild(svg("text", { x: L - 6, y: y(0) + 4, "text-anchor": "end", "font-size": 11, fill: "#687282", text: "0" }));
    const every = Math.ceil(pts.length / 12);
    pts.forEach((p, k) => {
      if (k % every === 0) root.appendChild(svg("text", { x: x(k), y: H - 10, "text-anchor": "middle", "font-size": 10.5, fill: "#687282",
        text: D.arc.unit === "scene" ? "S" + (k + 1) : Math.round(p.pos * 100) + "%" }));
    });
    const line = (vals, colour, width, dash) => {
      let d = "", pen = false;
      vals.forEach((v, k) => { if (v === null || v === undefined) { pen = false; return; } d += `${pen ? "L" : "M"}${x(k).toFixed(1)},${y(v).toFixed(1)}`; pen = true; });
      if (d) root.appendChild(svg("path", { d, fill: "none", stroke: colour, "stroke-width": width, "stroke-linejoin": "round", "stroke-linecap": "round", "stroke-dasharray": dash || null, "stroke-opacity": 0.9 }));
    };
    const mains = CH.map((c, i) => i).filter((i) => CH[i].main).slice(0, 5);
    for (const i of mains) {
      const vals = pts.map((p) => p.characters[CH[i].id]);
      line(vals, CH[i].colour, 1.8, "4 3");
      vals.forEach((v, k) => {
        if (v === undefined) return;
        root.appendChild(withTip(svg("circle", { cx: x(k), cy: y(v), r: 3, fill: CH[i].colour }), `${CH[i].name}, ${pts[k].label}`, `polarity ${v}`));
      });
    }
    line(pts.map((p) => p.polarity), "#1d2430", 3);
    pts.forEach((p, k) => {
      if (p.polarity === null) return;
      const dot = svg("circle", { cx: x(k), cy: y(p.polarity), r: 4.5, fill: "#1d2430", stroke: "#fff", "stroke-width": 1.5, style: { cursor: "pointer" }, onclick: () => scrollToOffset(p.start) });
      const top3 = Object.entries(p.nrc).sort((a, b) => b[1] - a[1]).slice(0, 3).map(([e, v]) => `${e} ${v}`).join(", ");
      root.appendChild(withTip(dot, `${p.label}: polarity ${p.polarity}`, `NRC per 100 words: ${top3}`));
    });
    const legend = el("div", { class: "legend" }, el("span", null, el("i", { style: { background: "#1d2430", height: "4px" } }), "whole story (VADER)"),
      mains.map((i) => el("span", null, el("i", { style: { background: CH[i].colour } }), CH[i].name)));
    // NRC heat strip: one row per emotion, one cell per scene/segment.
    const emos = Object.keys(EMO_COLOUR);
    const HH = emos.length * 17 + 6;
    const heat = svg("svg", { viewBox: `0 0 ${W} ${HH}`, role: "img", "aria-label": "NRC emotions", class: "heat" });
    const cw = (W - L - Rm) / pts.length;
    emos.forEach((e, r) => {
      const mx = Math.max(0.01, ...pts.map((p) => p.nrc[e]));
      heat.appendChild(svg("text", { x: L - 6, y: r * 17 + 15, "text-anchor": "end", "font-size": 10.5, fill: "#687282", text: e }));
      pts.forEach((p, k) => {
        heat.appendChild(svg("rect", { x: L + k * cw + 0.5, y: r * 17 + 4, width: Math.max(1, cw - 1), height: 15, rx: 2,
          fill: EMO_COLOUR[e], "fill-opacity": (0.06 + 0.94 * p.nrc[e] / mx).toFixed(3) }, svgTitle(`${p.label}: ${e} ${p.nrc[e]} per 100 words`)));
      });
    });
    return card("emotion", 7, "Emotion arc", `per ${D.arc.unit}: VADER polarity; NRC emotions below`, root, legend, heat);
  }

  /* ---------- timeline ---------- */
  function timeline() {
    const rows = CH.map((c, i) => i).filter((i) => CH[i].mentions + CH[i].quotes > 0).slice(0, 8);
    if (!rows.length) return card("timeline", 12, "Timeline", null, emptyNote("Nobody appears yet."));
    const n = Math.max(T.length, 1);
    const W = 1000, L = 140, rowH = 30, top = 22;
    const H = top + rows.length * rowH + 6;
    const x = (off) => L + (W - L - 8) * off / n;
    const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": "Timeline of appearances and speech", class: "timeline" });
    let lastLabel = -1e9;
    D.chapters.forEach((c, k) => {
      root.appendChild(svg("line", { x1: x(c.start), x2: x(c.start), y1: top - 6, y2: H, stroke: "#dfe3ea", "stroke-dasharray": "3 3" }));
      if (x(c.start) - lastLabel < 44) return;
      lastLabel = x(c.start);
      root.appendChild(svg("text", { x: x(c.start) + 3, y: top - 9, "font-size": 10, fill: "#8b95a1", text: `Ch. ${k + 1}` }));
    });
    for (const [, s, e] of D.paratext) root.appendChild(svg("rect", { x: x(s), y: top - 4, width: Math.max(1, x(e) - x(s)), height: H - top + 4, fill: "#f2f3f6" }));
    rows.forEach((i, r) => {
      const c = CH[i];
      const y0 = top + r * rowH;
      root.appendChild(svg("rect", { x: L, y: y0 + 3, width: W - L - 8, height: rowH - 6, rx: 4, fill: r % 2 ? "#fafbfc" : "#f5f6f9" }));
      root.appendChild(svg("circle", { cx: 10, cy: y0 + rowH / 2, r: 5, fill: c.colour }));
      root.appendChild(svg("text", { x: 22, y: y0 + rowH / 2 + 4, "font-size": 12.5, "font-weight": 600, fill: "#1d2430", text: c.name.length > 18 ? c.name.slice(0, 17) + "\u2026" : c.name }));
      const mb = Math.max(1, ...c.bins);
      const bw = (W - L - 8) / Math.max(1, c.bins.length);
      c.bins.forEach((v, b) => {
        if (v) root.appendChild(svg("rect", { x: L + b * bw, y: y0 + 9, width: Math.max(1.2, bw), height: rowH - 18, fill: c.colour, "fill-opacity": (0.18 + 0.5 * v / mb).toFixed(2) }));
      });
      for (const q of D.quotes) {
        if (q[2] !== i) continue;
        root.appendChild(svg("line", { x1: x(q[0]), x2: x(q[0]), y1: y0 + 4, y2: y0 + rowH - 4, stroke: c.colour, "stroke-width": 1.6 }));
      }
      const hit = svg("rect", { x: L, y: y0, width: W - L - 8, height: rowH, fill: "transparent", style: { cursor: "pointer" } });
      hit.addEventListener("click", (evt) => {
        const box = root.getBoundingClientRect();
        const off = Math.round(((evt.clientX - box.left) / box.width * W - L) / (W - L - 8) * n);
        scrollToOffset(Math.max(0, Math.min(n - 1, off)));
      });
      root.appendChild(withTip(hit, c.name, `${fmt(c.mentions)} mentions (shaded) \u00b7 ${fmt(c.quotes)} quotations (ticks); click to read there`));
    });
    return card("timeline", 12, "Timeline", "shading = mentions, ticks = quotations; click to jump into the text", root);
  }

  /* ---------- warnings ---------- */
  function warnings() {
    const W = D.warnings;
    if (!W.length) return card("warnings", 12, "Consistency", null, emptyNote("No point-of-view or tense slips, name misspellings or unclosed quotations found."));
    const kinds = [...new Set(W.map((w) => w.kind))];
    const list = el("ul", { class: "warnings" });
    const items = W.map((w, i) => {
      const cs = Math.max(0, w.start - 50), ce = Math.min(T.length, w.end + 50);
      const ctx = el("span", { class: "ctx" }, (cs > 0 ? "\u2026" : "") + T.slice(cs, w.start).replace(/\s+/g, " "),
        el("mark", { text: T.slice(w.start, w.end).replace(/\s+/g, " ") }), T.slice(w.end, ce).replace(/\s+/g, " ") + (ce < T.length ? "\u2026" : ""));
      const li = el("li", { "data-kind": w.kind, "data-warning": i, onclick: () => gotoWarning(i) },
        el("span", { class: `kind ${w.kind}`, text: WARN_LABEL[w.kind] || w.kind }),
        el("span", null, el("div", { text: w.message }), ctx));
      list.appendChild(li);
      return li;
    });
    const filters = el("div", { class: "filters" }, kinds.map((k) => {
      const b = el("button", { class: "on", type: "button", text: `${WARN_LABEL[k] || k} (${W.filter((w) => w.kind === k).length})` });
      b.addEventListener("click", () => {
        b.classList.toggle("on");
        items.forEach((li) => { if (li.dataset.kind === k) li.hidden = !b.classList.contains("on"); });
      });
      return b;
    }));
    return card("warnings", 12, "Consistency", `${W.length} thing${W.length === 1 ? "" : "s"} a second reader would flag; click to see it in the text`, filters, list);
  }

  /* ---------- annotated text ---------- */
  function reader() {
    const box = el("div", { class: "text", id: "text" });
    const quotes = D.quotes;
    const warns = D.warnings.map((w, i) => ({ s: w.start, e: Math.max(w.end, w.start + 1), i, kind: w.kind })).sort((a, b) => a.s - b.s);
    const para = D.paratext;
    let qi = 0, wi = 0, pi = 0, ci = 0, si = 0;
    let active = [];
    let details = null, detailsKinds = null, afterBreak = false;
    const chapters = D.chapters, scenes = D.scenes;
    let pos = 0;
    while (pos < T.length) {
      let nl = T.indexOf("\n", pos);
      if (nl < 0) nl = T.length;
      const s = pos;
      let e = nl;
      pos = nl + 1;
      let lead = s;
      while (lead < e && T.charCodeAt(lead) <= 32) lead++;
      if (lead >= e) continue;
      while (pi < para.length && para[pi][2] <= lead) pi++;
      const kind = pi < para.length && para[pi][1] <= lead ? para[pi][0] : null;
      if (D.paragraphs === "block") {
        // Hard-wrapped text: a paragraph runs on over the following non-blank lines.
        while (pos < T.length) {
          let next = T.indexOf("\n", pos);
          if (next < 0) next = T.length;
          if (!T.slice(pos, next).trim() || paratextKind(pos) !== kind) break;
          e = next;
          pos = next + 1;
        }
      }
      let marked = false;
      while (ci < chapters.length && chapters[ci].start < e) {
        if (chapters.length > 1) {
          const c = chapters[ci];
          box.appendChild(el("div", { class: "chapter-mark", id: "chapter-" + ci, title: c.title || null, text: `Chapter ${ci + 1} of ${chapters.length}` }));
          details = null;
          marked = true;
        }
        ci++;
      }
      while (si < scenes.length && scenes[si].start < e) {
        if (si > 0 && !marked && !afterBreak && kind !== "scene_break" && scenes[si].chapter === scenes[si - 1].chapter) {
          box.appendChild(el("div", { class: "scene-mark", text: "\u2022 \u2022 \u2022" }));
        }
        si++;
      }
      const p = el(kind === "title" || kind === "chapter_heading" ? "h3" : "p", { "data-start": s });
      afterBreak = kind === "scene_break" || (afterBreak && kind !== null);
      while (qi < quotes.length && quotes[qi][1] <= s) qi++;
      while (wi < warns.length && warns[wi].s < e) active.push(warns[wi++]);
      active = active.filter((w) => w.e > s);
      fillLine(p, s, e, qi, active.filter((w) => w.s < e));
      paraIndex.push([s, p]);
      if (kind === null) { details = null; box.appendChild(p); continue; }
      if (kind === "scene_break") { details = null; p.className = "scene-mark paratext"; p.title = "Scene break (paratext)"; box.appendChild(p); continue; }
      if (kind === "title" || kind === "chapter_heading") { details = null; p.className = "chapter-title paratext"; p.style.font = "600 22px/1.3 var(--serif)"; p.style.margin = "0 0 .8em"; box.appendChild(p); continue; }
      if (!details) {
        detailsKinds = new Set();
        details = el("details", { class: "paratext", "data-kind": kind }, el("summary", null));
        box.appendChild(details);
      }
      detailsKinds.add(PARA_LABEL[kind] || kind);
      details.firstChild.textContent = [...detailsKinds].join(" \u00b7 ");
      details.appendChild(p);
    }
    const side = el("aside", null, el("h3", { text: "Speakers" }));
    const counts = CH.map((c, i) => [i, c.quotes]).filter(([, n]) => n > 0);
    if (!counts.length) side.appendChild(emptyNote("No attributed quotations."));
    for (const [i, n] of counts) {
      side.appendChild(el("div", { class: "who", "data-character": i, onclick: () => focusCharacter(i, true) },
        el("span", { class: "dot", style: { background: CH[i].colour } }), CH[i].name, el("span", { class: "n", text: n })));
    }
    side.appendChild(el("div", { class: "focus-note", id: "focus-note" }));
    return card("reader", 12, "The text", "quotations coloured by speaker; hover for who speaks to whom; paratext is folded away",
      el("div", { class: "reader" }, side, box));
  }

  function paratextKind(off) {
    let kind = null;
    for (const [k, s, e] of D.paratext) { if (s > off) break; if (off < e) kind = k; }
    return kind;
  }

  function fillLine(p, s, e, qStart, warns) {
    const cuts = new Set([s, e]);
    const qs = [];
    for (let k = qStart; k < D.quotes.length && D.quotes[k][0] < e; k++) {
      const q = D.quotes[k];
      if (q[1] <= s) continue;
      qs.push(k);
      cuts.add(Math.max(s, q[0])); cuts.add(Math.min(e, q[1]));
    }
    for (const w of warns) { cuts.add(Math.max(s, w.s)); cuts.add(Math.min(e, w.e)); }
    const pts = [...cuts].sort((a, b) => a - b);
    for (let k = 0; k + 1 < pts.length; k++) {
      const a = pts[k], b = pts[k + 1];
      if (a >= b) continue;
      let node = document.createTextNode(T.slice(a, b));
      const ws = warns.filter((w) => w.s < b && w.e > a);
      if (ws.length) {
        const mark = el("mark", { class: "w", title: ws.map((w) => WARN_LABEL[w.kind] || w.kind).join(", ") }, node);
        for (const w of ws) if (!anchored.has(w.i)) { mark.id = "w-" + w.i; anchored.add(w.i); break; }
        node = mark;
      }
      const qk = qs.find((k2) => D.quotes[k2][0] < b && D.quotes[k2][1] > a);
      if (qk !== undefined) node = quoteSpan(qk, node);
      p.appendChild(node);
    }
  }

  function quoteSpan(k, child) {
    const [, , sp, addr, speech] = D.quotes[k];
    const span = el("span", { class: sp >= 0 ? "q" : "q unattributed", "data-quote": k, "data-speaker": sp }, child);
    if (sp >= 0) {
      span.style.background = hexA(CH[sp].colour, 0.14);
      span.style.borderBottom = `2px solid ${hexA(CH[sp].colour, 0.75)}`;
      span.style.setProperty("--c", CH[sp].colour);
      span.style.setProperty("--cbg", hexA(CH[sp].colour, 0.3));
      quoteSpans[sp].push(span);
    }
    const title = sp >= 0 ? CH[sp].name : "Speaker unknown";
    const sub = `${speech}${addr.length ? " \u2192 " + addr.map(nameOf).join(", ") : ""}`;
    withTip(span, title, sub);
    span.addEventListener("click", () => { if (sp >= 0) focusCharacter(sp, false); });
    return span;
  }

  /* ---------- interactions ---------- */
  function scrollToOffset(off) {
    let lo = 0, hi = paraIndex.length - 1, best = 0;
    while (lo <= hi) { const mid = (lo + hi) >> 1; if (paraIndex[mid][0] <= off) { best = mid; lo = mid + 1; } else hi = mid - 1; }
    const target = paraIndex[best] && paraIndex[best][1];
    if (!target) return;
    const det = target.closest("details");
    if (det) det.open = true;
    target.scrollIntoView({ block: "center" });
    target.classList.remove("flash"); void target.offsetWidth; target.classList.add("flash");
  }

  function gotoWarning(i) {
    const target = document.getElementById("w-" + i);
    if (!target) { scrollToOffset(D.warnings[i].start); return; }
    const det = target.closest("details");
    if (det) det.open = true;
    target.scrollIntoView({ block: "center" });
    target.classList.remove("flash"); void target.offsetWidth; target.classList.add("flash");
  }

  function focusCharacter(i, jump) {
    const text = document.getElementById("text");
    const on = focused !== i;
    for (const list of quoteSpans) for (const s of list) s.classList.remove("hl");
    focused = on ? i : -1;
    document.querySelectorAll("[data-character]").forEach((n) => n.classList.toggle("active", on && Number(n.dataset.character) === i));
    text.classList.toggle("focus", on);
    const note = document.getElementById("focus-note");
    note.textContent = "";
    if (!on) return;
    for (const s of quoteSpans[i]) s.classList.add("hl");
    const quotes = CH[i].quotes;
    note.appendChild(document.createTextNode(`${quotes} quotation${quotes === 1 ? "" : "s"} by ${CH[i].name} highlighted. `));
    if (quoteSpans[i].length) {
      const a = el("a", { href: "#text", text: "Show first" });
      a.addEventListener("click", (evt) => { evt.preventDefault(); quoteSpans[i][0].scrollIntoView({ block: "center" }); });
      note.appendChild(a);
      if (jump) quoteSpans[i][0].scrollIntoView({ block: "center" });
    }
  }

  /* ---------- page ---------- */
  const readerCard = reader();
  app.appendChild(hero());
  app.appendChild(nav());
  app.appendChild(el("main", null, el("div", { class: "wrap" }, el("div", { class: "grid" },
    structure(), castTable(), dialogue(), network(), emotion(), timeline(), warnings(), readerCard))));
  app.appendChild(el("footer", { class: "foot", text: `ficlens \u00b7 ${D.meta.source} \u00b7 offline report: no data left this file` }));
  window.ficlensReady = true;
})();
