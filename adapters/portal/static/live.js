// The live panel: the dashboard's list of attached clients, kept current by
// Server-Sent Events. Everything else in the portal works without script.
(function () {
  "use strict";
  var body = document.getElementById("clients");
  if (!body || !window.EventSource) { return; }
  var state = document.getElementById("live-state");
  var self = body.getAttribute("data-self");
  var source = new EventSource(body.getAttribute("data-events"));

  function cell(text) {
    var td = document.createElement("td");
    td.textContent = text;
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
      tr.appendChild(cell(c.userAgent));
      tr.appendChild(cell(c.since));
      body.appendChild(tr);
    });
    if (state) { state.className = "live"; state.textContent = "live"; }
  });
  // This browser's session ended elsewhere (an admin, a timeout): sign in again.
  source.addEventListener("logout", function () {
    source.close();
    window.location.assign("/portal/login?ended=1");
  });
  source.onerror = function () {
    if (state) { state.className = "live off"; state.textContent = "reconnecting"; }
  };
})();
