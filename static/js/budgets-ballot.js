// Budget meter for the ballot: progressive enhancement, the form works without it.
(function () {
  "use strict";
  var box = document.querySelector(".budget-meter");
  var form = document.querySelector(".ballot-form");
  var words = document.getElementById("budget-meter-words");
  if (!box || !form || !words) return;
  var envelope = Number(box.dataset.envelope);
  var meter = document.getElementById("budget-meter");
  var text = document.getElementById("budget-meter-text");
  var format = new Intl.NumberFormat(document.documentElement.lang);
  function update() {
    var spent = 0;
    form.querySelectorAll("input[name=projects]:checked").forEach(function (box) {
      spent += Number(box.dataset.cost);
    });
    meter.value = Math.min(spent, envelope);
    var line = format.format(spent) + " $ " + words.dataset.spent + " · ";
    if (spent > envelope) {
      line += format.format(spent - envelope) + " $ " + words.dataset.over;
    } else {
      line += format.format(envelope - spent) + " $ " + words.dataset.left;
    }
    text.textContent = line;
    box.classList.toggle("over", spent > envelope);
  }
  form.addEventListener("change", update);
  box.hidden = false;
  update();
})();
