// The live panel: the dashboard's list of attached clients, kept current by
// Server-Sent Events. Everything else in the portal works without script.
(function () {
  "use strict";
  var body = document.getElementById("clients");
  if (!body || !window.EventSource) { return; }
  var state = document.getElementById("live-state");
  var self = body.getAttribute("data-self");
  var source = new EventSource(body.getAttribute("data-events"));

  function cell(text, title, cls) {
    var td = document.createElement("td");
    td.textContent = text;
    if (title) { td.title = title; }
    if (cls) { td.className = cls; }
    return td;
  }

  source.addEventListener("clients", function (e) {
    var clients = JSON.parse(e.data);
    while (body.firstChild) { body.removeChild(body.firstChild); }
    clients.forEach(function (c) {
      var tr = document.createElement("tr");
      tr.setAttribute("data-client", c.id);
      tr.setAttribute("data-protocol", c.protocol);
      tr.appendChild(cell(c.protocol + (c.id === self ? " (this browser)" : "")));
      tr.appendChild(cell(c.remote));
      tr.appendChild(cell(c.agent, c.userAgent));
      tr.appendChild(cell(c.ago, c.since, "when"));
      tr.appendChild(cell(c.seenAgo, c.lastSeen, "when"));
      body.appendChild(tr);
    });
    if (state) { state.className = "live"; state.textContent = "live"; }
  });
  // This browser's session ended elsewhere (an admin, a timeout): sign in again.
  // Signing out here posts the form: the stream's own "logout" must not
  // race it with the wrong message.
  var signingOut = false;
  var form = document.querySelector("form.logout");
  if (form) { form.addEventListener("submit", function () { signingOut = true; source.close(); }); }
  source.addEventListener("logout", function (e) {
    source.close();
    if (signingOut) { return; }
    var reason = "";
    try { reason = JSON.parse(e.data).reason; } catch (err) { /* no reason */ }
    window.location.assign(reason === "logout" ? "/portal/login?signedout=1" : "/portal/login?ended=1");
  });
  source.onerror = function () {
    if (state) { state.className = "live off"; state.textContent = "reconnecting"; }
  };
})();
