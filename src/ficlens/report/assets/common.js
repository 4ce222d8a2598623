"use strict";
/* Shared helpers for ficlens reports. Every piece of data reaches the DOM through
   textContent or setAttribute on known attribute names, never as parsed markup. */
const SVGNS = "http://www.w3.org/2000/svg";
const DATA = JSON.parse(document.getElementById("ficlens-data").textContent);

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  setAttrs(node, attrs);
  for (const c of children) add(node, c);
  return node;
}

function svg(tag, attrs, ...children) {
  const node = document.createElementNS(SVGNS, tag);
  setAttrs(node, attrs);
  for (const c of children) add(node, c);
  return node;
}

function setAttrs(node, attrs) {
  if (!attrs) return;
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "text") node.textContent = String(v);
    else if (k === "class") node.setAttribute("class", v);
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else if (k === "style") Object.assign(node.style, v);
    else node.setAttribute(k, String(v));
  }
}

function add(node, child) {
  if (child === null || child === undefined || child === false) return;
  if (Array.isArray(child)) { for (const c of child) add(node, c); return; }
  node.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
}

function svgTitle(text) { return svg("title", { text }); }

function fmt(n) { return (n === null || n === undefined) ? "\u2013" : Number(n).toLocaleString("en-US"); }
function pct(x) { return (x === null || x === undefined) ? "\u2013" : Math.round(x * 100) + "%"; }
function cap(s) { return s ? s.charAt(0).toUpperCase() + s.slice(1) : ""; }

function hexA(hex, alpha) {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255},${(n >> 8) & 255},${n & 255},${alpha})`;
}

const tip = document.getElementById("tip");
function showTip(evt, title, sub) {
  tip.textContent = "";
  tip.appendChild(el("div", { class: "t", text: title }));
  if (sub) tip.appendChild(el("div", { class: "s", text: sub }));
  tip.hidden = false;
  const x = Math.min(evt.clientX + 14, window.innerWidth - 330);
  const y = Math.min(evt.clientY + 16, window.innerHeight - 80);
  tip.style.left = x + "px";
  tip.style.top = y + "px";
}
function hideTip() { tip.hidden = true; }
function withTip(node, title, sub) {
  node.addEventListener("mousemove", (e) => showTip(e, title, typeof sub === "function" ? sub() : sub));
  node.addEventListener("mouseleave", hideTip);
  return node;
}

function card(id, span, title, hint, ...body) {
  return el("section", { class: `card span-${span}`, id },
    el("header", null, el("h2", null, title), hint ? el("span", { class: "hint", text: hint }) : null),
    ...body);
}

function emptyNote(text) { return el("div", { class: "empty", text }); }

/* A horizontal bar chart: rows of {label, value, colour, note}. */
function barChart(rows, opts) {
  const width = opts.width || 640, rowH = 28, labelW = opts.labelW || 150, noteW = opts.noteW || 150;
  const max = Math.max(1, ...rows.map((r) => r.value));
  const h = rows.length * rowH + 6;
  const root = svg("svg", { viewBox: `0 0 ${width} ${h}`, role: "img", "aria-label": opts.label, class: "chart" });
  rows.forEach((r, i) => {
    const y = i * rowH + 4;
    const w = Math.max(2, (width - labelW - noteW) * r.value / max);
    const g = svg("g", { class: "bar" });
    g.appendChild(svg("text", { x: labelW - 10, y: y + 15, "text-anchor": "end", "font-size": 12.5, fill: "#1d2430", text: r.label }));
    g.appendChild(svg("rect", { x: labelW, y: y + 3, width: w, height: 16, rx: 4, fill: r.colour }, svgTitle(r.title || r.label)));
    g.appendChild(svg("text", { x: labelW + w + 8, y: y + 15, "font-size": 11.5, fill: "#687282", text: r.note || fmt(r.value) }));
    if (opts.onclick) { g.style.cursor = "pointer"; g.addEventListener("click", () => opts.onclick(r)); }
    root.appendChild(g);
  });
  return root;
}
