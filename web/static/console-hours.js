// Opening hours: the compliance verdict follows the fields as they are edited (the 「检查是否达标」 button
// does the same without JavaScript). Nothing is saved here; the server asks the API's preview.
(function () {
  var form = document.getElementById("hours-form");
  var area = document.getElementById("preview-area");
  if (!form || !area || !window.fetch || !window.FormData) return;
  var timer;
  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var data = new FormData(form);
      data.set("action", "preview");
      // form.getAttribute: `form.action` would be the buttons named "action"
      fetch(form.getAttribute("action"), {method: "POST", body: data, credentials: "same-origin"})
        .then(function (response) { return response.text(); })
        .then(function (html) {
          var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("preview-area");
          if (fresh) area.innerHTML = fresh.innerHTML;
        })
        .catch(function () { /* the button still works */ });
    }, 500);
  });
})();
