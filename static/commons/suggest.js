// Title suggestions for the header search box: an ARIA 1.2 combobox with a listbox.
// Keyboard: Down/Up move through the titles, Enter opens the highlighted one (or submits
// the search as typed), Escape closes the list. No dependencies.
(function () {
  "use strict";

  var script = document.currentScript;
  var endpoint = script && script.getAttribute("data-suggest-url");

  function setUp() {
    var input = document.getElementById("site-search-q");
    if (!input || !endpoint || !window.fetch) {
      return;
    }
    var form = input.form;
    var list = document.createElement("ul");
    var status = document.createElement("p");
    var items = [];
    var active = -1;
    var timer = null;
    var pending = null;
    var lastQuery = "";

    list.id = "site-search-suggestions";
    list.className = "suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Matching titles");
    list.hidden = true;
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    input.insertAdjacentElement("afterend", list);
    list.insertAdjacentElement("afterend", status);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      if (active >= 0 && items[active]) {
        items[active].setAttribute("aria-selected", "false");
      }
      active = index;
      if (index < 0) {
        input.removeAttribute("aria-activedescendant");
        return;
      }
      items[index].setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", items[index].id);
      items[index].scrollIntoView({ block: "nearest" });
    }

    function show(results) {
      list.textContent = "";
      items = results.map(function (result, index) {
        var option = document.createElement("li");
        option.id = "site-search-suggestion-" + index;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.textContent = result.title;
        option.dataset.url = result.url;
        option.addEventListener("mousedown", function (event) {
          event.preventDefault(); // keep focus in the box until we navigate
          window.location.assign(result.url);
        });
        list.appendChild(option);
        return option;
      });
      active = -1;
      input.removeAttribute("aria-activedescendant");
      if (items.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
        status.textContent = items.length + (items.length === 1 ? " title" : " titles") +
          " suggested; use the arrow keys to choose.";
      } else {
        close();
        status.textContent = "";
      }
    }

    function fetchSuggestions() {
      var query = input.value.trim();
      if (query === lastQuery) {
        return;
      }
      lastQuery = query;
      if (pending) {
        pending.abort();
      }
      if (!query) {
        show([]);
        return;
      }
      pending = new AbortController();
      fetch(endpoint + "?q=" + encodeURIComponent(query), {
        headers: { Accept: "application/json" },
        signal: pending.signal,
      })
        .then(function (response) {
          return response.ok ? response.json() : { results: [] };
        })
        .then(function (data) {
          if (input.value.trim() === query && document.activeElement === input) {
            show(data.results || []);
          }
        })
        .catch(function () {
          /* aborted or offline: the plain search still works */
        });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(fetchSuggestions, 200);
    });

    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (list.hidden) {
          if (items.length) {
            list.hidden = false;
            input.setAttribute("aria-expanded", "true");
          } else {
            return;
          }
        }
        event.preventDefault();
        var step = event.key === "ArrowDown" ? 1 : -1;
        var next = active + step;
        if (next >= items.length) {
          next = -1;
        } else if (next < -1) {
          next = items.length - 1;
        }
        highlight(next);
      } else if (event.key === "Enter" && !list.hidden && active >= 0) {
        event.preventDefault();
        window.location.assign(items[active].dataset.url);
      } else if (event.key === "Escape" && !list.hidden) {
        event.preventDefault();
        close();
      }
    });

    input.addEventListener("blur", close);
    if (form) {
      form.addEventListener("submit", close);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
