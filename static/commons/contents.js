// An article's contents mark the section being read with aria-current="location", as
// MediaWiki's Vector 2022 does, and keep that link in view when the column scrolls on its
// own. Without this script the contents work the same, unmarked. No dependencies.
(function () {
  "use strict";

  var READING_LINE = 80; // px from the top of the window: the heading above it is being read

  function setUp() {
    var nav = document.querySelector(".article-text > nav.toc");
    if (!nav) {
      return;
    }
    var sections = [];
    nav.querySelectorAll('a[href^="#"]').forEach(function (link) {
      var heading = document.getElementById(decodeURIComponent(link.hash.slice(1)));
      if (heading) {
        sections.push({ heading: heading, link: link });
      }
    });
    if (!sections.length) {
      return;
    }
    var current = null;
    var queued = false;

    function keepInView(link) {
      if (nav.scrollHeight <= nav.clientHeight) {
        return;
      }
      var top = link.getBoundingClientRect().top - nav.getBoundingClientRect().top + nav.scrollTop;
      if (top < nav.scrollTop || top + link.offsetHeight > nav.scrollTop + nav.clientHeight) {
        nav.scrollTop = top - nav.clientHeight / 3;
      }
    }

    function mark() {
      queued = false;
      var reading = null;
      for (var i = 0; i < sections.length; i++) {
        if (sections[i].heading.getBoundingClientRect().top > READING_LINE) {
          break;
        }
        reading = sections[i].link;
      }
      if (reading === current) {
        return;
      }
      if (current) {
        current.removeAttribute("aria-current");
      }
      current = reading;
      if (current) {
        current.setAttribute("aria-current", "location");
        keepInView(current);
      }
    }

    function queue() {
      if (!queued) {
        queued = true;
        window.requestAnimationFrame(mark);
      }
    }

    window.addEventListener("scroll", queue, { passive: true });
    window.addEventListener("resize", queue);
    mark();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
