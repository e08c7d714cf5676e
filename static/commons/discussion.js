// The discussion under an article, two conveniences on top of forms that work without it:
// - Quote: with part of a comment's text selected, only the selection is quoted in the
//   reply form (without a selection, or without this script, the link asks the server for
//   the whole comment quoted);
// - an anonymous commenter may keep their name and e-mail in this browser (localStorage),
//   never on the server nor in a cookie: article pages are shared copies.
// No dependencies.
(function () {
  "use strict";

  var STORAGE_KEY = "commons.commenter";
  var QUOTE_MAX_LENGTH = 1000; // as comments/quoting.py

  function selectedTextIn(element) {
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed || !selection.rangeCount) {
      return "";
    }
    var range = selection.getRangeAt(0);
    if (!element.contains(range.commonAncestorContainer)) {
      return "";
    }
    return selection.toString().trim();
  }

  function quoteMarkdown(name, url, text) {
    if (text.length > QUOTE_MAX_LENGTH) {
      text = text.slice(0, QUOTE_MAX_LENGTH).trim() + " …";
    }
    var escaped = name.replace(/([\\`*_\[\]()<>#!|~])/g, "\\$1");
    var lines = ["> [" + escaped + " wrote](" + url + "):", ">"];
    text.split(/\r?\n/).forEach(function (line) {
      lines.push(("> " + line).replace(/\s+$/, ""));
    });
    return lines.join("\n") + "\n\n";
  }

  // The form now answers comment `id`: say so, as the server's reply form does.
  function markAsReply(form, id) {
    var heading = form.querySelector("h3");
    if (heading) {
      var link = document.createElement("a");
      link.href = "#comment-" + id;
      link.textContent = "a comment";
      heading.textContent = "Reply to ";
      heading.appendChild(link);
    }
    var post = form.querySelector("button.button--primary");
    if (post) {
      post.textContent = "Post reply";
    }
  }

  function setUpQuotes(form) {
    var textarea = form.querySelector("textarea[name=body]");
    var parent = form.querySelector("input[name=parent]");
    if (!textarea || !parent) {
      return;
    }
    var saved = null; // the selection when the pointer went down on a Quote link

    function commentBodyOf(link) {
      var comment = link.closest("article.comment");
      return comment && comment.querySelector(".comment-body");
    }

    document.addEventListener("mousedown", function (event) {
      var link = event.target.closest && event.target.closest("a.comment-quote");
      saved = null;
      if (link && commentBodyOf(link)) {
        saved = { link: link, text: selectedTextIn(commentBodyOf(link)) };
      }
    });

    document.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest("a.comment-quote");
      if (!link) {
        return;
      }
      var body = commentBodyOf(link);
      var text = body ? selectedTextIn(body) : "";
      if (!text && saved && saved.link === link) {
        text = saved.text;
      }
      saved = null;
      if (!text) {
        return; // the server quotes the whole comment
      }
      event.preventDefault();
      var id = link.closest("article.comment").id.replace("comment-", "");
      parent.value = id;
      markAsReply(form, id);
      var quote = quoteMarkdown(link.dataset.quoteName || "", link.dataset.quoteUrl || "", text);
      textarea.value = textarea.value.trim() ? textarea.value.replace(/\s*$/, "\n\n") + quote : quote;
      form.scrollIntoView({ block: "start" });
      textarea.focus();
      textarea.setSelectionRange(textarea.value.length, textarea.value.length);
    });
  }

  function readRemembered() {
    try {
      return JSON.parse(window.localStorage.getItem(STORAGE_KEY) || "null");
    } catch (error) {
      return null; // storage blocked, or not ours
    }
  }

  function setUpRemember(form) {
    var box = document.getElementById("remember-commenter");
    var check = document.getElementById("remember-commenter-check");
    var fields = ["name", "email", "website"].map(function (name) {
      return form.querySelector("input[name=" + name + "]");
    });
    if (!box || !check || !fields[0] || !fields[1]) {
      return;
    }
    var storage;
    try {
      storage = window.localStorage;
      storage.getItem(STORAGE_KEY);
    } catch (error) {
      return; // no storage here: keep the box hidden
    }
    box.hidden = false;
    var remembered = readRemembered();
    if (remembered) {
      check.checked = true;
      fields.forEach(function (field) {
        if (field && !field.value && typeof remembered[field.name] === "string") {
          field.value = remembered[field.name];
        }
      });
    }
    check.addEventListener("change", function () {
      if (!check.checked) {
        storage.removeItem(STORAGE_KEY);
      }
    });
    form.addEventListener("submit", function () {
      if (!check.checked) {
        storage.removeItem(STORAGE_KEY);
        return;
      }
      var values = {};
      fields.forEach(function (field) {
        if (field) {
          values[field.name] = field.value.trim();
        }
      });
      storage.setItem(STORAGE_KEY, JSON.stringify(values));
    });
  }

  function setUp() {
    var form = document.getElementById("comment-form");
    if (!form) {
      return;
    }
    setUpQuotes(form);
    setUpRemember(form);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
