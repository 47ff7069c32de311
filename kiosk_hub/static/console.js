// The console's only script (no build step): refresh the lists marked data-poll every 0.7 s
// without a reload, chime when a help call arrives, and run the hall display.
"use strict";
const POLL_MS = 700;  // well inside the 2 s a help call or a 叫号 may take to show
(function () {
  function chime() {
    try {
      const ctx = new (window.AudioContext || window.webkitAudioContext)();
      const osc = ctx.createOscillator(), gain = ctx.createGain();
      osc.frequency.value = 880; gain.gain.value = 0.15;
      osc.connect(gain); gain.connect(ctx.destination);
      osc.start(); osc.stop(ctx.currentTime + 0.35);
    } catch (e) { /* no audio here: the list still updates */ }
  }
  function poll(el) {
    const url = el.dataset.poll;
    let known = new Set(Array.from(el.querySelectorAll("[data-call]")).map(r => r.dataset.call));
    setInterval(async function () {
      let r;
      try { r = await fetch(url, {credentials: "same-origin", cache: "no-store"}); } catch (e) { return; }
      if (r.status === 401) { window.location = "/console/?idle=1"; return; }
      if (!r.ok) return;
      const html = await r.text();
      if (html === el.dataset.last) return;
      el.dataset.last = html;
      el.innerHTML = html;
      const rows = Array.from(el.querySelectorAll("[data-call]"));
      let fresh = false;
      rows.forEach(function (row) { if (!known.has(row.dataset.call)) { row.classList.add("new"); fresh = true; } });
      known = new Set(rows.map(r => r.dataset.call));
      if (fresh && el.dataset.chime) chime();
    }, POLL_MS);
  }
  function display(el) {
    let last = el.dataset.id;
    function say(text, lang) {
      if (!("speechSynthesis" in window)) return;
      const u = new SpeechSynthesisUtterance(text); u.lang = lang; window.speechSynthesis.speak(u);
    }
    setInterval(async function () {
      let r;
      try { r = await fetch("/display/" + encodeURIComponent(el.dataset.point) + "/now", {cache: "no-store"}); } catch (e) { return; }
      if (!r.ok) return;
      const now = await r.json();
      if (String(now.id) === String(last) || !now.id) return;
      last = now.id;
      document.getElementById("call-zh").textContent = now.zh;
      document.getElementById("call-en").textContent = now.en;
      chime(); say(now.zh, "zh-CN"); say(now.en, "en-US");
    }, POLL_MS);
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-poll]").forEach(poll);
    const d = document.getElementById("display");
    if (d) display(d);
  });
})();
