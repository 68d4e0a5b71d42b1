// Draws every figure embedded as JSON in <script type="application/json"> blocks.
(function () {
  "use strict";
  var plots = document.querySelectorAll("[data-figure]");
  var drawn = 0;
  plots.forEach(function (div) {
    var source = document.getElementById(div.getAttribute("data-figure"));
    if (!source || typeof Plotly === "undefined") { return; }
    var fig = JSON.parse(source.textContent);
    Plotly.newPlot(div, fig.data || [], fig.layout || {}, {displaylogo: false, responsive: true})
      .then(function () {
        drawn += 1;
        document.body.setAttribute("data-charts-rendered", String(drawn));
      });
  });
})();

// Key findings: fetched from the API (same session), shown as text only.
(function () {
  "use strict";
  var box = document.getElementById("findings");
  if (!box) { return; }
  var state = document.getElementById("findings-state");
  var list = document.getElementById("findings-list");
  fetch(box.getAttribute("data-src"), {credentials: "same-origin"})
    .then(function (r) { return r.json().then(function (body) { return [r.status, body]; }); })
    .then(function (pair) {
      var body = pair[1];
      if (pair[0] !== 200) {
        state.textContent = "Findings unavailable: " + ((body.error && body.error.message) || pair[0]);
        return;
      }
      (body.findings || []).forEach(function (f) {
        var li = document.createElement("li");
        li.textContent = f.sentence;
        list.appendChild(li);
      });
      state.textContent = (body.findings || []).length ? "" : "No findings for these windows.";
      box.setAttribute("data-findings", String((body.findings || []).length));
    })
    .catch(function (e) { state.textContent = "Findings unavailable: " + e; });
})();

