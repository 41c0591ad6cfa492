// Octavo's live preview (octavo --serve; octavo/serve.py serves this file at /_octavo/live.js).
//
// Listens to the preview's server-sent events at /_octavo/events. When this page's book is built
// again, the page reloads and scrolls back to where the reader was (the paragraph nearest the top
// of the window, by its id). When the build failed, the diagnostics cover the page, in place of
// text that is no longer what the source says, until the book builds again. When the server was
// restarted, the page reloads. A page's book is the one named by a folder of its path (/NAME/...)
// or the one whose build wrote it; a page at the top of the output folder hears every book.
// No inline script, no innerHTML: it runs under a Content Security Policy of script-src 'self'
// (the page's policy must allow connect-src 'self', which default-src 'self' does).
(function () {
  "use strict";

  var EVENTS = "/_octavo/events";
  var PLACE = "octavo-live-place:" + location.pathname;
  var OVERLAY = "octavo-live-problems";
  var BLOCKS = "p[id], li[id], h1[id], h2[id], h3[id], h4[id], h5[id], h6[id], blockquote[id], " +
    "pre[id], figure[id], table[id], aside[id], dt[id], dd[id]";
  var folders = foldersOf(location.pathname);
  var server = null; // the id of the server this page first heard from

  // The folders of this page's path, decoded: /NAME/chapter-2.html -> ["NAME"]; none at the top.
  function foldersOf(path) {
    return path.split("/").slice(1, -1).map(decoded);
  }

  function decoded(part) {
    try {
      return decodeURIComponent(part);
    } catch (e) {
      return part;
    }
  }

  // Whether news of a build is about this page: its book's name is one of the page's folders, or
  // the page is one of the files (or in one of the folders) the build wrote; a page at the top of
  // the output folder hears every book.
  function concerns(news) {
    if (folders.length === 0 || folders.indexOf(news.book) !== -1) {
      return true;
    }
    var here = folders.concat(decoded(location.pathname.split("/").pop())).join("/");
    return (news.outputs || []).some(function (output) {
      return here === output || here.indexOf(output.replace(/\/?$/, "/")) === 0;
    });
  }

  // The reader's place: the block with an id nearest the top of the window, and how far from it.
  function place() {
    var best = null;
    var blocks = document.querySelectorAll(BLOCKS);
    for (var i = 0; i < blocks.length; i++) {
      var box = blocks[i].getBoundingClientRect();
      if (box.bottom <= 0 || (box.width === 0 && box.height === 0)) {
        continue;
      }
      if (best === null || Math.abs(box.top) < Math.abs(best.top)) {
        best = { id: blocks[i].id, top: box.top };
      }
      if (box.top > window.innerHeight) {
        break; // in document order: the rest are further down
      }
    }
    return best === null ? { id: null, top: 0, y: window.scrollY } : { id: best.id, top: best.top, y: window.scrollY };
  }

  function reload() {
    try {
      sessionStorage.setItem(PLACE, JSON.stringify(place()));
      history.scrollRestoration = "manual";
    } catch (e) {
      // storage refused (private mode): the page reloads where the browser puts it
    }
    location.reload();
  }

  function restore() {
    var saved;
    try {
      saved = JSON.parse(sessionStorage.getItem(PLACE) || "null");
    } catch (e) {
      saved = null;
    }
    if (!saved) {
      return false;
    }
    var target = saved.id ? document.getElementById(saved.id) : null;
    if (target) {
      window.scrollBy(0, target.getBoundingClientRect().top - saved.top);
    } else {
      window.scrollTo(0, saved.y);
    }
    return true;
  }

  function showProblems(news) {
    var old = document.getElementById(OVERLAY);
    if (old) {
      old.remove();
    }
    var box = document.createElement("div");
    box.id = OVERLAY;
    box.setAttribute("role", "alert");
    var s = box.style; // CSSOM, not a style attribute: allowed by a style-src 'self' policy
    s.position = "fixed";
    s.inset = "0";
    s.zIndex = "2147483647";
    s.overflow = "auto";
    s.padding = "1.5rem";
    s.background = "Canvas";
    s.color = "CanvasText";
    s.font = "1rem/1.5 system-ui, sans-serif";
    var title = document.createElement("h1");
    title.textContent = "The build of " + news.book + " failed";
    title.style.fontSize = "1.25rem";
    var hint = document.createElement("p");
    hint.textContent = "Fix the source: this page reloads by itself when the book builds again.";
    var text = document.createElement("pre");
    text.textContent = news.diagnostics || "(no diagnostics)";
    text.style.whiteSpace = "pre-wrap";
    text.style.font = "0.9rem/1.4 ui-monospace, monospace";
    box.append(title, hint, text);
    for (var i = 0; i < document.body.children.length; i++) {
      document.body.children[i].inert = true; // the stale text: neither focused nor read aloud
    }
    document.body.appendChild(box);
  }

  function connect() {
    var source = new EventSource(EVENTS);
    source.addEventListener("hello", function (message) {
      var id = JSON.parse(message.data).server;
      if (server !== null && id !== server) {
        reload(); // a new server: the pages may have been rebuilt while this one was away
        return;
      }
      server = id;
    });
    source.addEventListener("build", function (message) {
      var news = JSON.parse(message.data);
      if (!concerns(news)) {
        return;
      }
      if (news.ok) {
        reload();
      } else {
        showProblems(news);
      }
    });
    source.addEventListener("error", function () {
      if (source.readyState === EventSource.CLOSED) { // the browser gave up: try again ourselves
        setTimeout(connect, 1000);
      }
    });
  }

  if (restore()) {
    // Again once images and fonts are in: they move what is above the place.
    window.addEventListener("load", function () {
      restore();
      try {
        sessionStorage.removeItem(PLACE);
      } catch (e) {
        // nothing kept
      }
    });
  }
  connect();
})();
