// The portal's API explorer: Swagger UI on the gateway's own OpenAPI
// document. Its calls go to the same origin, so a cookie session travels
// by itself (the JSON front end takes the cookie with a JSON body from the
// gateway's own origin); when cookies are off the page carries the token,
// sent here as X-Gateway-Session.
"use strict";
window.addEventListener("DOMContentLoaded", function () {
  var root = document.getElementById("swagger-ui");
  if (!root || typeof SwaggerUIBundle !== "function") {
    return;
  }
  var token = root.dataset.token;
  SwaggerUIBundle({
    url: root.dataset.spec,
    domNode: root,
    deepLinking: false,
    tryItOutEnabled: true,
    displayOperationId: false,
    defaultModelsExpandDepth: 0,
    requestInterceptor: function (req) {
      if (token) {
        req.headers["X-Gateway-Session"] = token;
      }
      return req;
    },
  });
});
