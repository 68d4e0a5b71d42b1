// Loaded before plotly.js on the chart pages. The Content-Security-Policy allows no inline
// style, so a browser refuses a style *attribute* set from script (plotly's colour bars do
// `.attr("style", "")`, its rich text `<span style=...>` in labels likewise); the same
// declarations set through the CSSOM (element.style) are allowed. This makes the one the
// other, so nothing is refused and nothing is lost. Markup's style attributes stay refused.
(function () {
  "use strict";
  function isStyle(name) { return String(name).toLowerCase() === "style"; }
  var setAttribute = Element.prototype.setAttribute;
  var setAttributeNS = Element.prototype.setAttributeNS;
  Element.prototype.setAttribute = function (name, value) {
    if (isStyle(name) && this.style) {
      this.style.cssText = String(value);
      return undefined;
    }
    return setAttribute.apply(this, arguments);
  };
  Element.prototype.setAttributeNS = function (namespace, name, value) {
    if (!namespace && isStyle(name) && this.style) {
      this.style.cssText = String(value);
      return undefined;
    }
    return setAttributeNS.apply(this, arguments);
  };
})();
