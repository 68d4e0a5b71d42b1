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
